"""Distress detection: labelled set rates, must-catch phrases, hyperbole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kuanxian.safety import DistressAssessment, assess_distress

DATA = Path(__file__).parent / "data"


def _rows() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "distress.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _, label = line.rpartition("\t")
        assert label in ("none", "distress", "crisis"), line
        rows.append((text, label))
    return rows


ROWS = _rows()


def test_labelled_set_size() -> None:
    assert len(ROWS) >= 250
    for level in ("none", "distress", "crisis"):
        assert sum(1 for _, lab in ROWS if lab == level) >= 60, level


def test_every_crisis_line_is_recognised() -> None:
    missed = [t for t, lab in ROWS if lab == "crisis" and assess_distress(t).level != "crisis"]
    assert not missed, missed


def test_no_everyday_line_is_called_crisis() -> None:
    wrong = [t for t, lab in ROWS if lab == "none" and assess_distress(t).level == "crisis"]
    assert not wrong, wrong


def test_distress_recall_at_least_93_percent() -> None:
    texts = [t for t, lab in ROWS if lab == "distress"]
    missed = [t for t in texts if assess_distress(t).level != "distress"]
    recall = 1 - len(missed) / len(texts)
    assert recall >= 0.93, f"recall {recall:.1%}; missed {missed}"


def test_false_alarms_at_most_10_percent() -> None:
    texts = [t for t, lab in ROWS if lab == "none"]
    alarms = [t for t in texts if assess_distress(t).level != "none"]
    rate = len(alarms) / len(texts)
    assert rate <= 0.10, f"false alarms {rate:.1%}: {alarms}"


MUST_CATCH_CRISIS = [
    "不想活了", "活不下去了", "一了百了", "想死", "去死", "死了算了", "结束生命", "自杀", "轻生",
    "跳楼", "跳河", "天台", "农药", "安眠药", "割腕", "烧炭", "遗书", "后事", "永别了",
    "下辈子再还", "对不起我先走了", "这辈子就这样吧", "解脱", "离开这个世界",
    "不在了你们就不用催了", "想从楼上跳下去", "I want to kill myself", "end my life", "suicide",
    "I don't want to live", "goodbye forever", "伤害自己", "自残",
    "不 想 活了", "我不想活了", "我想自殺", "下輩子再還",
]


@pytest.mark.parametrize("text", MUST_CATCH_CRISIS)
def test_must_catch_crisis(text: str) -> None:
    result = assess_distress(text)
    assert result.level == "crisis", result
    assert result.signals


MUST_CATCH_DISTRESS = [
    "崩溃了", "撑不下去了", "绝望", "走投无路", "压得喘不过气", "天天失眠", "抑郁症又犯了",
    "焦虑得睡不着", "每天都在哭", "活着好累", "没有希望", "I can't cope", "I'm falling apart",
    "I'm so depressed",
]


@pytest.mark.parametrize("text", MUST_CATCH_DISTRESS)
def test_must_catch_distress(text: str) -> None:
    assert assess_distress(text).level == "distress"


EVERYDAY = [
    "累死了", "笑死", "笑死我了", "饿死了", "热死了", "冷死了", "困死了", "忙死了", "死机了", "手机死机",
    "气死我了", "烦死了", "高得要死", "贵得要死", "吓死我了", "要死啊这么贵", "死贵", "该死的系统",
    "I'm dying to know", "this is killing me", "我想分期", "这个月工资晚发了", "利息太高了",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_phrases_are_none(text: str) -> None:
    assert assess_distress(text).level == "none"


def test_negation_never_hides_crisis() -> None:
    assert assess_distress("我不想活了").level == "crisis"
    assert assess_distress("我不会自杀的，但我真的不想活了").level == "crisis"
    assert assess_distress("我不会想不开的，放心").level in ("none", "distress")
    assert assess_distress("我没有崩溃，只是想问问分期").level == "none"


def test_benign_means_contexts() -> None:
    assert assess_distress("今天商场跳楼价大甩卖").level == "none"
    assert assess_distress("我家是开农药店的").level == "none"
    assert assess_distress("我想喝农药").level == "crisis"


def test_assessment_shape() -> None:
    result = assess_distress("我真的崩溃了")
    assert isinstance(result, DistressAssessment)
    assert result.needs_care and not result.is_crisis
    assert result.to_dict() == {"level": "distress", "signals": list(result.signals)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = "none"  # type: ignore[misc]
    assert assess_distress("").level == "none"
