"""The distress lexicon: the rule-based half of distress detection.

`assess_lexicon(text)` returns one of three levels (the product combines it
with the learned model and recent messages in kuanxian.safety.distress):

- "crisis": suicidal ideation, self-harm, a plan or means, a farewell.
- "distress": despair, breakdown, can't cope, a mental-health disclosure.
- "none": everything else, including everyday hyperbole (累死了, 笑死).

The lexicon lives in distress.yml. It is loaded and compiled once, on first
use. Recall on crisis is favoured over precision: a false alarm costs a kind
message and a human check; a miss can cost a life.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from kuanxian.latin import ascii_boundaries

from .text import normalize

__all__ = ["LEVELS", "DistressAssessment", "Level", "assess_lexicon", "euphemism"]

Level = Literal["none", "distress", "crisis"]
LEVELS: tuple[Level, ...] = ("none", "distress", "crisis")

LEXICON_PATH = Path(__file__).with_name("distress.yml")

_BLANK = "\x00"


@dataclass(frozen=True)
class DistressAssessment:
    """Level of distress found in one message, and the signals behind it."""

    level: Level
    signals: tuple[str, ...] = ()

    @property
    def is_crisis(self) -> bool:
        """True for the crisis level."""
        return self.level == "crisis"

    @property
    def needs_care(self) -> bool:
        """True for distress or crisis: collection talk must stop."""
        return self.level != "none"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready representation."""
        return {"level": self.level, "signals": list(self.signals)}


@dataclass(frozen=True)
class _Rx:
    """One lexicon list compiled twice: all patterns, and without the
    ASCII-only (English) ones, used when the message has no Latin letter."""

    full: re.Pattern[str] | None
    cjk: re.Pattern[str] | None

    def pick(self, latin: bool) -> re.Pattern[str] | None:
        return self.full if latin else self.cjk


@dataclass(frozen=True)
class _Lexicon:
    everyday: _Rx
    benign: _Rx
    escalate: _Rx
    reassured_denial: _Rx
    negated_crisis: _Rx
    soften: _Rx
    ambiguous: _Rx
    ambiguous_context: _Rx
    research: _Rx
    others: _Rx
    self_risk: _Rx
    crisis: tuple[tuple[str, _Rx], ...]
    distress: tuple[tuple[str, _Rx], ...]
    neg_zh: re.Pattern[str]
    neg_en: re.Pattern[str]
    window_zh: int
    window_en: int


