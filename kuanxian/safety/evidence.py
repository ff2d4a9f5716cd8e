"""What the hand-written half of each check found, as model features (``x:...``).

The learned models see this evidence next to the n-grams, so the independent
corpus teaches them when a rule or lexicon hit is to be trusted. Changing
rules.yml, distress.yml or identity.yml therefore changes the features: the
model's recorded input hash covers those files, and a test fails until
`make safety-train` is run again.
"""

from __future__ import annotations

import re

__all__ = ["evidence_features"]

_LATIN = re.compile(r"[a-z]")


def _rules(text: str) -> set[str]:
    from .rules import review_rules

    review = review_rules(text)
    out = {"x:rules_block" if not review.allowed else "x:rules_allow"}
    out |= {f"x:rule_{v.category}" for v in review.violations}
    if review.exempted:
        out.add("x:rule_exempted")
    return out


def _lexicon(text: str) -> set[str]:
    from .lexicon import assess_lexicon, frames

    verdict = assess_lexicon(text)
    out = {f"x:lex_{verdict.level}"} | {f"x:sig_{s}" for s in verdict.signals}
    found = frames(text)
    out |= {f"x:frame_{f}" for f in found.frames}
    out |= {f"x:frame_{f}&lex_{verdict.level}" for f in found.frames}
    for signal in found.raw_crisis:
        out.add(f"x:raw_{signal}")
        out |= {f"x:raw_{signal}&{f}" for f in found.frames}
    return out


def _identity(text: str) -> set[str]:
    from .identity import identity_rules

    return {f"x:id_{cue}" for cue in identity_rules(text)}


def evidence_features(kind: str, text: str) -> set[str]:
    """The ``x:`` features of one kind of evidence."""
    if kind == "rules":
        return _rules(text)
    if kind == "lexicon":
        return _lexicon(text)
    if kind == "identity":
        return _identity(text)
    raise ValueError(f"unknown evidence kind {kind!r}")
