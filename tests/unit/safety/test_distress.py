"""Distress detection: `assess_distress(text, context)` on independent examples, and the lexicon's engine.

Examples come from safety_examples.py (written for these tests, not from the
corpus). The lexicon tests at the bottom check distress.yml's mechanics through
`assess_lexicon`, the rule half alone.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from safety_examples import (
    CONTEXT_CRISIS,
    CRISIS,
    CRISIS_REGISTERS,
    DISTRESS,
    KNOWN_CRISIS_MISSES,
    KNOWN_DISTRESS_MISSES,
    KNOWN_FALSE_CRISIS,
    NOT_CRISIS,
)

from kuanxian.safety import DistressAssessment, assess_distress
from kuanxian.safety.corpus import CATEGORIES
from kuanxian.safety.lexicon import assess_lexicon
from kuanxian.safety.model import load_model

DATA = Path(__file__).parent / "data"


def _params(table: dict[str, list[str]]) -> list[object]:
    return [pytest.param(text, id=f"{key}-{i}") for key, texts in table.items() for i, text in enumerate(texts)]


def test_examples_cover_every_crisis_kind_register_and_distress_kind() -> None:
    assert set(CRISIS) == set(CATEGORIES["distress"]["crisis"])
    assert set(CRISIS_REGISTERS) == {"cantonese", "wu", "traditional", "pinyin", "slang"}
    for register, kinds in CRISIS_REGISTERS.items():
        missing = set(CRISIS) - set(kinds)
        known = {"practical_question"} if register == "slang" else set()  # the slang one is a known miss
        assert missing == known, (register, missing)
    assert {"hopeless_money", "overwhelm", "shame", "anger"} <= set(DISTRESS)
    assert {"denial", "other_case", "research", "hyperbole", "everyday"} <= set(NOT_CRISIS)


# ---------------------------------------------------------------- crisis --


@pytest.mark.parametrize("text", _params(CRISIS))
def test_crisis_kinds(text: str) -> None:
    result = assess_distress(text)
    assert result.level == "crisis", result
    assert result.signals


REGISTER_PARAMS = [
    pytest.param(text, id=f"{register}-{kind}-{i}")
    for register, kinds in CRISIS_REGISTERS.items()
    for kind, texts in kinds.items()
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize("text", REGISTER_PARAMS)
def test_crisis_in_dialect_traditional_pinyin_and_slang(text: str) -> None:
    result = assess_distress(text)
    assert result.level == "crisis", result


@pytest.mark.parametrize("text", [pytest.param(t, id=f"known-{i}") for i, (t, _) in enumerate(KNOWN_CRISIS_MISSES)])
@pytest.mark.xfail(reason="known crisis miss when the example was written (see KNOWN_CRISIS_MISSES)", strict=False)
def test_known_crisis_misses(text: str) -> None:
    assert assess_distress(text).level == "crisis"


# -------------------------------------------------------------- distress --


@pytest.mark.parametrize("text", _params(DISTRESS))
def test_distress_kinds_are_at_least_distress(text: str) -> None:
    result = assess_distress(text)
    assert result.level in ("distress", "crisis"), result
    assert result.needs_care


@pytest.mark.parametrize("text", [pytest.param(t, id=f"known-{i}") for i, (t, _, _) in enumerate(KNOWN_DISTRESS_MISSES)])
@pytest.mark.xfail(reason="known miss when the example was written (see KNOWN_DISTRESS_MISSES)", strict=False)
def test_known_distress_misses(text: str) -> None:
    assert assess_distress(text).level != "none"


# ------------------------------------------------------ not the speaker's --


@pytest.mark.parametrize("text", _params(NOT_CRISIS))
def test_not_a_crisis_for_the_speaker(text: str) -> None:
    result = assess_distress(text)
    assert result.level != "crisis", result


def test_not_crisis_examples_are_mostly_none() -> None:
    texts = [t for texts in NOT_CRISIS.values() for t in texts]
    raised = {t: assess_distress(t).level for t in texts if assess_distress(t).level != "none"}
    assert len(raised) / len(texts) <= 0.1, raised


@pytest.mark.parametrize("text", [pytest.param(t, id=f"known-{i}") for i, (t, _) in enumerate(KNOWN_FALSE_CRISIS)])
@pytest.mark.xfail(reason="known false crisis when the example was written (see KNOWN_FALSE_CRISIS)", strict=False)
def test_known_false_crisis(text: str) -> None:
    assert assess_distress(text).level != "crisis"


def test_a_bare_denial_is_none() -> None:
    for text in NOT_CRISIS["denial"]:
        assert assess_distress(text).level == "none"
    # The lexicon records why it stood down.
    assert assess_lexicon("我不会去寻短见的").signals == ("denied_risk",)
    assert assess_lexicon("我不会去寻短见的").level == "none"


# --------------------------------------------------------------- context --


@pytest.mark.parametrize(("context", "text"), [pytest.param(c, t, id=str(i)) for i, (c, t) in enumerate(CONTEXT_CRISIS)])
def test_a_practical_question_after_despair_is_crisis(context: tuple[str, ...], text: str) -> None:
    assert assess_distress(text, context).level == "crisis"


def test_the_context_is_what_raises_it() -> None:
    context, text = CONTEXT_CRISIS[1]
    assert assess_distress(text).level == "none"
    result = assess_distress(text, context)
    assert result.level == "crisis"
    assert "context.earlier_messages" in result.signals


def test_calm_context_does_not_raise_an_innocent_question() -> None:
    _, text = CONTEXT_CRISIS[1]
    assert assess_distress(text, ("你好", "我想问一下这个月的账单")).level == "none"


def test_blank_context_messages_are_ignored() -> None:
    _, text = CONTEXT_CRISIS[1]
    assert assess_distress(text, ("", "   ")) == assess_distress(text)


def test_a_passed_model_gives_the_same_verdict() -> None:
    model = load_model("distress")
    context, text = CONTEXT_CRISIS[1]
    for args in ((text, ()), (text, context), (CRISIS["plan"][0], ()), (NOT_CRISIS["hyperbole"][0], ())):
        assert assess_distress(*args, model=model) == assess_distress(*args)


# ------------------------------------------------------------------ shape --


def test_assessment_shape() -> None:
    result = assess_distress(DISTRESS["overwhelm"][0])
    assert isinstance(result, DistressAssessment)
    assert result.to_dict() == {"level": result.level, "signals": list(result.signals)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = "none"  # type: ignore[misc]
    crisis = assess_distress(CRISIS["self_harm"][0])
    assert crisis.is_crisis and crisis.needs_care
    assert assess_distress("").level == "none"
    assert assess_distress("  \n").level == "none"


# -------------------------------------------------------- lexicon engine --
# distress.yml's mechanics, through the lexicon alone.


def test_negation_never_hides_a_crisis_phrase() -> None:
    assert assess_lexicon("我不想活了").level == "crisis"
    assert assess_lexicon("我不会自杀的，但我真的不想活了").level == "crisis"
    # Only the denial is blanked: another crisis phrase in the message still counts.
    assert assess_lexicon("放心我不会自杀，我只是想消失").level == "crisis"


def test_denials() -> None:
    assert assess_lexicon("我不会想不开的，放心").to_dict() == {"level": "none", "signals": []}  # reassured
    assert assess_lexicon("我不会做傻事").to_dict() == {"level": "none", "signals": ["denied_risk"]}  # bare
    assert assess_lexicon("我没有崩溃，只是想问问分期").level == "none"


def test_benign_contexts_and_the_plan_cue_that_overrides_them() -> None:
    assert assess_lexicon("今天商场跳楼价大甩卖").level == "none"
    assert assess_lexicon("我家是开农药店的").level == "none"
    assert assess_lexicon("我想喝农药").level == "crisis"
    assert assess_lexicon("医生给我开了点安眠药").level == "distress"
    assert assess_lexicon("医生开的安眠药我都攒起来了").level == "crisis"
    assert assess_lexicon("我家开农药店，我喝了一瓶").level == "crisis"


def test_euphemisms_need_distress_around_them() -> None:
    assert assess_lexicon("好累，我先走了，明天再聊").level == "none"
    assert assess_lexicon("想结束这个分期，太焦虑了").level == "distress"
    assert assess_lexicon("我撑不下去了，先走了").level == "crisis"
    assert "crisis.euphemism_in_distress" in assess_lexicon("我撑不下去了，先走了").signals
    assert assess_lexicon("妈妈，我好累，我想先走了").level == "crisis"


def test_self_reference_skips_other_beings() -> None:
    assert assess_lexicon("我养的鱼全死了").level == "none"
    assert assess_lexicon("我的宠物狗死了，我很伤心").level != "crisis"
    assert assess_lexicon("我死了债就清了吧").level == "crisis"


def _tuned_texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("distress*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.rpartition("\t")[0])
    return texts


def test_english_gate_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipping ASCII-only patterns for text without Latin letters is only a speed-up."""
    from kuanxian.safety import lexicon

    texts = _tuned_texts() + [t for table in (CRISIS, DISTRESS, NOT_CRISIS) for v in table.values() for t in v]
    texts += [p.values[0] for p in REGISTER_PARAMS]
    gated = [assess_lexicon(t) for t in texts]
    monkeypatch.setattr(lexicon, "_LATIN", lexicon.re.compile(""))
    assert [assess_lexicon(t) for t in texts] == gated


