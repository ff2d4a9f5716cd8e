"""Text normalisation shared by the rules, the distress lexicon and the learned model.

`normalize(text)` returns the text the rules match against, with an index back
to the original characters: NFKC (full-width -> half-width), lower case,
traditional -> simplified (OpenCC's character table, data/t2s.txt), curly
quotes -> straight, zero-width characters dropped, and separators between two
Chinese characters dropped ("不 想 活了", "家*人").

`syllables(text)` reads the normalised text as toneless pinyin syllables
(data/pinyin.txt), so homophones ("佳人"/"家人") and pinyin typed in Latin
letters ("jia人", "baotongxunlu") look alike to the model.

Tables are read once, on first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

__all__ = ["PINYIN_SYLLABLES", "is_cjk", "normalize", "normalized", "syllables"]

DATA_DIR = Path(__file__).with_name("data")

_DROP = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad")
# Filler between two Chinese characters, dropped ("家*人", "不 想 活"). Clause
# punctuation (，。！？) is not filler: the rules scope negation by clause.
_SEPARATORS = frozenset(" \t\u3000*·•_-~^/|\\+=#@'`")


def is_cjk(ch: str) -> bool:
    """A Chinese character (unified ideographs, extension A, compatibility)."""
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def _data_lines(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@functools.cache
def _table() -> dict[int, str]:
    """Translation applied after NFKC and lower-casing."""
    table: dict[int, str] = {ord(t): s for t, s in _data_lines("t2s.txt")}
    for q in "\u2018\u2019\u02bc\u0060\u00b4":
        table[ord(q)] = "'"
    for q in "\u201c\u201d\u300c\u300d\u300e\u300f":
        table[ord(q)] = '"'
    return table


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones, nothing else changed ("每個月還兩千" → "每个月还两千")."""
    return text.translate(_table())


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalised text, index of the source character of every normalised character)."""
    table = _table()
    chars: list[str] = []
    index: list[int] = []
    fast = unicodedata.normalize("NFKC", text).lower().translate(table)
    if len(fast) == len(text) and not any(ch in _DROP for ch in text):
        chars, index = list(fast), list(range(len(text)))
    else:
        for i, ch in enumerate(text):
            if ch in _DROP:
                continue
            out = ch.lower() if ch.isascii() else unicodedata.normalize("NFKC", ch).lower().translate(table)
            for c in out:
                chars.append(c)
                index.append(i)
    n = len(chars)
    if n and any(c in _SEPARATORS for c in chars):
        keep_chars: list[str] = []
        keep_index: list[int] = []
        i = 0
        while i < n:
            c = chars[i]
            if c in _SEPARATORS and keep_chars and is_cjk(keep_chars[-1]):
                j = i
                while j < n and chars[j] in _SEPARATORS:
                    j += 1
                if j < n and is_cjk(chars[j]):
                    i = j
                    continue
            keep_chars.append(c)
            keep_index.append(index[i])
            i += 1
        chars, index = keep_chars, keep_index
    return "".join(chars), index


def normalized(text: str) -> str:
    """Only the normalised text."""
    return normalize(text)[0]


@functools.cache
def _pinyin() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for syllable, chars in _data_lines("pinyin.txt"):
        for ch in chars:
            mapping[ch] = syllable
    return mapping


@functools.cache
def _syllable_set() -> frozenset[str]:
    return frozenset(row[0] for row in _data_lines("pinyin.txt"))


def PINYIN_SYLLABLES() -> frozenset[str]:
    """Every toneless syllable in the table."""
    return _syllable_set()


_LATIN_RUN = re.compile(r"[a-zü]+")
_MAX_SYLLABLE = 6


def _segment(word: str) -> list[str] | None:
    """Split a Latin run into pinyin syllables (longest first), or None if it isn't pinyin.

    Single letters are kept as initials ("jr" for 家人 is common shorthand) only
    when the whole run is short, otherwise an English word would become letters.
    """
    valid = _syllable_set()
    out: list[str] = []
    i = 0
    while i < len(word):
        for size in range(min(_MAX_SYLLABLE, len(word) - i), 0, -1):
            piece = word[i : i + size]
            if piece in valid:
                out.append(piece)
                i += size
                break
        else:
            return None
    return out


def syllables(norm: str) -> list[str]:
    """The normalised text as a token list: a syllable per Chinese character,
    pinyin syllables for Latin runs that are pinyin, the word otherwise, and
    "|" at anything else (digits, punctuation, emoji), so n-grams never span them."""
    table = _pinyin()
    out: list[str] = []
    i = 0
    n = len(norm)
    while i < n:
        ch = norm[i]
        syl = table.get(ch)
        if syl is not None:
            out.append(syl)
            i += 1
            continue
        m = _LATIN_RUN.match(norm, i)
        if m:
            word = m.group(0)
            pieces = _segment(word)
            out.extend(pieces if pieces else [word])
            i = m.end()
            continue
        if ch.isspace():
            i += 1
            continue
        if not out or out[-1] != "|":
            out.append("|")
        i += 1
    return out
