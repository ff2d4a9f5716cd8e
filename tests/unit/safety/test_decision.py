"""How rules, lexicon and models are combined (kuanxian/safety/decision.py + decision.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuanxian.safety.decision import (
    DECISION_PATH,
    DistressThresholds,
    GuardThresholds,
    distress_level,
    load_thresholds,
    model_level,
    pressure_blocked,
)

# ------------------------------------------------------------ thresholds --


def test_committed_thresholds_load_and_are_consistent() -> None:
    th = load_thresholds(DECISION_PATH)
    g, d = th.guard, th.distress
    assert 0 <= g.rule_veto_below <= g.block_at <= g.block_exempted_at <= 1
    assert 0 < d.crisis_at < d.raise_at <= 1
    assert 0 < d.context_crisis_at <= (d.crisis_alone_at or d.crisis_at)  # a lower bar than a lone reading needs
    assert 1 <= d.context_messages <= 10
    assert d.lexicon_distress_veto_at <= d.lexicon_crisis_veto_at
    assert 0 < th.identity.third_party_at < 1
    assert load_thresholds() is load_thresholds()  # read once
    assert load_thresholds() == th


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_values_are_read_from_the_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "decision.yml",
        "guard: {block_at: 0.6, block_exempted_at: 0.9, rule_veto_below: 0.1}\n"
        "distress: {crisis_at: 0.2, raise_at: 0.55, context_crisis_at: 0.05, context_messages: 5,"
        " lexicon_distress_veto_at: 0.7, lexicon_crisis_veto_at: 1.01}\n"
        "identity: {third_party_at: 0.4}\n",
    )
    th = load_thresholds(path)
    assert th.guard == GuardThresholds(0.6, 0.9, 0.1)
    assert th.distress == DistressThresholds(0.2, 0.55, 0.05, 5, 0.7, 1.01)
    assert th.identity.third_party_at == 0.4


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    th = load_thresholds(_write(tmp_path, "empty.yml", ""))
    assert th.guard == GuardThresholds()
    assert th.distress == DistressThresholds()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("guard: {block_at: 1.5}\n", "block_at must be a probability"),
        ("guard: {block_at: -0.1}\n", "block_at must be a probability"),
        ("guard: {block_exempted_at: high}\n", "block_exempted_at must be a probability"),
        ("guard: {rule_veto_below: true}\n", "rule_veto_below must be a probability"),
        ("distress: {crisis_at: '0.3'}\n", "crisis_at must be a probability"),
        ("identity: {third_party_at: 2}\n", "third_party_at must be a probability"),
        ("distress: {context_messages: 2.5}\n", "context_messages must be a whole number"),
        ("distress: {context_messages: 11}\n", "context_messages must be a whole number"),
        ("distress: {context_messages: -1}\n", "context_messages must be a whole number"),
        ("distress: {context_messages: true}\n", "context_messages must be a whole number"),
        ("guard: [0.5]\n", "must be mappings"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path, "bad.yml", text)
    with pytest.raises(ValueError, match=needle):
        load_thresholds(path)


# ------------------------------------------------------------------ guard --

G = GuardThresholds(block_at=0.5, block_exempted_at=0.8, rule_veto_below=0.2)


@pytest.mark.parametrize(
    ("rules_block", "exempted", "p", "blocked"),
    [
        (True, False, 0.9, True),  # rule and model agree
        (True, False, 0.2, True),  # a rule block stands at the veto line
        (True, False, 0.19, False),  # the model vetoes a rule block below rule_veto_below
        (False, False, 0.49, False),
        (False, False, 0.5, True),  # the model alone blocks at block_at
        (False, True, 0.79, False),  # an exempted match needs block_exempted_at
        (False, True, 0.8, True),
        (True, True, 0.1, False),  # a vetoed rule block with an exemption elsewhere still needs 0.8
    ],
)
def test_pressure_blocked(rules_block: bool, exempted: bool, p: float, blocked: bool) -> None:
    assert pressure_blocked(rules_block, exempted, p, G) is blocked


def test_a_zero_veto_line_means_rules_always_stand() -> None:
    th = GuardThresholds(block_at=0.5, block_exempted_at=0.8, rule_veto_below=0.0)
    assert pressure_blocked(True, False, 0.0, th)


# --------------------------------------------------------------- distress --

D = DistressThresholds(
    crisis_at=0.15,
    raise_at=0.5,
    context_crisis_at=0.1,
    context_messages=3,
    lexicon_distress_veto_at=0.8,
    lexicon_crisis_veto_at=0.95,
)


def probs(none: float, distress: float, crisis: float) -> dict[str, float]:
    assert abs(none + distress + crisis - 1) < 1e-9
    return {"none": none, "distress": distress, "crisis": crisis}


# The model unsure: raises nothing by itself and vetoes nothing.
UNSURE = probs(0.6, 0.32, 0.08)
# The model sure it is nothing: vetoes a lexicon distress or crisis.
SURE_NONE = probs(0.97, 0.02, 0.01)


def test_model_level() -> None:
    assert model_level(probs(0.85, 0.0, 0.15), D) == "crisis"
    assert model_level(probs(0.5, 0.4, 0.1), D) == "distress"  # crisis + distress reaches raise_at
    assert model_level(UNSURE, D) == "none"
    assert model_level(probs(0.9, 0.0, 0.1), D, crisis_at=0.1) == "crisis"


def test_either_half_can_raise_the_level() -> None:
    assert distress_level("crisis", UNSURE, (), D) == "crisis"
    assert distress_level("distress", UNSURE, (), D) == "distress"
    assert distress_level("none", probs(0.7, 0.1, 0.2), (), D) == "crisis"
    assert distress_level("distress", probs(0.7, 0.1, 0.2), (), D) == "crisis"
    assert distress_level("none", probs(0.4, 0.5, 0.1), (), D) == "distress"
    assert distress_level("none", UNSURE, (), D) == "none"


def test_the_lexicon_is_vetoed_only_when_the_model_is_sure() -> None:
    assert distress_level("distress", probs(0.79, 0.2, 0.01), (), D) == "distress"
    assert distress_level("distress", probs(0.8, 0.19, 0.01), (), D) == "none"
    assert distress_level("crisis", probs(0.94, 0.05, 0.01), (), D) == "crisis"
    assert distress_level("crisis", probs(0.95, 0.04, 0.01), (), D) == "none"
    never = DistressThresholds(lexicon_distress_veto_at=1.01, lexicon_crisis_veto_at=1.01)
    assert distress_level("crisis", probs(1.0, 0.0, 0.0), (), never) == "crisis"


def test_earlier_crisis_keeps_crisis() -> None:
    assert distress_level("none", SURE_NONE, [("crisis", UNSURE)], D) == "crisis"
    assert distress_level("none", SURE_NONE, [("none", probs(0.8, 0.0, 0.2))], D) == "crisis"  # the model's crisis
    assert distress_level("none", SURE_NONE, [("crisis", SURE_NONE)], D) == "none"  # that one was vetoed


def test_earlier_distress_lowers_the_crisis_bar() -> None:
    assert distress_level("none", probs(0.85, 0.03, 0.12), [("distress", UNSURE)], D) == "crisis"
    assert distress_level("none", probs(0.85, 0.06, 0.09), [("distress", UNSURE)], D) == "none"
    assert distress_level("none", probs(0.85, 0.03, 0.12), [("none", UNSURE)], D) == "none"


def test_only_the_last_few_messages_count() -> None:
    old = [("crisis", UNSURE), ("none", UNSURE), ("none", UNSURE), ("none", UNSURE)]
    assert distress_level("none", UNSURE, old, D) == "none"  # the crisis is 4 messages back
    assert distress_level("none", UNSURE, old[:3], D) == "crisis"
    no_context = DistressThresholds(context_messages=0)
    assert distress_level("none", UNSURE, [("crisis", UNSURE)], no_context) == "none"
