"""The pressure guard as the product uses it: `review_message` (rules, then the model) and `explain`.

The examples come from safety_examples.py, written for these tests and never
seen by the rules' authors or the model (see test_examples_are_not_in_the_corpus).
"""

from __future__ import annotations

import json
import math

import pytest
from safety_examples import (
    EVASION,
    FAIR,
    KNOWN_FAIR_BLOCKED,
    KNOWN_PRESSURE_ALLOWED,
    PRESSURE,
    all_texts,
)

from kuanxian.safety import review_message
from kuanxian.safety.corpus import LABELS, load_batches
from kuanxian.safety.decision import load_thresholds, pressure_blocked
from kuanxian.safety.features import FeatureConfig
from kuanxian.safety.guard import MODEL_RULE_ID, explain
from kuanxian.safety.model import LinearModel, load_model
from kuanxian.safety.rules import CATEGORIES, category_info, load_rules, review_rules
from kuanxian.safety.text import normalized

RULE_IDS = {r.id for r in load_rules()}


def _params(table: dict[str, list[str]]) -> list[object]:
    return [pytest.param(text, id=f"{key}-{i}") for key, texts in table.items() for i, text in enumerate(texts)]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --------------------------------------------------------- the examples --


def test_examples_cover_every_pressure_category_and_fair_exception() -> None:
    assert set(PRESSURE) == set(CATEGORIES)
    assert all(len(texts) >= 5 for texts in PRESSURE.values())
    assert set(EVASION) == {"homophone", "pinyin", "split", "emoji"}
    assert {"promise_not", "warning_quotes_others", "apology_outside_agency", "borrower_choice", "truthful_answer"} <= set(FAIR)


def test_examples_are_not_in_the_corpus() -> None:
    """The suite's examples were written independently: none appears in any corpus file."""
    corpus = {
        normalized(message)
        for kind in ("guard", "distress", "identity")
        for batch in load_batches(kind)  # type: ignore[arg-type]
        for line in batch.lines
        for message in line.messages
    }
    joined = "\n".join(corpus)
    texts = all_texts()
    assert len(texts) >= 200
    copied = [t for t in texts if normalized(t) in corpus]
    assert not copied, f"examples found verbatim in the corpus: {copied}"
    inside = [t for t in texts if normalized(t) in joined]
    assert not inside, f"examples found inside corpus lines: {inside}"


# ----------------------------------------------------------- must block --


@pytest.mark.parametrize("text", _params(PRESSURE))
def test_pressure_is_blocked(text: str) -> None:
    review = review_message(text)
    assert not review.allowed, f"allowed: {text}"


@pytest.mark.parametrize("text", _params(EVASION))
def test_evasive_pressure_is_blocked(text: str) -> None:
    review = review_message(text)
    assert not review.allowed, f"allowed: {text}"


@pytest.mark.parametrize("text", [pytest.param(t, id=f"known-{i}") for i, (t, _) in enumerate(KNOWN_PRESSURE_ALLOWED)])
@pytest.mark.xfail(reason="known miss when the example was written (see KNOWN_PRESSURE_ALLOWED)", strict=False)
def test_known_pressure_misses(text: str) -> None:
    assert not review_message(text).allowed


# ----------------------------------------------------------- must allow --


