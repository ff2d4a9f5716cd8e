"""The rule half of the pressure guard: checks an outgoing message against rules.yml.

The rules are data (kuanxian/safety/rules.yml). This module only knows how to
normalise text, match patterns and decide whether a negation cue turns a match
into a promise ("我们不会联系您的家人"). Rules are loaded and compiled once,
lazily, on first use; after that `review_message` is a pure function.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .text import _table, normalize

__all__ = [
    "Review",
    "Violation",
    "RuleInfo",
    "CategoryInfo",
    "review_rules",
    "load_rules",
    "category_info",
    "normalize",
    "RulesError",
    "CATEGORIES",
]

RULES_PATH = Path(__file__).with_name("rules.yml")

# One taxonomy for rules, corpus and model (kuanxian.safety.corpus.CATEGORIES["guard"]["pressure"]).
CATEGORIES: tuple[str, ...] = (
    "third_party",
    "surveillance",
    "publication",
    "legal_authority",
    "character",
    "deadline_harm",
    "borrow_sell",
    "contact_frequency",
    "intimidation",
)


class RulesError(ValueError):
    """rules.yml is malformed (bad field, unknown category, bad regex)."""


# --------------------------------------------------------------- results --


@dataclass(frozen=True)
class Violation:
    """One rule broken by one stretch of the message."""

    rule_id: str
    category: str
    span: tuple[int, int]
    matched: str
    explanation: str
    suggestion: str
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready representation."""
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "span": [self.span[0], self.span[1]],
            "matched": self.matched,
            "explanation": self.explanation,
            "suggestion": self.suggestion,
            "source": self.source,
        }


@dataclass(frozen=True)
class Review:
    """The verdict on one message: allowed, or the list of violations."""

    allowed: bool
    violations: list[Violation] = field(default_factory=list)
    # Rules that matched but were cancelled by an exemption (see review_rules).
    exempted: tuple[str, ...] = ()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Distinct rule ids, in order of first appearance."""
        return tuple(dict.fromkeys(v.rule_id for v in self.violations))

    @property
    def categories(self) -> tuple[str, ...]:
        """Distinct categories, in order of first appearance."""
        return tuple(dict.fromkeys(v.category for v in self.violations))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready representation."""
        return {
            "allowed": self.allowed,
            "violations": [v.to_dict() for v in self.violations],
        }


@dataclass(frozen=True)
class RuleInfo:
    """A rule as written in rules.yml (for docs, tests and tooling)."""

    id: str
    category: str
    source: str
    explanation_zh: str
    suggestion_zh: str
    patterns: tuple[str, ...]
    positive_examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    negatable: bool = True


# ---------------------------------------------------------- normalisation --
# `normalize` lives in kuanxian.safety.text (shared with the lexicon and the model).


# ------------------------------------------------------------- compiling --

_MACRO_RE = re.compile(r"\{([a-z_]+)\}")
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class _Negation:
    cue_re: re.Pattern[str]
    short_re: re.Pattern[str]
    pseudo_re: re.Pattern[str] | None
    breaker_re: re.Pattern[str] | None
    voider_re: re.Pattern[str] | None
    after_re: re.Pattern[str] | None
    agency_re: re.Pattern[str] | None
    hearsay_re: re.Pattern[str] | None
    answer_re: re.Pattern[str] | None
    condemn_re: re.Pattern[str] | None
    others_re: re.Pattern[str] | None
    apology_re: re.Pattern[str] | None
    answer_max_clause: int
    window_zh: int
    window_short: int
    window_en: int


@dataclass(frozen=True)
class _Rule:
    info: RuleInfo
    any_re: re.Pattern[str]
    regexes: tuple[re.Pattern[str], ...]
    cue_re: re.Pattern[str]
    exempt_before: re.Pattern[str] | None
    exempt_after: re.Pattern[str] | None
    borrower_agency: bool
    requires: tuple[re.Pattern[str], ...] = ()
    forbids: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Compiled:
    rules: tuple[_Rule, ...]
    negation: _Negation
    breaks: frozenset[str]
    categories: dict[str, "CategoryInfo"]


