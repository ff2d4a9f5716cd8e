"""Distress and crisis detection for borrower messages: lexicon, model and context.

`assess_distress(text, context=...)` returns one of three levels:

- "crisis": any warning sign of suicide or self-harm (ideation, plans,
  farewells, ongoing self-harm, passive death wishes, revealing questions);
- "distress": despair, overwhelm, shame, anger, a hard life event, a
  mental-health disclosure;
- "none": everything else, including hyperbole, other people's stories, a
  plain denial of risk and research.

The lexicon (distress.yml) and the model trained on the independent corpus
each may raise the level; neither can lower what the other found. `context`
is the borrower's earlier messages, oldest first: after distress, a lower bar
applies to crisis, because an innocent-looking practical question can be the
sign. When in doubt it is crisis.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Optional

from .decision import distress_level, load_thresholds, model_level
from .lexicon import LEVELS, DistressAssessment, Level, assess_lexicon, euphemism
from .model import LinearModel, load_model

__all__ = ["LEVELS", "DistressAssessment", "Level", "assess_distress", "crisis_probability"]


@functools.lru_cache(maxsize=4096)
def _evidence(text: str) -> tuple[DistressAssessment, tuple[tuple[str, float], ...]]:
    """Lexicon verdict and model probabilities for one message (cached: context repeats)."""
    probs = load_model("distress").predict(text)
    return assess_lexicon(text), tuple(sorted(probs.items()))


def crisis_probability(text: str) -> float:
    """The committed model's P(crisis) for one message (cached with the rest of its evidence)."""
    return dict(_evidence(text)[1]).get("crisis", 0.0) if text and text.strip() else 0.0


def assess_distress(text: str, context: Sequence[str] = (), *, model: Optional[LinearModel] = None) -> DistressAssessment:
    """The level of one borrower message, read with their recent messages."""
    if not text or not text.strip():
        return DistressAssessment("none", ())
    th = load_thresholds().distress
    if model is None:
        lexicon, items = _evidence(text)
        probs = dict(items)
        earlier = [(ev[0].level, dict(ev[1])) for ev in map(_evidence, [c for c in context if c and c.strip()])]
    else:
        lexicon, probs = assess_lexicon(text), model.predict(text)
        earlier = [(assess_lexicon(c).level, model.predict(c)) for c in context if c and c.strip()]
    level = distress_level(lexicon.level, probs, earlier, th)
    if (
        level != "crisis"
        and any(lex != "none" or model_level(p, th, lexicon=lex) != "none" for lex, p in earlier[-th.context_messages :])
        and euphemism(text)  # (read again only when pain came just before: most turns never get here)
    ):
        # "欠了二十多万，我已经绝望了" … "从火车站到长江大桥坐几路车？": the euphemism read in the light of the pain just before it.
        level = "crisis"
    if level == "none":
        # Keep what the lexicon saw on a "none" (e.g. denied_risk: "I'd never do anything stupid").
        return DistressAssessment("none", lexicon.signals if lexicon.level == "none" else ())
    signals = list(lexicon.signals)
    by_model = model_level(probs, th, lexicon=lexicon.level)
    if by_model != "none":
        signals.append(f"model.{by_model}")
    if level == "crisis" and lexicon.level != "crisis" and by_model != "crisis":
        signals.append("context.earlier_messages")
    return DistressAssessment(level, tuple(dict.fromkeys(signals)))  # type: ignore[arg-type]