@pytest.mark.parametrize("text", _params(FAIR))
def test_fair_messages_are_allowed(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


@pytest.mark.parametrize("text", [pytest.param(t, id=f"known-{i}") for i, (t, _) in enumerate(KNOWN_FAIR_BLOCKED)])
@pytest.mark.xfail(reason="known false block when the example was written (see KNOWN_FAIR_BLOCKED)", strict=False)
def test_known_fair_blocks(text: str) -> None:
    assert review_message(text).allowed


# ------------------------------------------------- a block explains itself --


BLOCKED = [t for table in (PRESSURE, EVASION) for texts in table.values() for t in texts]


@pytest.mark.parametrize("text", [pytest.param(t, id=str(i)) for i, t in enumerate(BLOCKED)])
def test_a_block_explains_itself(text: str) -> None:
    review = review_message(text)
    assert review.violations
    for v in review.violations:
        assert v.rule_id in RULE_IDS or v.rule_id == MODEL_RULE_ID, v.rule_id
        assert v.category in CATEGORIES
        assert _has_chinese(v.explanation), v.explanation
        assert v.suggestion.strip()
        assert v.source.strip()
        start, end = v.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == v.matched


def test_model_blocks_name_the_category_the_cues_and_a_fair_alternative() -> None:
    by_model = [t for t in BLOCKED if review_message(t).rule_ids == (MODEL_RULE_ID,)]
    assert len(by_model) >= 5, "expected several examples that only the model catches"
    for text in by_model:
        (v,) = review_message(text).violations
        info = category_info(v.category)
        assert info.name_zh in v.explanation
        assert "主要依据" in v.explanation and "“" in v.explanation
        assert v.suggestion == info.suggestion_zh
        assert "P(pressure)=" in v.source
        assert review_rules(text).allowed  # the rules alone let it through


def test_model_violation_serialises() -> None:
    text = next(t for t in BLOCKED if review_message(t).rule_ids == (MODEL_RULE_ID,))
    data = json.loads(json.dumps(review_message(text).to_dict(), ensure_ascii=False))
    assert data["allowed"] is False
    assert data["violations"][0]["rule_id"] == MODEL_RULE_ID
    assert data["violations"][0]["category"] in CATEGORIES


def test_a_rule_block_stands_without_asking_the_model_for_more() -> None:
    review = review_message("我们明天就去你单位找你领导")
    assert not review.allowed
    assert MODEL_RULE_ID not in review.rule_ids
    assert set(review.rule_ids) <= RULE_IDS


# ------------------------------------------- the decision, as wired --


def constant_guard(p: float) -> LinearModel:
    """A guard model that gives every message P(pressure) = p."""
    return LinearModel("guard", ("fair", "pressure"), (math.log(p / (1 - p)),), {}, FeatureConfig(evidence="rules"), "")


def test_review_message_applies_the_thresholds() -> None:
    th = load_thresholds().guard
    between = (th.block_at + th.block_exempted_at) / 2  # sure enough for a plain message, not for a promise
    plain, promise = "您好，想和您聊聊这期的安排", "我们不会联系您的家人"
    assert review_rules(plain).allowed and not review_rules(plain).exempted
    assert review_rules(promise).allowed and review_rules(promise).exempted
    assert review_message(plain, model=constant_guard(th.block_at - 0.01)).allowed
    assert review_message(plain, model=constant_guard(between)).rule_ids == (MODEL_RULE_ID,)
    assert review_message(promise, model=constant_guard(between)).allowed
    assert review_message(promise, model=constant_guard(th.block_exempted_at + 0.01)).rule_ids == (MODEL_RULE_ID,)


@pytest.mark.xfail(
    reason="known mismatch: review_message returns a rule block before asking the model, so decision.yml's "
    "rule_veto_below (used by kuanxian.safety.evaluate for the published figures) never applies in the product",
    strict=False,
)
def test_review_message_makes_the_evaluated_decision_for_a_rule_block() -> None:
    th = load_thresholds().guard
    text = "不还钱就联系你家人"
    low = th.rule_veto_below / 2
    expected_blocked = pressure_blocked(True, False, low, th)
    assert review_message(text, model=constant_guard(low)).allowed is not expected_blocked


# --------------------------------------------------------------- explain --


def test_explain_gives_probability_and_nearest_corpus_lines() -> None:
    corpus = {(line.text, line.batch, line.label, line.category) for b in load_batches("guard") for line in b.lines}
    model = load_model("guard")
    for text in (PRESSURE["surveillance"][1], FAIR["ordinary"][0]):
        explanation = explain(text)
        assert explanation.review == review_message(text)
        assert 0.0 <= explanation.p_pressure <= 1.0
        assert explanation.p_pressure == pytest.approx(model.predict(text)["pressure"])
        assert 1 <= len(explanation.nearest) <= 3
        sims = [n.similarity for n in explanation.nearest]
        assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
        for near in explanation.nearest:
            assert near.label in LABELS["guard"]
            assert (near.text, near.batch, near.label, near.category) in corpus
        data = json.loads(json.dumps(explanation.to_dict(), ensure_ascii=False))
        assert set(data) >= {"allowed", "violations", "model", "nearest"}
        assert data["model"]["p_pressure"] == round(explanation.p_pressure, 3)