@dataclass(frozen=True)
class CategoryInfo:
    """One kind of pressure, as shown to collectors and trainers."""

    name: str
    name_zh: str
    explanation_zh: str
    suggestion_zh: str


def _categories(raw: Any) -> dict[str, CategoryInfo]:
    if not isinstance(raw, dict):
        raise RulesError("categories: expected a mapping of the nine categories")
    out: dict[str, CategoryInfo] = {}
    for name in CATEGORIES:
        item = raw.get(name)
        if not isinstance(item, dict):
            raise RulesError(f"categories.{name}: missing")
        for key in ("name_zh", "explanation_zh", "suggestion_zh"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise RulesError(f"categories.{name}: missing {key}")
        out[name] = CategoryInfo(name, item["name_zh"].strip(), item["explanation_zh"].strip(), item["suggestion_zh"].strip())
    unknown = set(raw) - set(CATEGORIES)
    if unknown:
        raise RulesError(f"categories: unknown {', '.join(sorted(unknown))} (one of {', '.join(CATEGORIES)})")
    return out


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    """Replace {name} macros; unknown {..} (e.g. quantifiers) are left alone."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        return macros[name] if name in macros else m.group(0)

    return _MACRO_RE.sub(sub, pattern)


def _norm_pattern(pattern: str) -> str:
    """Normalise a pattern's literal characters the same way texts are."""
    return unicodedata.normalize("NFKC", pattern).translate(_table())


def _compile(patterns: list[str], where: str, macros: Mapping[str, str]) -> re.Pattern[str] | None:
    """Compile a list of regexes into one alternation (None if empty)."""
    if not patterns:
        return None
    parts = []
    for p in patterns:
        if not isinstance(p, str) or not p:
            raise RulesError(f"{where}: every pattern must be a non-empty string, got {p!r}")
        expanded = _norm_pattern(_expand(p, macros))
        try:
            re.compile(expanded, _FLAGS)
        except re.error as exc:
            raise RulesError(f"{where}: bad regular expression {p!r}: {exc}") from exc
        parts.append(f"(?:{expanded})")
    return re.compile("|".join(parts), _FLAGS)


def _cue_alternation(cues: list[str]) -> str:
    """Alternation with the longest cues first so 绝不会 wins over 不会."""
    ordered = sorted({_norm_pattern(c) for c in cues}, key=len, reverse=True)
    return "|".join(f"(?:{c})" for c in ordered)


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where}: expected a list of strings")
    return list(value)