def test_lexicon_errors_are_reported(tmp_path: Path) -> None:
    from kuanxian.safety import lexicon

    bad = tmp_path / "distress.yml"
    bad.write_text("macros: {a: 'x'}\ncrisis:\n  - id: c\n    patterns: ['{b}死']\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"crisis\.c: unknown macro \{b\}"):
        lexicon._load(bad)
    bad.write_text("crisis:\n  - id: c\n    patterns: ['(死']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad regular expression"):
        lexicon._load(bad)
    bad.write_text("crisis:\n  - patterns: ['死']\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"crisis\[0\]: expected a mapping with an id"):
        lexicon._load(bad)
    ok = tmp_path / "ok.yml"
    ok.write_text("macros: {a: '想'}\ncrisis:\n  - id: c\n    patterns: ['{a}.{0,2}死']\n", encoding="utf-8")
    lex = lexicon._load(ok)
    full = lex.crisis[0][1].full
    assert full is not None and full.search("想去死")  # {0,2} is a quantifier, not a macro


@pytest.mark.parametrize("text", ["再这样下去我只能去跳钱塘江了哈哈哈", "我想跳黄浦江", "跳到河里去算了"])
def test_jumping_into_a_named_river_is_a_method_even_said_as_a_joke(text: str) -> None:
    # A joke about a method is asked about (the crisis question), not let pass: when in doubt, crisis.
    assert assess_lexicon(text).level == "crisis"


@pytest.mark.parametrize("text", ["跳槽到河南去了", "周末去跳广场舞", "电视剧里的女主跳钱塘江了"])
def test_other_jumps_and_rivers_are_not_a_method(text: str) -> None:
    assert assess_lexicon(text).level == "none"
