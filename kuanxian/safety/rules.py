"""The rule half of the pressure guard: checks an outgoing message against rules.yml.

The rules are data (kuanxian/safety/rules.yml, compiled by kuanxian.safety.rulebook).
This module matches them and decides whether an exemption (a negation cue, reported
speech, the borrower's own choice, an answered worry, a warning about someone
else) turns a match into something fair ("我们不会联系您的家人").
`review_rules` is a pure function of the text.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .rulebook import CATEGORIES, CategoryInfo, RuleInfo, RulesError, _Negation, _Rule, category_info, compiled_rules, load_rules
from .text import normalize

__all__ = [
    "CATEGORIES",
    "CategoryInfo",
    "Review",
    "RuleInfo",
    "RulesError",
    "Violation",
    "category_info",
    "load_rules",
    "normalize",
    "review_rules",
]


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
    gap = prefix[cue.end() :]
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
    masked_gap = masked[cue.end() :]
    if neg.short_re.search(masked_gap) or neg.cue_re.search(masked_gap):
        return False
    before = masked[max(0, cue.start() - 3) : cue.start()]
    if _ends_with_cue(before, neg):
        return False
    return not (neg.voider_re is not None and neg.voider_re.search(prefix[: cue.start()]))


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
    return bool(neg.after_re is not None and neg.after_re.search(suffix))


def _answered_no(norm: str, clause_start: int, clause_end: int, neg: _Negation) -> bool:
    """True when the trigger's clause is a short question answered by a denial.

    "外访？不会的，我们没有上门的安排" / "Jail? No — this is a civil matter":
    the bot echoes the borrower's worry and rejects it at once.
    """
    if neg.answer_re is None or clause_end >= len(norm) or norm[clause_end] != "?":
        return False
    if clause_end - clause_start > neg.answer_max_clause:
        return False
    return neg.answer_re.match(norm[clause_end + 1 :].lstrip()) is not None


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
    compiled = compiled_rules()
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
                sentence = norm[stops[k3 - 1] + 1 if k3 > 0 else 0 : start]
                whole = norm[stops[k3 - 1] + 1 if k3 > 0 else 0 : stops[k3] if k3 < len(stops) else len(norm)]
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
            if before.count(opening) % 2 == 1 and opening in norm[end : norm.find("\n", end) if "\n" in norm[end:] else len(norm)]:
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


def _exempt(rule: _Rule, neg: _Negation, norm: str, sentence: str, prefix: str, suffix: str, clause_start: int, clause_end: int) -> bool:
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