_MACRO = re.compile(r"\{([a-z_]+)\}")


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    """Replace {name} with the named macro from distress.yml (quantifiers like {0,4} are left alone)."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in macros:
            raise ValueError(f"distress.yml {where}: unknown macro {{{name}}}")
        return f"(?:{macros[name]})"

    return _MACRO.sub(sub, pattern)


def _alternation(patterns: list[str], where: str, macros: dict[str, str] | None = None) -> re.Pattern[str] | None:
    """Compile a list of regexes as one case-insensitive alternation."""
    if not patterns:
        return None
    parts = []
    for p in patterns:
        if not isinstance(p, str) or not p:
            raise ValueError(f"distress.yml {where}: patterns must be non-empty strings")
        p = ascii_boundaries(unicodedata.normalize("NFKC", _expand(p, macros or {}, where)))
        try:
            re.compile(p, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"distress.yml {where}: bad regular expression {p!r}: {exc}") from exc
        parts.append(f"(?:{p})")
    return re.compile("|".join(parts), re.IGNORECASE)


_LATIN = re.compile(r"[a-z]")


def _pair(patterns: list[str], where: str, macros: dict[str, str]) -> _Rx:
    """Compile patterns as _Rx; a pattern written only in ASCII needs a Latin letter to match."""
    full = _alternation(patterns, where, macros)
    cjk = [p for p in patterns if not (isinstance(p, str) and _expand(p, macros, where).isascii())]
    return _Rx(full, _alternation(cjk, where, macros))


def _groups(raw: Any, where: str, macros: dict[str, str]) -> tuple[tuple[str, _Rx], ...]:
    out = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError(f"distress.yml {where}[{i}]: expected a mapping with an id")
        rx = _pair(list(item.get("patterns") or []), f"{where}.{item['id']}", macros)
        if rx.full is None:
            raise ValueError(f"distress.yml {where}.{item['id']}: needs patterns")
        out.append((item["id"], rx))
    return tuple(out)


def _load(path: Path = LEXICON_PATH) -> _Lexicon:
    """Read and compile distress.yml."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    neg = data.get("distress_negation") or {}
    macros = data.get("macros") or {}
    if not isinstance(macros, dict) or not all(isinstance(v, str) and v for v in macros.values()):
        raise ValueError(f"{path}: macros must map names to non-empty regex strings")
    # Macros may use earlier macros.
    macros = {k: _expand(v, macros, f"macros.{k}") for k, v in macros.items()}

    frames = data.get("not_about_me") or {}
    if not isinstance(frames, dict):
        raise ValueError(f"{path}: not_about_me must be a mapping with research, others and self_risk")
    amb = data.get("ambiguous") or {}
    if not isinstance(amb, dict):
        raise ValueError(f"{path}: ambiguous must be a mapping with patterns and context")

    def alt(key: str) -> _Rx:
        return _pair(list(data.get(key) or []), key, macros)

    return _Lexicon(
        everyday=alt("everyday"),
        benign=alt("benign"),
        escalate=alt("escalate"),
        reassured_denial=alt("reassured_denial"),
        negated_crisis=alt("negated_crisis"),
        soften=alt("soften_to_distress"),
        ambiguous=_pair(list(amb.get("patterns") or []), "ambiguous.patterns", macros),
        ambiguous_context=_pair(list(amb.get("context") or []), "ambiguous.context", macros),
        research=_pair(list(frames.get("research") or []), "not_about_me.research", macros),
        others=_pair(list(frames.get("others") or []), "not_about_me.others", macros),
        self_risk=_pair(list(frames.get("self_risk") or []), "not_about_me.self_risk", macros),
        crisis=_groups(data.get("crisis"), "crisis", macros),
        distress=_groups(data.get("distress"), "distress", macros),
        neg_zh=re.compile(str(neg.get("cues_zh", "(?:没有|没|不)")) + "$"),
        neg_en=re.compile(ascii_boundaries(str(neg.get("cues_en", r"\bnot\b"))), re.IGNORECASE),
        window_zh=int(neg.get("window_zh", 2)),
        window_en=int(neg.get("window_en", 2)),
    )


_lock = threading.Lock()
_lexicon: _Lexicon | None = None