def _load_compiled(path: Path = RULES_PATH) -> _Compiled:
    """Read rules.yml and compile every regex once."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f"{path}: expected a mapping with a 'rules' list")
    macros = {k: _norm_pattern(str(v)) for k, v in (data.get("macros") or {}).items()}
    neg = data.get("negation") or {}
    base_cues = _str_list(neg.get("cues"), "negation.cues")
    short = _str_list(neg.get("short_cues"), "negation.short_cues")
    framing = neg.get("framing") or {}
    if not isinstance(framing, dict):
        raise RulesError("negation.framing: expected a mapping with condemn, others and apology lists")
    negation = _Negation(
        cue_re=re.compile(_cue_alternation(base_cues), _FLAGS),
        short_re=re.compile(_cue_alternation(short or ["不"]), _FLAGS),
        pseudo_re=_compile(_str_list(neg.get("pseudo"), "negation.pseudo"), "negation.pseudo", macros),
        breaker_re=_compile(_str_list(neg.get("breakers"), "negation.breakers"), "negation.breakers", macros),
        voider_re=_compile(_str_list(neg.get("voiders"), "negation.voiders"), "negation.voiders", macros),
        after_re=_compile(_str_list(neg.get("after"), "negation.after"), "negation.after", macros),
        agency_re=_compile(
            _str_list(neg.get("borrower_agency"), "negation.borrower_agency"), "negation.borrower_agency", macros
        ),
        hearsay_re=_compile(_str_list(neg.get("hearsay"), "negation.hearsay"), "negation.hearsay", macros),
        answer_re=_compile(_str_list(neg.get("answers"), "negation.answers"), "negation.answers", macros),
        condemn_re=_compile(_str_list(framing.get("condemn"), "negation.framing.condemn"), "negation.framing.condemn", macros),
        others_re=_compile(_str_list(framing.get("others"), "negation.framing.others"), "negation.framing.others", macros),
        apology_re=_compile(_str_list(framing.get("apology"), "negation.framing.apology"), "negation.framing.apology", macros),
        answer_max_clause=int(neg.get("answer_max_clause", 16)),
        window_zh=int(neg.get("window_zh", 8)),
        window_short=int(neg.get("window_short", 2)),
        window_en=int(neg.get("window_en", 5)),
    )
    raw_breaks = str(data.get("clause_breaks", ",.!?;:。")).replace("\\n", "\n")
    breaks = frozenset(_norm_pattern(raw_breaks)) | {"\n"}
    rules: list[_Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        where = f"rules[{i}]"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: expected a mapping")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid:
            raise RulesError(f"{where}: missing id")
        where = f"rule {rid}"
        if rid in seen:
            raise RulesError(f"{where}: duplicate id")
        seen.add(rid)
        category = raw.get("category")
        if category not in CATEGORIES:
            raise RulesError(f"{where}: unknown category {category!r} (one of {', '.join(CATEGORIES)})")
        for key in ("source", "explanation_zh", "suggestion_zh"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise RulesError(f"{where}: missing {key}")
        patterns = _str_list(raw.get("patterns"), f"{where}.patterns")
        if not patterns:
            raise RulesError(f"{where}: needs at least one pattern")
        examples = raw.get("examples") or {}
        info = RuleInfo(
            id=rid,
            category=category,
            source=raw["source"].strip(),
            explanation_zh=raw["explanation_zh"].strip(),
            suggestion_zh=raw["suggestion_zh"].strip(),
            patterns=tuple(patterns),
            positive_examples=tuple(_str_list(examples.get("positive"), f"{where}.examples.positive")),
            negative_examples=tuple(_str_list(examples.get("negative"), f"{where}.examples.negative")),
            negatable=bool(raw.get("negatable", True)),
        )
        regexes = []
        for j, p in enumerate(patterns):
            rx = _compile([p], f"{where}.patterns[{j}]", macros)
            assert rx is not None
            regexes.append(rx)
        extra = _str_list(raw.get("extra_negation_cues"), f"{where}.extra_negation_cues")
        requires = []
        for j, p in enumerate(_str_list(raw.get("message_requires"), f"{where}.message_requires")):
            rx = _compile([p], f"{where}.message_requires[{j}]", macros)
            assert rx is not None
            requires.append(rx)
        rules.append(
            _Rule(
                info=info,
                any_re=_compile(patterns, where, macros) or re.compile("(?!)"),
                regexes=tuple(regexes),
                cue_re=re.compile(_cue_alternation(base_cues + extra), _FLAGS),
                exempt_before=_compile(_str_list(raw.get("exempt_before"), f"{where}.exempt_before"), where, macros),
                exempt_after=_compile(_str_list(raw.get("exempt_after"), f"{where}.exempt_after"), where, macros),
                borrower_agency=bool(raw.get("borrower_agency", False)),
                requires=tuple(requires),
                forbids=_compile(_str_list(raw.get("message_forbids"), f"{where}.message_forbids"), where, macros),
            )
        )
    return _Compiled(rules=tuple(rules), negation=negation, breaks=breaks, categories=_categories(data.get("categories")))


_lock = threading.Lock()
_compiled: _Compiled | None = None


def _get() -> _Compiled:
    """The compiled rules, loaded on first use and cached."""
    global _compiled
    if _compiled is None:
        with _lock:
            if _compiled is None:
                _compiled = _load_compiled()
    return _compiled


def category_info(name: str) -> CategoryInfo:
    """The Chinese name, reason and fair alternative for one category."""
    return _get().categories[name]


def load_rules() -> tuple[RuleInfo, ...]:
    """All rules as written in rules.yml, in file order."""
    return tuple(r.info for r in _get().rules)


# --------------------------------------------------------------- matching --

_EN_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE_END = frozenset("。!?\n")


def _mask(text: str, rx: re.Pattern[str] | None) -> str:
    """Blank out every match of rx (same length, so offsets stay valid)."""
    if rx is None:
        return text
    return rx.sub(lambda m: "\x00" * len(m.group(0)), text)


def _ends_with_cue(text: str, neg: _Negation) -> bool:
    """True if text ends with a negation cue (double negative, 不是不会)."""
    for rx in (neg.cue_re, neg.short_re):
        for m in rx.finditer(text):
            if m.end() == len(text):
                return True
    return False


def _cue_reaches(prefix: str, masked: str, cue: re.Match[str], neg: _Negation, short: bool) -> bool:
    """Does this cue (found in the masked clause prefix) negate the trigger?"""
    gap = prefix[cue.end():]
    if cue.group(0).isascii():
        if len(_EN_WORD.findall(gap)) > neg.window_en:
            return False
    else:
        limit = neg.window_short if short else neg.window_zh
        if len(gap.replace(" ", "")) > limit:
            return False
    if neg.breaker_re is not None and neg.breaker_re.search(gap):
        return False
    # A second negation between cue and trigger, or right before the cue,
    # makes a double negative ("我们不是不会上门").
    masked_gap = masked[cue.end():]
    if neg.short_re.search(masked_gap) or neg.cue_re.search(masked_gap):
        return False
    before = masked[max(0, cue.start() - 3):cue.start()]
    if _ends_with_cue(before, neg):
        return False
    if neg.voider_re is not None and neg.voider_re.search(prefix[:cue.start()]):
        return False
    return True


def _is_negated(prefix: str, suffix: str, rule: _Rule, neg: _Negation) -> bool:
    """True when a negation cue governs the trigger (same clause only)."""
    masked = _mask(prefix, neg.pseudo_re)
    last_long = None
    for m in rule.cue_re.finditer(masked):
        last_long = m
    if last_long is not None and _cue_reaches(prefix, masked, last_long, neg, short=False):
        return True
    last_short = None
    for m in neg.short_re.finditer(masked):
        last_short = m
    if last_short is not None and _cue_reaches(prefix, masked, last_short, neg, short=True):
        return True
    if neg.after_re is not None and neg.after_re.search(suffix):
        return True
    return False


def _answered_no(norm: str, clause_start: int, clause_end: int, neg: _Negation) -> bool:
    """True when the trigger's clause is a short question answered by a denial.

    "外访？不会的，我们没有上门的安排" / "Jail? No — this is a civil matter":
    the bot echoes the borrower's worry and rejects it at once.
    """
    if neg.answer_re is None or clause_end >= len(norm) or norm[clause_end] != "?":
        return False
    if clause_end - clause_start > neg.answer_max_clause:
        return False
    return neg.answer_re.match(norm[clause_end + 1:].lstrip()) is not None


def review_rules(text: str) -> Review:
    """The rules alone: every match that no exemption cancels is a violation.

    Memoised per text (the guard and the model's evidence both ask); each
    caller gets its own copy of the violation list.
    """
    found = _review_rules(text)
    return Review(allowed=found.allowed, violations=list(found.violations), exempted=found.exempted)


@functools.lru_cache(maxsize=2048)
def _review_rules(text: str) -> Review:
    """Uncached review_rules.

    Matches cancelled by an exemption (negation, reported speech, the
    borrower's own choice, an answered question) are listed in
    `Review.exempted`, so the combined decision can ask the model for more
    certainty before it overrules a promise or a warning.
    """
    if not text or not text.strip():
        return Review(allowed=True, violations=[])
    compiled = _get()
    norm, index = normalize(text)
    neg = compiled.negation
    breaks = [i for i, c in enumerate(norm) if c in compiled.breaks]
    stops = [i for i in breaks if norm[i] in _SENTENCE_END]
    apologetic = neg.apology_re is not None and neg.apology_re.search(norm) is not None
    violations: list[Violation] = []
    exempted: list[str] = []
    for rule in compiled.rules:
        # Message-level conditions: every `message_requires` pattern must occur
        # somewhere in the message and no `message_forbids` pattern may occur.
        # (requires is usually one cheap literal, so it is checked first.)
        if rule.requires and not all(rx.search(norm) for rx in rule.requires):
            continue
        if not rule.any_re.search(norm):
            continue
        if rule.forbids is not None and rule.forbids.search(norm):
            continue
        seen_spans: set[tuple[int, int]] = set()
        for rx in rule.regexes:
            for m in rx.finditer(norm):
                start, end = m.span()
                if start == end or (start, end) in seen_spans:
                    continue
                k = bisect.bisect_left(breaks, start)
                clause_start = breaks[k - 1] + 1 if k > 0 else 0
                k2 = bisect.bisect_left(breaks, end)
                clause_end = breaks[k2] if k2 < len(breaks) else len(norm)
                prefix = norm[clause_start:start]
                suffix = norm[end:clause_end]
                k3 = bisect.bisect_left(stops, start)
                sentence = norm[stops[k3 - 1] + 1 if k3 > 0 else 0:start]
                whole = norm[stops[k3 - 1] + 1 if k3 > 0 else 0:stops[k3] if k3 < len(stops) else len(norm)]
                if _exempt(rule, neg, norm, sentence, prefix, suffix, clause_start, clause_end) or _framed(
                    neg, whole, norm, start, end, apologetic
                ):
                    exempted.append(rule.info.id)
                    continue
                seen_spans.add((start, end))
                o_start = index[start]
                o_end = index[end - 1] + 1
                violations.append(
                    Violation(
                        rule_id=rule.info.id,
                        category=rule.info.category,
                        span=(o_start, o_end),
                        matched=text[o_start:o_end],
                        explanation=rule.info.explanation_zh,
                        suggestion=rule.info.suggestion_zh,
                        source=rule.info.source,
                    )
                )
    violations.sort(key=lambda v: (v.span[0], v.rule_id))
    return Review(allowed=not violations, violations=violations, exempted=tuple(dict.fromkeys(exempted)))


_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "《": "》", "'": "'"}


def _quoted(norm: str, start: int, end: int) -> bool:
    """Is norm[start:end] inside a pair of quotation marks on the same line?"""
    line_start = norm.rfind("\n", 0, start) + 1
    before = norm[line_start:start]
    for opening, closing in _QUOTES.items():
        if opening == closing:
            if before.count(opening) % 2 == 1 and opening in norm[end:norm.find("\n", end) if "\n" in norm[end:] else len(norm)]:
                return True
        elif before.rfind(opening) > before.rfind(closing) and closing in norm[end:]:
            return True
    return False


def _framed(neg: _Negation, whole: str, norm: str, start: int, end: int, apologetic: bool) -> bool:
    """A warning about, or an apology for, someone else's conduct (see negation.framing)."""
    others = neg.others_re is not None and neg.others_re.search(whole) is not None
    if apologetic and others:
        return True
    if neg.condemn_re is None or neg.condemn_re.search(whole) is None:
        return False
    return others or _quoted(norm, start, end)


def _exempt(
    rule: _Rule, neg: _Negation, norm: str, sentence: str, prefix: str, suffix: str, clause_start: int, clause_end: int
) -> bool:
    """Is this match cancelled: reported speech, a promise, the borrower's choice, an answered worry?"""
    if rule.exempt_before is not None and rule.exempt_before.search(sentence):
        return True
    if neg.hearsay_re is not None and neg.hearsay_re.search(sentence):
        return True
    if rule.exempt_after is not None and rule.exempt_after.search(suffix):
        return True
    if rule.borrower_agency and neg.agency_re is not None and neg.agency_re.search(prefix):
        return True
    if rule.info.negatable and _is_negated(prefix, suffix, rule, neg):
        return True
    return rule.info.negatable and _answered_no(norm, clause_start, clause_end, neg)
