"""Pressure-tactic guard: checks an outgoing message against rules.yml.

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

__all__ = [
    "Review",
    "Violation",
    "RuleInfo",
    "review_message",
    "load_rules",
    "normalize",
    "RulesError",
    "CATEGORIES",
]

RULES_PATH = Path(__file__).with_name("rules.yml")

CATEGORIES: tuple[str, ...] = (
    "threat",
    "third_party_disclosure",
    "false_authority",
    "insult_shaming",
    "coercive_urgency",
    "pressure_to_borrow_or_sell",
    "harassment",
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

# Traditional -> simplified for characters that matter to the rules and to the
# distress lexicon. Not a full converter: just enough that 「會上門」「不想活了」
# written in traditional script are recognised. Pairs: traditional, simplified.
_T2S_PAIRS = (
    "會会門门還还錢钱債债賴赖騙骗麼么殺杀們们聯联繫系係系給给讓让親亲屬属單单領领導导說说發发貼贴網网訴诉訟讼傳传關关進进監监"
    "獄狱凍冻結结產产財财沒没後后負负責责貸贷賣卖車车錄录臉脸廢废丟丢輕轻樓楼農农藥药燒烧遺遗書书別别離离開开這这個个輩辈絕绝"
    "潰溃撐撑無无壓压氣气憂忧鬱郁慮虑覺觉著着處处見见時时間间臺台難难過过對对脫脱斷断為为從从嗎吗與与當当將将應应該该現现話话"
    "題题電电報报謝谢請请問问稱称號号碼码機机構构銀银險险額额總总續续據据權权勢势戶户設设證证務务歲岁條条邊边兒儿媽妈爺爷孫孙"
    "識识認认記记訊讯簡简歷历經经濟济業业學学習习醫医療疗劑剂腦脑淚泪鐘钟頭头顆颗飯饭願愿夠够幾几樣样種种愛爱陽阳頂顶橋桥幹干"
    "燙烫傷伤殘残繩绳屍尸辦办亂乱鬥斗悶闷煩烦厭厌懼惧驚惊淒凄獨独職职裡里裏里囉啰啟启動动執执檢检罰罚詐诈偽伪擔担盡尽壞坏罷罢"
    "饒饶寧宁靈灵爛烂滅灭滿满臨临終终極极線线熱热嚇吓餓饿睏困貴贵聽听頓顿輛辆紅红潑泼討讨團团隊队員员標标準准規规範范則则況况"
    "約约違违徵征計计劃划畫画錯错誤误卻却攔拦恥耻醜丑騷骚擾扰轟轰覽览揚扬顯显師师倆俩懶懒體体訂订萬万億亿塊块辭辞綁绑嗚呜實实"
    "際际術术場场決决隨随東东誰谁麗丽讀读寫写賬账帳账筆笔償偿歸归揹背兇凶惡恶慘惨痠酸鎖锁勸劝罵骂黃黄窮穷崗岗齡龄婦妇懷怀買买"
    "賺赚輸输贏赢區区縣县鄉乡鎮镇廳厅館馆營营銷销費费資资並并説说衆众纔才麪面祇只髮发"
)


def _build_table() -> dict[int, str]:
    """Translation table applied after NFKC and lower-casing."""
    table: dict[int, str] = {}
    for k in range(0, len(_T2S_PAIRS), 2):
        trad, simp = _T2S_PAIRS[k], _T2S_PAIRS[k + 1]
        if trad != simp:
            table[ord(trad)] = simp
    for q in "\u2018\u2019\u02bc\u0060\u00b4":
        table[ord(q)] = "'"
    for q in "\u201c\u201d\u300c\u300d\u300e\u300f":
        table[ord(q)] = '"'
    return table


@functools.cache
def _table() -> dict[int, str]:
    """The translation table, built on first use."""
    return _build_table()


_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}
_SEPARATORS = set(" \t\u3000*·•_-~^")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def normalize(text: str) -> tuple[str, list[int]]:
    """Return (normalised text, index of the source character for each char).

    NFKC (full-width -> half-width), lower case, traditional -> simplified for
    common characters, curly quotes -> straight, zero-width characters dropped,
    and spaces/separators between two Chinese characters dropped
    ("不 想 活了" -> "不想活了"). The index list maps every normalised character
    back to the original text so spans can be reported on the original.
    """
    table = _table()
    chars: list[str]
    index: list[int]
    fast = unicodedata.normalize("NFKC", text).lower().translate(table)
    if len(fast) == len(text) and not any(ch in _DROP for ch in text):
        # Common case: every character maps to exactly one character.
        chars, index = list(fast), list(range(len(text)))
    else:
        chars, index = [], []
        for i, ch in enumerate(text):
            if ch in _DROP:
                continue
            out = ch.lower() if ch.isascii() else unicodedata.normalize("NFKC", ch).lower().translate(table)
            for c in out:
                chars.append(c)
                index.append(i)
    # Drop runs of separators sitting between two CJK characters.
    n = len(chars)
    if n and any(c in _SEPARATORS for c in chars):
        keep_chars: list[str] = []
        keep_index: list[int] = []
        i = 0
        while i < n:
            c = chars[i]
            if c in _SEPARATORS and keep_chars and _is_cjk(keep_chars[-1]):
                j = i
                while j < n and chars[j] in _SEPARATORS:
                    j += 1
                if j < n and _is_cjk(chars[j]):
                    i = j
                    continue
            keep_chars.append(c)
            keep_index.append(index[i])
            i += 1
        chars, index = keep_chars, keep_index
    return "".join(chars), index


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
    return _Compiled(rules=tuple(rules), negation=negation, breaks=breaks)


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


def review_message(text: str, *, context: Mapping[str, Any] | None = None) -> Review:
    """Check one outgoing message for pressure tactics.

    `context` is accepted for callers that have conversation state; the
    verdict currently depends on the text alone (rules are never loosened
    per call).
    """
    del context  # reserved; see docstring
    if not text or not text.strip():
        return Review(allowed=True, violations=[])
    compiled = _get()
    norm, index = normalize(text)
    neg = compiled.negation
    breaks = [i for i, c in enumerate(norm) if c in compiled.breaks]
    stops = [i for i in breaks if norm[i] in _SENTENCE_END]
    violations: list[Violation] = []
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
                if rule.exempt_before is not None and rule.exempt_before.search(sentence):
                    continue
                if neg.hearsay_re is not None and neg.hearsay_re.search(sentence):
                    continue
                if rule.exempt_after is not None and rule.exempt_after.search(suffix):
                    continue
                if rule.borrower_agency and neg.agency_re is not None and neg.agency_re.search(prefix):
                    continue
                if rule.info.negatable and _is_negated(prefix, suffix, rule, neg):
                    continue
                if rule.info.negatable and _answered_no(norm, clause_start, clause_end, neg):
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
    return Review(allowed=not violations, violations=violations)
