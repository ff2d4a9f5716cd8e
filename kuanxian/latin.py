"""English words inside Chinese text.

Python's ``\\b`` sees no boundary between a Latin letter and a Chinese character (both are word characters), so
``\\bstop\\b`` misses "stop所有提醒" and ``\\bpause\\b`` misses "想pause两个月". People mix English into Chinese
all the time; every pattern that looks for an English word uses :func:`latin_word` instead.
"""

from __future__ import annotations


def latin_word(alternatives: str, *, prefix: bool = False) -> str:
    """A regular-expression fragment for ``alternatives`` as a whole English word.

    The word may touch Chinese, digits, punctuation or the ends of the text, but not another Latin letter
    (so "td" is not found in "std" and "no" is not found in "nothing"). With ``prefix`` the word may run on
    into more letters ("bye" in "byebye").
    """
    ending = "" if prefix else "(?![A-Za-z])"
    return f"(?<![A-Za-z])(?:{alternatives}){ending}"


# `\b` as it is meant in an English pattern: between an ASCII letter or digit and anything else.
_ASCII_BOUNDARY = r"(?:(?<![A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<=[A-Za-z0-9_])(?![A-Za-z0-9_]))"


def ascii_boundaries(pattern: str) -> str:
    """Rewrite every ``\\b`` in a regular expression to a boundary of English words only.

    For the trainers' YAML patterns (``distress.yml``, ``rules.yml``, ``identity.yml``), written as
    ``\\bkill myself\\b``: after the rewrite they also match "我想kill myself了". Escaped backslashes and
    ``[\\b]`` inside a character class are left alone.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            out.append(_ASCII_BOUNDARY if pair == r"\b" and not in_class else pair)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)
