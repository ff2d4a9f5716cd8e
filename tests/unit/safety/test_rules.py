"""The rule engine (kuanxian.safety.rules + rules.yml): normalisation, negation scope,
reported speech, framing, the rules' own examples, errors, lazy loading, result shape.

These test the engine through `review_rules`, the rules alone. The combined
guard (rules + model, `review_message`) is tested in test_guard.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kuanxian.safety import Review, Violation, review_message
from kuanxian.safety.rulebook import _load_compiled
from kuanxian.safety.rules import (
    CATEGORIES,
    RulesError,
    category_info,
    load_rules,
    normalize,
    review_rules,
)

ROOT = Path(__file__).resolve().parents[3]
RULES = load_rules()
RULE_IDS = {r.id for r in RULES}


def blocked_by(text: str) -> tuple[str, ...]:
    return review_rules(text).rule_ids


# ----------------------------------------------------------- normalisation --


def test_normalize_keeps_an_index_back_to_the_original() -> None:
    norm, index = normalize("不 想 ＡＢ")
    assert norm == "不想 ab"
    assert len(index) == len(norm)
    assert index[1] == 2  # 想 was the third character


def test_normalize_drops_zero_width_and_separators_between_chinese_characters() -> None:
    norm, index = normalize("家\u200b人*朋·友")
    assert norm == "家人朋友"
    assert [index[i] for i in range(len(norm))] == [0, 2, 4, 6]


@pytest.mark.parametrize(
    "text",
    [
        "我們會上門找你",  # traditional characters
        "ＷＥ　ＷＩＬＬ　ＣＡＬＬ　ＹＯＵＲ　ＭＯＴＨＥＲ",  # full-width Latin
        "我 们 会 上 门",  # spaced out
        "你就是個老賴",
        "我们会上\u200b门",  # zero-width space inside the trigger
    ],
)
def test_normalised_forms_are_matched(text: str) -> None:
    assert not review_rules(text).allowed


def test_spans_point_at_the_original_text() -> None:
    text = "亲，再不还款我们就会去 你 单 位 找你"
    review = review_rules(text)
    assert not review.allowed
    for v in review.violations:
        start, end = v.span
        assert text[start:end] == v.matched
        assert 0 <= start < end <= len(text)


# --------------------------------------------------------------- negation --


@pytest.mark.parametrize(
    ("text", "cancelled"),
    [
        ("我们不会联系您的家人", "disclosure.family"),
        ("我们绝不会上门", "threat.visit"),
        ("we will not contact your employer", "disclosure.employer"),
        ("我们不会上门，也不会联系您的家人", "threat.visit"),
        ("网上说的全国黑名单并不存在", "authority.blacklist"),  # negation after the trigger
        ("We won't call your boss or visit your home.", "threat.visit"),  # "or" + verb: still negated
        ("You don't have to sell your car or borrow from friends.", "borrow.sell_assets"),
        ("我们已经停止给您的同事打电话，之前的打扰向您道歉。", "disclosure.employer"),
        ("你放心，我们只和你本人联系，不会找你家里人。", "disclosure.family"),
    ],
)
def test_a_promise_cancels_the_match_and_says_so(text: str, cancelled: str) -> None:
    review = review_rules(text)
    assert review.allowed, review.to_dict()
    assert cancelled in review.exempted


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("不还钱就联系你家人", "disclosure.family"),  # 不 negates the borrower's act (pseudo-negation)
        ("如果你不还，我们就上门", "threat.visit"),
        ("别以为我们不会上门", "threat.visit"),  # voided negation
        ("我们不是不会去你单位", "threat.visit"),  # double negation
        ("我们不会上门，但会联系你的家人", "disclosure.family"),  # negation does not cross the clause
        ("你不还我们就打给你老板", "disclosure.employer"),
        ("If you don't pay we will contact your family.", "disclosure.family"),
        ("Don't think we won't come to your house.", "threat.visit"),
        ("Pay today or we will call your boss.", "disclosure.employer"),  # "or" + subject: a threat
        ("要不我让你闺女劝劝你", "disclosure.leverage"),  # 要不 is not a negation
        ("实在不行去打几天零工", "borrow.borrow_to_pay"),  # nor is 实在不行
    ],
)
def test_negations_that_do_not_reach_the_trigger(text: str, rule_id: str) -> None:
    assert rule_id in blocked_by(text)


def test_negation_scope_is_the_clause_before_the_trigger() -> None:
    # Same words, different clause structure.
    assert review_rules("我们保证不会找你的领导。").allowed
    assert "disclosure.employer" in blocked_by("我们保证不会乱来，明天就找你的领导。")


@pytest.mark.parametrize(
    "text",
    [
        "外访？不会的，我们没有上门的安排。",
        "黑名单？没有这回事，征信只记录真实的还款情况。",
        "律师函？我们没有发过，也不会发。",
        "Jail? No, this is a civil matter.",
    ],
)
def test_an_echoed_worry_answered_with_a_denial_is_allowed(text: str) -> None:
    review = review_rules(text)
    assert review.allowed, review.to_dict()
    assert review.exempted


def test_an_echoed_worry_not_denied_is_blocked() -> None:
    assert "threat.visit" in blocked_by("外访？明天就到你家。")


# --------------------------------------------------------- reported speech --


@pytest.mark.parametrize(
    "text",
    [
        "网上说欠网贷会坐牢，其实不会。",
        "如果有人自称我们的员工去您家或单位，请立即报警。",
        "a message threatening to contact your family is not from us",
        "Some collectors threaten to visit your workplace; we never do that.",
    ],
)
def test_reported_speech_is_not_our_threat(text: str) -> None:
    review = review_rules(text)
    assert review.allowed, review.to_dict()
    assert review.exempted


def test_telling_the_borrower_something_is_not_hearsay() -> None:
    assert "threat.visit" in blocked_by("跟你说最后一次，明天我们的人就到你老家去了")


# ------------------------------------------------------------------ framing --
# negation.framing: a warning about someone else's unlawful conduct, or an
# apology for it, may quote the words it condemns.


@pytest.mark.parametrize(
    ("text", "cancelled"),
    [
        # condemnation + someone else named
        ("有人冒充我们说“明天去你单位闹”，这是违法的，请直接挂断。", "threat.visit"),
        ("上周有同事在电话里说要上门，这违反了我们的规定，非常抱歉。", "threat.visit"),
        # condemnation + the words in quotation marks (here the opening mark follows punctuation)
        ("短信内容：“我们明天去你单位”，这是违法的。", "threat.visit"),
        # apology + someone else / the past
        ("之前合作机构的催收员威胁要联系您的家人，我们深表歉意。", "disclosure.family"),
        ("去年那家外包公司在您的朋友圈发过您的照片，对此我们郑重道歉。", "disclosure.publish"),
    ],
)
def test_framing_exempts_warnings_and_apologies(text: str, cancelled: str) -> None:
    review = review_rules(text)
    assert review.allowed, review.to_dict()
    assert cancelled in review.exempted


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("抱歉，明天我们会去你单位。", "threat.visit"),  # an apology alone does not excuse our own threat
        ("对不起，不还的话我们只能联系你的家人了。", "disclosure.family"),
        ("不好意思，我们的同事下午会去你家一趟。", "threat.visit"),
        ("下周我们派人去你家，这一点都不违法。", "threat.visit"),  # "不违法" is not a condemnation
        ("明天我们就去你单位，这完全合法。", "threat.visit"),
        ("再不还就去你单位，别说我们违规。", "threat.visit"),
    ],
)
def test_framing_does_not_excuse_our_own_threat(text: str, rule_id: str) -> None:
    assert rule_id in blocked_by(text)


@pytest.mark.xfail(
    reason="known bug: normalize() drops quotation marks between two Chinese characters as separators, "
    "so the framing's quoted branch never sees 写“…” (reported to the owner)",
    strict=False,
)
def test_framing_sees_quotes_between_chinese_characters() -> None:
    review = review_rules("短信里写“我们明天去你单位”，这是违法的。")
    assert review.allowed, review.to_dict()


# ---------------------------------------------------------- borrower choice --


def test_the_borrowers_own_choice_is_not_pressure() -> None:
    review = review_rules("如果您愿意，也可以和家人商量一下再决定。")
    assert review.allowed, review.to_dict()


# --------------------------------------------------------------- rules.yml --


def test_rules_cover_every_category_with_sources_and_texts() -> None:
    assert {r.category for r in RULES} == set(CATEGORIES)
    assert len(RULE_IDS) == len(RULES)
    for r in RULES:
        assert r.source.strip(), r.id
        assert r.explanation_zh.strip() and r.suggestion_zh.strip(), r.id
        assert r.positive_examples, f"{r.id} needs at least one positive example"
        assert r.negative_examples, f"{r.id} needs at least one negative example"


def test_every_category_has_a_chinese_name_reason_and_alternative() -> None:
    for name in CATEGORIES:
        info = category_info(name)
        assert info.name == name
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in (info.name_zh, info.explanation_zh, info.suggestion_zh))


# rules.yml examples the engine gets wrong today (reported to the owner).
KNOWN_RULE_EXAMPLE_FAILURES = {
    # "骗子" is also a framing word (condemn and others), so the insult frames itself as a warning.
    ("insult.labels", "positive", "骗子，赶紧还钱"),
}


def _rule_examples() -> list[object]:
    cases: list[object] = []
    for r in RULES:
        for kind, texts in (("positive", r.positive_examples), ("negative", r.negative_examples)):
            for i, text in enumerate(texts):
                marks = (
                    [pytest.mark.xfail(reason="known engine failure, see KNOWN_RULE_EXAMPLE_FAILURES", strict=False)]
                    if (r.id, kind, text) in KNOWN_RULE_EXAMPLE_FAILURES
                    else []
                )
                cases.append(pytest.param(r.id, kind, text, id=f"{r.id}-{kind}-{i}", marks=marks))
    return cases


@pytest.mark.parametrize(("rule_id", "kind", "text"), _rule_examples())
def test_rule_examples(rule_id: str, kind: str, text: str) -> None:
    ids = blocked_by(text)
    if kind == "positive":
        assert rule_id in ids, f"{rule_id} should block: {text} (got {ids})"
    else:
        assert rule_id not in ids, f"{rule_id} should allow: {text}"


def test_rule_suggestions_pass_the_rules() -> None:
    for r in RULES:
        review = review_rules(r.suggestion_zh)
        assert review.allowed, (r.id, review.rule_ids)


def test_category_suggestions_pass_the_whole_guard() -> None:
    # These are shown to collectors as the fair alternative for a model block.
    for name in CATEGORIES:
        review = review_message(category_info(name).suggestion_zh)
        assert review.allowed, (name, review.to_dict())


# ----------------------------------------------------- malformed rules.yml --


def _categories_yaml(skip: str = "", extra: str = "") -> str:
    names = [c for c in CATEGORIES if c != skip] + ([extra] if extra else [])
    return "categories:\n" + "".join(f"  {c}:\n    name_zh: 名称\n    explanation_zh: 原因\n    suggestion_zh: 建议\n" for c in names)


def _rule_yaml(**fields: str) -> str:
    base = {
        "id": "x.y",
        "category": "intimidation",
        "source": "s",
        "explanation_zh": "原因",
        "suggestion_zh": "建议",
        "patterns": "['上门']",
    }
    base.update(fields)
    lines = [f"    {k}: {v}" for k, v in base.items() if v != "<omit>"]
    return "  - " + "\n".join(lines).lstrip() + "\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_valid_rules_file_compiles(tmp_path: Path) -> None:
    compiled = _load_compiled(_write(tmp_path, _categories_yaml() + "rules:\n" + _rule_yaml()))
    assert [r.info.id for r in compiled.rules] == ["x.y"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (_categories_yaml() + "rules:\n" + _rule_yaml(category="nonsense"), r"rule x\.y: unknown category 'nonsense'"),
        (_categories_yaml() + "rules:\n" + _rule_yaml(patterns="['(unclosed']"), r"rule x\.y\.patterns\[0\]: bad regular expression"),
        (_categories_yaml() + "rules:\n" + _rule_yaml() + _rule_yaml(), r"rule x\.y: duplicate id"),
        (_categories_yaml() + "rules:\n" + _rule_yaml(source="<omit>"), r"rule x\.y: missing source"),
        (_categories_yaml() + "rules:\n" + _rule_yaml(patterns="[]"), r"rule x\.y: needs at least one pattern"),
        (_categories_yaml() + "rules:\n" + _rule_yaml(patterns="'上门'"), r"rule x\.y\.patterns: expected a list of strings"),
        (_categories_yaml() + "rules:\n" + _rule_yaml(id="<omit>"), r"rules\[0\]: missing id"),
        (_categories_yaml(skip="publication") + "rules:\n" + _rule_yaml(), r"categories\.publication: missing"),
        (_categories_yaml(extra="threat") + "rules:\n" + _rule_yaml(), r"categories: unknown threat"),
        (_categories_yaml() + "rules: {}\n", r"expected a mapping with a 'rules' list"),
        ("- just\n- a list\n", r"expected a mapping with a 'rules' list"),
    ],
)
def test_malformed_rules_are_reported_clearly(tmp_path: Path, body: str, needle: str) -> None:
    with pytest.raises(RulesError, match=needle):
        _load_compiled(_write(tmp_path, body))


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _categories_yaml() + "rules:\n  - id: x.y\n    patterns: [unclosed\n")
    with pytest.raises(yaml.YAMLError) as info:
        _load_compiled(path)
    assert str(path) in str(info.value) and "line" in str(info.value)


def test_message_level_conditions_compile(tmp_path: Path) -> None:
    rule = _rule_yaml(category="deadline_harm", patterns="['赶紧']")
    rule += "    message_requires: ['你']\n    message_forbids: ['您', '没关系']\n"
    compiled = _load_compiled(_write(tmp_path, _categories_yaml() + "rules:\n" + rule))
    (only,) = compiled.rules
    assert [rx.pattern for rx in only.requires] == ["(?:你)"]
    assert only.forbids is not None and only.forbids.search("没关系") and only.forbids.search("您")


# ------------------------------------------------------------ lazy loading --


def test_import_does_no_work() -> None:
    code = """
