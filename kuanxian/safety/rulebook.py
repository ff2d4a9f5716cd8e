"""rules.yml, loaded and compiled once on first use: the pressure categories, the rules and their exemptions.

The rules are data. This module validates the file (a trainer's mistake is
reported with its rule id and field) and compiles every pattern with its
macros; kuanxian.safety.rules matches them against a message.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kuanxian.latin import ascii_boundaries

from .corpus import CATEGORIES as CORPUS_CATEGORIES
from .text import _table

__all__ = ["CATEGORIES", "RULES_PATH", "CategoryInfo", "RuleInfo", "RulesError", "category_info", "compiled_rules", "load_rules"]

RULES_PATH = Path(__file__).with_name("rules.yml")

# One taxonomy for rules, corpus and model: the corpus's pressure categories.
CATEGORIES: tuple[str, ...] = CORPUS_CATEGORIES["guard"]["pressure"]


class RulesError(ValueError):
    """rules.yml is malformed (bad field, unknown category, bad regex)."""


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
    categories: dict[str, CategoryInfo]


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
    return ascii_boundaries(unicodedata.normalize("NFKC", pattern).translate(_table()))


def _compile(patterns: list[str], where: str, macros: Mapping[str, str]) -> re.Pattern[str] | None:
    """Compile a list of regexes into one alternation (None if empty)."""
    return _alternation(patterns, where, macros) if patterns else None


def _alternation(patterns: list[str], where: str, macros: Mapping[str, str]) -> re.Pattern[str]:
    """Compile a non-empty list of regexes into one alternation."""
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
        agency_re=_compile(_str_list(neg.get("borrower_agency"), "negation.borrower_agency"), "negation.borrower_agency", macros),
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
            regexes.append(_alternation([p], f"{where}.patterns[{j}]", macros))
        extra = _str_list(raw.get("extra_negation_cues"), f"{where}.extra_negation_cues")
        requires = []
        for j, p in enumerate(_str_list(raw.get("message_requires"), f"{where}.message_requires")):
            requires.append(_alternation([p], f"{where}.message_requires[{j}]", macros))
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


def compiled_rules() -> _Compiled:
    """The compiled rules, loaded on first use and cached."""
    global _compiled
    if _compiled is None:
        with _lock:
            if _compiled is None:
                _compiled = _load_compiled()
    return _compiled


def category_info(name: str) -> CategoryInfo:
    """The Chinese name, reason and fair alternative for one category."""
    return compiled_rules().categories[name]


def load_rules() -> tuple[RuleInfo, ...]:
    """All rules as written in rules.yml, in file order."""
    return tuple(r.info for r in compiled_rules().rules)
