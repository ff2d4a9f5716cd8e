"""Who is typing, from the words alone (kuanxian.hub.speaker): the holder taking the phone back, a yes to the question."""

from __future__ import annotations

import pytest

from kuanxian.hub.speaker import confirms_holder, hands_back


@pytest.mark.parametrize(
    "text",
    [
        "你好 我是王 刚才是我孙子打的字",
        "歹势，刚才是我先生打的。他不懂规矩，我自己跟你谈。",
        "剛才是我女兒幫我打的，現在是我本人",
        "手机还给我了，我自己说",
    ],
)
def test_the_phone_handed_back_in_so_many_words(text: str) -> None:
    assert hands_back(text) == "back"


@pytest.mark.parametrize("text", ["我是本人", "对，是我本人确认", "我自己跟你谈"])
def test_only_a_claim_is_asked_about_first(text: str) -> None:
    assert hands_back(text) == "claim"


@pytest.mark.parametrize("text", ["我不是本人，刚才是我儿子打的", "我儿子欠你们多少钱", "我奶奶说她能还五百"])
def test_no_hand_back(text: str) -> None:
    assert hands_back(text) == ""


@pytest.mark.parametrize("text, yes", [("是本人", True), ("是", True), ("係本人", True), ("不是", False), ("唔关我事", False)])
def test_a_yes_to_the_identity_question(text: str, yes: bool) -> None:
    assert confirms_holder(text) is yes