import sys
import kuanxian.safety, kuanxian.safety.guard, kuanxian.safety.distress, kuanxian.safety.identity
from kuanxian.safety import rulebook, lexicon, model, identity, decision, text
assert rulebook._compiled is None, "rules.yml compiled at import"
assert lexicon._lexicon is None, "distress.yml compiled at import"
assert model._load.cache_info().currsize == 0, "a model loaded at import"
assert identity._cues.cache_info().currsize == 0, "identity.yml compiled at import"
assert decision.load_thresholds.cache_info().currsize == 0, "decision.yml read at import"
assert text._table.cache_info().currsize == 0, "tables read at import"
assert not any(m.split('.')[0] in ('sklearn', 'numpy', 'scipy') for m in sys.modules), "heavy import"
kuanxian.safety.review_message("x")
assert rulebook._compiled is not None
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------- result shape --


def test_review_and_violation_are_frozen_and_serialisable() -> None:
    review = review_rules("你就是个老赖，今天不还就后果自负")
    assert isinstance(review, Review)
    assert all(isinstance(v, Violation) for v in review.violations)
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.allowed = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        review.violations[0].rule_id = "x"  # type: ignore[misc]
    data = json.loads(json.dumps(review.to_dict(), ensure_ascii=False))
    assert data["allowed"] is False
    assert {"rule_id", "category", "span", "matched", "explanation", "suggestion", "source"} <= set(data["violations"][0])
    assert {"character", "deadline_harm"} <= set(review.categories)
    assert set(review.rule_ids) <= RULE_IDS


def test_violations_are_in_text_order() -> None:
    review = review_rules("今天不还就后果自负，你就是个老赖")
    starts = [v.span[0] for v in review.violations]
    assert starts == sorted(starts)


@pytest.mark.parametrize("text", ["", "   \n", "\u200b"])
def test_empty_and_blank_are_allowed(text: str) -> None:
    assert review_rules(text).allowed
    assert review_message(text).allowed
