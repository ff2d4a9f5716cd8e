"""Distress and crisis detection for incoming borrower messages.

`assess_distress(text)` returns one of three levels:

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

from .guard import normalize

__all__ = ["DistressAssessment", "assess_distress", "Level", "LEVELS"]

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
class _Lexicon:
    masks: re.Pattern[str] | None
    negated_crisis: re.Pattern[str] | None
    soften: re.Pattern[str] | None
    crisis: tuple[tuple[str, re.Pattern[str]], ...]
    distress: tuple[tuple[str, re.Pattern[str]], ...]
    neg_zh: re.Pattern[str]
    neg_en: re.Pattern[str]
    window_zh: int
    window_en: int


def _alternation(patterns: list[str], where: str) -> re.Pattern[str] | None:
    """Compile a list of regexes as one case-insensitive alternation."""
    if not patterns:
        return None
    parts = []
    for p in patterns:
        if not isinstance(p, str) or not p:
            raise ValueError(f"distress.yml {where}: patterns must be non-empty strings")
        p = unicodedata.normalize("NFKC", p)
        try:
            re.compile(p, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"distress.yml {where}: bad regular expression {p!r}: {exc}") from exc
        parts.append(f"(?:{p})")
    return re.compile("|".join(parts), re.IGNORECASE)


def _groups(raw: Any, where: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError(f"distress.yml {where}[{i}]: expected a mapping with an id")
        rx = _alternation(list(item.get("patterns") or []), f"{where}.{item['id']}")
        if rx is None:
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
    return _Lexicon(
        masks=_alternation(list(data.get("everyday") or []) + list(data.get("benign") or []), "everyday/benign"),
        negated_crisis=_alternation(list(data.get("negated_crisis") or []), "negated_crisis"),
        soften=_alternation(list(data.get("soften_to_distress") or []), "soften_to_distress"),
        crisis=_groups(data.get("crisis"), "crisis"),
        distress=_groups(data.get("distress"), "distress"),
        neg_zh=re.compile(str(neg.get("cues_zh", "(?:没有|没|不)")) + "$"),
        neg_en=re.compile(str(neg.get("cues_en", r"\bnot\b")), re.IGNORECASE),
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
    before = text[max(0, start - 12):start]
    for stop in ",.!?;:。，":
        before = before.rsplit(stop, 1)[-1]
    zh = before.replace(" ", "")
    for cut in range(0, lex.window_zh + 1):
        filler = zh[len(zh) - cut:] if cut else ""
        head = zh[: len(zh) - cut] if cut else zh
        if not head or not _ZH_FILLER.fullmatch(filler):
            continue
        m = lex.neg_zh.search(head)
        if m is None:
            continue
        # A-not-A questions are not negations: 是不是没救了, 有没有希望.
        cue_start = m.start()
        after = (filler + text[start:start + 1])[:1]
        if len(m.group(0)) == 1 and cue_start > 0 and head[cue_start - 1] == after:
            continue
        return True
    words = _EN_TAIL.findall(before)
    tail = " ".join(words[-(lex.window_en + 1):])
    return bool(tail and lex.neg_en.search(tail))


def assess_distress(text: str) -> DistressAssessment:
    """Classify one message as none / distress / crisis (pure, cached lexicon)."""
    if not text or not text.strip():
        return DistressAssessment("none", ())
    lex = _get()
    norm, _ = normalize(text)
    work, _ = _blank(norm, lex.masks)
    signals: list[str] = []
    work, denied = _blank(work, lex.negated_crisis)
    work, softened = _blank(work, lex.soften)
    crisis = [sid for sid, rx in lex.crisis if rx.search(work)]
    if crisis:
        return DistressAssessment("crisis", tuple(crisis))
    if denied:
        signals.append("distress.denied_crisis")
    if softened:
        signals.append("distress.softened_crisis_word")
    for sid, rx in lex.distress:
        for m in rx.finditer(work):
            if not _distress_negated(work, m.start(), lex):
                signals.append(sid)
                break
    if signals:
        return DistressAssessment("distress", tuple(dict.fromkeys(signals)))
    return DistressAssessment("none", ())
