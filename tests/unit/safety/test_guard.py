"""Pressure-tactic guard: labelled sets, rule examples, negation, API shape."""

from __future__ import annotations

import dataclasses
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kuanxian.safety import Review, Violation, review_message
from kuanxian.safety.rules import CATEGORIES, RulesError, _load_compiled, load_rules, normalize

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[3]


def _tsv(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _, label = line.rpartition("\t")
        rows.append((text, label))
    return rows


PRESSURE = _tsv("guard_pressure.tsv")
FAIR = _tsv("guard_fair.tsv")


# ------------------------------------------------------------ labelled sets --


def test_labelled_sets_are_big_and_varied() -> None:
    assert len(PRESSURE) >= 150
    assert len(FAIR) >= 150
    assert {label for _, label in PRESSURE} == set(CATEGORIES)
    english = [t for t, _ in PRESSURE if t.isascii()]
    assert len(english) >= 30
    assert len([t for t, _ in FAIR if t.isascii()]) >= 30
    for word in ("家人", "法院", "征信", "律师", "黑名单"):
        assert any(word in t for t, _ in FAIR), word


def test_pressure_block_rate_at_least_95_percent() -> None:
    missed = [t for t, _ in PRESSURE if review_message(t).allowed]
    rate = 1 - len(missed) / len(PRESSURE)
    assert rate >= 0.95, f"blocked {rate:.1%}; missed: {missed}"


def test_fair_block_rate_at_most_5_percent() -> None:
    blocked = {t: review_message(t).rule_ids for t, _ in FAIR if not review_message(t).allowed}
    rate = len(blocked) / len(FAIR)
    assert rate <= 0.05, f"blocked {rate:.1%} of fair messages: {blocked}"


def test_every_category_is_caught_in_the_labelled_set() -> None:
    for category in CATEGORIES:
        texts = [t for t, c in PRESSURE if c == category]
        caught = [t for t in texts if not review_message(t).allowed]
        assert len(caught) / len(texts) >= 0.9, category


# --------------------------------------------------------------- rules.yml --


RULES = load_rules()


def test_rules_cover_every_category_and_have_sources() -> None:
    assert {r.category for r in RULES} == set(CATEGORIES)
    assert len({r.id for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.source.strip(), r.id
        assert r.explanation_zh.strip() and r.suggestion_zh.strip(), r.id
        assert r.id.split(".")[0], r.id


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule) -> None:
    assert rule.positive_examples, f"{rule.id} needs at least one positive example"
    assert rule.negative_examples, f"{rule.id} needs at least one negative example"
    for text in rule.positive_examples:
        assert rule.id in review_message(text).rule_ids, f"{rule.id} should block: {text}"
    for text in rule.negative_examples:
        assert rule.id not in review_message(text).rule_ids, f"{rule.id} should allow: {text}"


def test_rule_suggestions_are_themselves_fair() -> None:
    for r in RULES:
        review = review_message(r.suggestion_zh)
        assert review.allowed, (r.id, review.rule_ids)


def test_malformed_rules_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yml"
    bad.write_text(
        "rules:\n  - id: x.y\n    category: nonsense\n    source: s\n    explanation_zh: e\n"
        "    suggestion_zh: s\n    patterns: ['a']\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match="unknown category"):
        _load_compiled(bad)
    bad.write_text(
        "rules:\n  - id: x.y\n    category: threat\n    source: s\n    explanation_zh: e\n"
        "    suggestion_zh: s\n    patterns: ['(unclosed']\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match="bad regular expression"):
        _load_compiled(bad)


# ----------------------------------------------------------------- negation --


@pytest.mark.parametrize(
    "text",
    [
        "我们不会联系您的家人",
        "我们绝不会上门",
        "we will not contact your employer",
        "您不用担心我们会告诉任何人",
        "我们不会上门，也不会联系您的家人",
        "我们永远不会冒充法院或公安",
        "网上说的全国黑名单并不存在",
        "We won't tell anyone about your account.",
    ],
)
def test_promises_are_allowed(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("不还钱就联系你家人", "disclosure.family"),
        ("如果你不还，我们就上门", "threat.visit"),
        ("别以为我们不会上门", "threat.visit"),
        ("我们不是不会去你单位", "threat.visit"),
        ("我们不会上门，但会联系你的家人", "disclosure.family"),
        ("你不还我们就打给你老板", "disclosure.employer"),
        ("If you don't pay we will contact your family.", "disclosure.family"),
        ("If you don't pay, we will call your boss.", "disclosure.employer"),
        ("Don't think we won't come to your house.", "threat.visit"),
    ],
)
def test_fake_negations_are_threats(text: str, rule_id: str) -> None:
    assert rule_id in review_message(text).rule_ids


@pytest.mark.parametrize(
    "text",
    [
        "按照合同约定，逾期记录可能会报送征信机构",
        "逾期可能会影响您的信用记录",
        "您的账户目前逾期15天，欠款12,000元",
        "如果有争议可以通过法律途径解决",
        "您可以随时联系我们",
        "我们可以为您安排人工客服",
        "可以考虑分期",
        "照顾家人辛苦了",
    ],
)
def test_calm_facts_and_support_are_allowed(text: str) -> None:
    assert review_message(text).allowed


# ---------------------------------------------------------------- API shape --


def test_violation_fields_point_at_the_original_text() -> None:
    text = "亲，再不还款我们就会去 你 单 位 找你"
    review = review_message(text)
    assert not review.allowed
    for v in review.violations:
        start, end = v.span
        assert text[start:end] == v.matched
        assert v.explanation and v.suggestion
        assert v.category in CATEGORIES


def test_review_and_violation_are_frozen_and_serialisable() -> None:
    review = review_message("你就是个老赖，今天不还就后果自负")
    assert isinstance(review, Review)
    assert all(isinstance(v, Violation) for v in review.violations)
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.allowed = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.violations[0].rule_id = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(review.to_dict(), ensure_ascii=False))
    assert data["allowed"] is False
    assert {"rule_id", "category", "span", "matched", "explanation", "suggestion"} <= set(data["violations"][0])
    assert {"insult_shaming", "coercive_urgency"} <= set(review.categories)


def test_empty_and_whitespace_are_allowed() -> None:
    assert review_message("").allowed
    assert review_message("   \n").allowed


def test_context_is_accepted() -> None:
    assert review_message("您好", context={"channel": "sms"}).allowed


@pytest.mark.parametrize(
    "text",
    ["我們會上門找你", "ＷＥ　ＷＩＬＬ　ＣＡＬＬ　ＹＯＵＲ　ＭＯＴＨＥＲ", "我 们 会 上 门", "你就是個老賴"],
)
def test_normalisation_traditional_fullwidth_spacing(text: str) -> None:
    assert not review_message(text).allowed


def test_normalize_keeps_an_index_map() -> None:
    norm, index = normalize("不 想 ＡＢ")
    assert norm == "不想 ab"
    assert len(index) == len(norm)
    assert index[1] == 2


# -------------------------------------------------------------- performance --


def test_under_one_millisecond_per_typical_message() -> None:
    texts = [t for t, _ in PRESSURE + FAIR]
    for t in texts:
        review_message(t)
    timings = []
    for t in texts:
        start = time.perf_counter()
        review_message(t)
        timings.append((time.perf_counter() - start) * 1e6)
    median_us = statistics.median(timings)
    assert median_us < 1000, f"median {median_us:.0f} µs per message"


def test_import_does_not_compile_rules() -> None:
    code = (
        "import kuanxian.safety as s, kuanxian.safety.guard as g, kuanxian.safety.distress as d;"
        "assert g._compiled is None and d._lexicon is None;"
        "s.review_message('x'); assert g._compiled is not None"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})


# ------------------------------------------------------ blind and hard sets --
#
# guard_blind*.tsv were each written before the rules were tuned on them (the
# first-run rates are recorded in docs/safety.md); guard_probes.tsv are the
# development probes; guard_fair_hard.tsv are fair messages that use trigger
# words or the informal 你. Once tuned they are regression sets.

EXTRA_SETS = sorted(p.name for p in DATA.glob("guard_blind*.tsv")) + ["guard_probes.tsv", "guard_fair_hard.tsv"]


@pytest.mark.parametrize("name", EXTRA_SETS)
def test_blind_and_hard_sets(name: str) -> None:
    rows = _tsv(name)
    pressure = [t for t, label in rows if label.startswith("pressure:")]
    fair = [t for t, label in rows if label == "fair"]
    assert len(pressure) + len(fair) == len(rows), f"{name}: labels must be pressure:<category> or fair"
    for _, label in rows:
        if label.startswith("pressure:"):
            assert label.split(":", 1)[1] in CATEGORIES, label
    if pressure:
        missed = [t for t in pressure if review_message(t).allowed]
        assert 1 - len(missed) / len(pressure) >= 0.97, f"{name}: missed {missed}"
    if fair:
        blocked = {t: review_message(t).rule_ids for t in fair if not review_message(t).allowed}
        assert len(blocked) / len(fair) <= 0.03, f"{name}: blocked {blocked}"


# ------------------------------------------------------ engine capabilities --


@pytest.mark.parametrize(
    "text",
    [
        "外访？不会的，我们没有上门的安排。",  # echoed worry answered with a denial
        "黑名单？没有这回事，征信只记录真实的还款情况。",
        "律师函？我们没有发过，也不会发。",
        "Jail? No, this is a civil matter.",
        "We won't call your boss or visit your home.",  # "or" + verb stays under the negation
        "You don't have to sell your car or borrow from friends.",
        "我们已经停止给您的同事打电话，之前的打扰向您道歉。",  # 停止 is a promise
        "如果有人自称我们的员工去您家或单位，请立即报警。",  # reported, not our threat
        "你放心，我们只和你本人联系，不会找你家里人。",  # informal but supportive
        "你好，提醒你明天是还款日，金额是1,020元。",
    ],
)
def test_answered_questions_coordination_and_supportive_informal_are_allowed(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("外访？明天就到你家。", "threat.visit"),  # a question not answered by a denial
        ("Pay today or we will call your boss.", "disclosure.employer"),  # "or" + subject is a threat
        ("跟你说最后一次，明天我们的人就到你老家去了", "threat.visit"),  # 跟你说 is not hearsay
        ("要不我让你闺女劝劝你", "disclosure.leverage"),  # 要不 is not a negation
        ("实在不行去打几天零工", "borrow.borrow_to_pay"),  # nor is 实在不行
        ("你孩子每天几点放学我们也清楚", "tone.menace"),  # gated weak cue: informal, no support
        ("哟，还活着呢？终于舍得回消息了", "tone.sarcasm"),
    ],
)
def test_engine_edge_cases_are_still_blocked(text: str, rule_id: str) -> None:
    assert rule_id in review_message(text).rule_ids


def test_message_level_conditions(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "rules:\n  - id: tone.x\n    category: coercive_urgency\n    source: s\n    explanation_zh: e\n"
        "    suggestion_zh: s\n    message_requires: ['你']\n    message_forbids: ['您', '没关系']\n"
        "    patterns: ['赶紧']\n",
        encoding="utf-8",
    )
    compiled = _load_compiled(rules)
    (rule,) = compiled.rules
    assert [rx.pattern for rx in rule.requires] == ["(?:你)"]
    assert rule.forbids is not None and rule.forbids.search("没关系") and rule.forbids.search("您")
