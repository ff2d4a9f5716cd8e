"""Answers to the direct crisis question: a plain no, a yes, and a no with a question in it."""

from __future__ import annotations

import pytest

from kuanxian.hub.risk import RiskCheck, asks_more, denies_risk, says_yes

ASKED = RiskCheck(asked=True, denied_at=None)


@pytest.mark.parametrize(
    "text",
    [
        "没有没有，我没这么想",
        "？？不是 随口一说而已 我好着呢",
        "放心，我不会做傻事的",
        "我没事！！我不想死！！就是个口头禅",
        "哈哈哈 夸张了 我没事",
    ],
)
def test_a_plain_no_is_a_no(text: str) -> None:
    assert denies_risk(text)


@pytest.mark.parametrize(
    "text",
    [
        "没有，就是觉得活着没什么意思了",
        "我不想死，但是真的撑不住了，药都准备好了",
        "不是…我只是觉得大家没有我会更好",
        "嗯",
    ],
)
def test_a_no_that_still_carries_a_sign_is_not_a_no(text: str) -> None:
    assert not denies_risk(text)


@pytest.mark.parametrize(("text", "yes"), [("有时候会想", True), ("是", True), ("嗯", True), ("你们会不会联系我爸妈？", False)])
def test_a_yes_is_a_plain_yes_or_a_sign_by_itself(text: str, yes: bool) -> None:
    assert says_yes(ASKED, text) is yes
    assert not says_yes(RiskCheck(asked=True, denied_at=None, heard=True), text), "heard once already"


def test_a_no_with_a_question_in_it_asks_more() -> None:
    assert asks_more("没想死 我问你们会不会发网上曝光啊")
    assert not asks_more("没有没有，我没这么想")