def _get() -> _Lexicon:
    """The compiled lexicon, loaded on first use and cached."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = _load()
    return _lexicon


def _blank(text: str, rx: re.Pattern[str] | None) -> tuple[str, bool]:
    """Blank every match of rx; report whether anything matched."""
    if rx is None:
        return text, False
    hit = False

    def sub(m: re.Match[str]) -> str:
        nonlocal hit
        hit = True
        return _BLANK * len(m.group(0))

    return rx.sub(sub, text), hit


_EN_TAIL = re.compile(r"[a-z']+")
# What may stand between a Chinese negation cue and the distress phrase
# ("还没到绝望", "没那么焦虑", "不再失眠").
_ZH_FILLER = re.compile(r"(?:有|到|在|是|太|那么|这么|再|会|感到|觉得|很|特别|那样|怎么)?")


def _distress_negated(text: str, start: int, lex: _Lexicon) -> bool:
    """Is the distress phrase at `start` directly negated ("我没有崩溃")?"""
    before = text[max(0, start - 12) : start]
    for stop in ",.!?;:。，":
        before = before.rsplit(stop, 1)[-1]
    zh = before.replace(" ", "")
    for cut in range(0, lex.window_zh + 1):
        filler = zh[len(zh) - cut :] if cut else ""
        head = zh[: len(zh) - cut] if cut else zh
        if not head or not _ZH_FILLER.fullmatch(filler):
            continue
        m = lex.neg_zh.search(head)
        if m is None:
            continue
        # A-not-A questions are not negations: 是不是没救了, 有没有希望.
        cue_start = m.start()
        after = (filler + text[start : start + 1])[:1]
        if len(m.group(0)) == 1 and cue_start > 0 and head[cue_start - 1] == after:
            continue
        return True
    words = _EN_TAIL.findall(before)
    tail = " ".join(words[-(lex.window_en + 1) :])
    return bool(tail and lex.neg_en.search(tail))


_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;\n]*")


def _blank_not_about_me(work: str, lex: _Lexicon, latin: bool) -> str:
    """Blank research questions and sentences about someone else (not_about_me)."""
    self_risk = lex.self_risk.pick(latin)

    def mine(part: str) -> bool:
        return self_risk is not None and self_risk.search(part) is not None

    research = lex.research.pick(latin)
    if research is not None and research.search(work) and not mine(work):
        return _BLANK * len(work)
    others = lex.others.pick(latin)
    if others is None or not others.search(work):
        return work
    return "".join(
        _BLANK * len(m.group(0)) if others.search(m.group(0)) and not mine(m.group(0)) else m.group(0) for m in _SENTENCE.finditer(work)
    )


def assess_lexicon(text: str) -> DistressAssessment:
    """Classify one message as none / distress / crisis (pure, cached lexicon)."""
    if not text or not text.strip():
        return DistressAssessment("none", ())
    lex = _get()
    norm = normalize(text)[0]
    latin = _LATIN.search(norm) is not None
    # A plan or means cue ("攒", "一整瓶", "准备好了") anywhere in the message
    # switches off the harmless-context masks and the softening rules, so
    # "医生开的安眠药我都攒起来了" stays a crisis.
    escalate = lex.escalate.pick(latin)
    escalated = escalate is not None and escalate.search(norm) is not None
    work, _ = _blank(norm, lex.everyday.pick(latin))
    if not escalated:
        work, _ = _blank(work, lex.benign.pick(latin))
        work = _blank_not_about_me(work, lex, latin)
    signals: list[str] = []
    # "我不会想不开的，放心" / "我没想死，只是想问问延期": a denial is blanked; on
    # its own it leaves the level at none (the writer says they are not at risk).
    work, _ = _blank(work, lex.reassured_denial.pick(latin))
    work, denied = _blank(work, lex.negated_crisis.pick(latin))
    softened = False
    if not escalated:
        work, softened = _blank(work, lex.soften.pick(latin))
    crisis = [sid for sid, rx in lex.crisis if (r := rx.pick(latin)) is not None and r.search(work)]
    if crisis:
        return DistressAssessment("crisis", tuple(crisis))
    # Euphemisms that are only a farewell when the person is already in pain
    # ("我先走了", "想早点结束", "等我走了"): blanked before the distress
    # patterns run, so they cannot supply their own context; crisis if any
    # distress signal or an `ambiguous.context` cue remains.
    work, ambiguous = _blank(work, lex.ambiguous.pick(latin))
    if softened:
        signals.append("distress.softened_crisis_word")
    if denied and not signals and not ambiguous:
        return DistressAssessment("none", ("denied_risk",))
    for sid, rx in lex.distress:
        r = rx.pick(latin)
        if r is None:
            continue
        for m in r.finditer(work):
            if not _distress_negated(work, m.start(), lex):
                signals.append(sid)
                break
    if ambiguous:
        context = lex.ambiguous_context.pick(latin)
        if signals or (context is not None and context.search(work)):
            return DistressAssessment("crisis", ("crisis.euphemism_in_distress", *dict.fromkeys(signals)))
    if signals:
        return DistressAssessment("distress", tuple(dict.fromkeys(signals)))
    return DistressAssessment("none", ())


def euphemism(text: str) -> bool:
    """An `ambiguous` phrase ("我先走了", "想早点结束", "到长江大桥坐几路车") outside everyday and harmless uses: a
    farewell or a place sought only when the person is already in pain, in this message or one just before it."""
    if not text or not text.strip():
        return False
    lex = _get()
    norm = normalize(text)[0]
    latin = _LATIN.search(norm) is not None
    work, _ = _blank(norm, lex.everyday.pick(latin))
    work, _ = _blank(work, lex.benign.pick(latin))
    rx = lex.ambiguous.pick(latin)
    return rx is not None and rx.search(work) is not None


@dataclass(frozen=True)
class Frames:
    """How a message is framed, whatever the final level: for the model's features."""

    frames: tuple[str, ...]
    raw_crisis: tuple[str, ...]


def frames(text: str) -> Frames:
    """Which framings (research, others, self_risk, denial, everyday) and which crisis patterns appear."""
    lex = _get()
    norm = normalize(text)[0]
    latin = _LATIN.search(norm) is not None
    found = []
    for name, rx in (
        ("research", lex.research),
        ("others", lex.others),
        ("self", lex.self_risk),
        ("denial", lex.negated_crisis),
        ("everyday", lex.everyday),
    ):
        r = rx.pick(latin)
        if r is not None and r.search(norm):
            found.append(name)
    raw = tuple(sid for sid, rx in lex.crisis if (r := rx.pick(latin)) is not None and r.search(norm))
    return Frames(tuple(found), raw)
