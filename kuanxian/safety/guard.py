"""The pressure guard: rules and a learned second opinion, decided together.

`review_message(text)` is what every outgoing text passes (the hub is the
final choke point). It blocks when a rule in rules.yml blocks, or when the
model trained on the independent corpus is sure enough (decision.yml). A rule
match cancelled by a promise, a warning about someone else or the borrower's
own choice needs more certainty from the model to be overruled.

Every verdict explains itself: a rule violation carries its rule, reason and
fair alternative; a model violation names the category, the probability and
the n-grams that drove it. `explain(text)` adds the nearest corpus lines for
people reviewing a block.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from .corpus import CorpusLine, load_batches
from .decision import load_thresholds, pressure_blocked
from .features import char_grams
from .model import LinearModel, load_model
from .rules import Review, Violation, category_info, review_rules
from .text import normalize, normalized

__all__ = ["MODEL_RULE_ID", "Explanation", "NearLine", "explain", "review_message"]

MODEL_RULE_ID = "model.pressure"


def _models() -> tuple[LinearModel, LinearModel]:
    return load_model("guard"), load_model("guard_category")


def review_message(text: str, *, model: Optional[LinearModel] = None) -> Review:
    """The guard's verdict on one outgoing message (rules, then the model)."""
    rules = review_rules(text)
    if not text or not text.strip():
        return rules
    guard_model, category_model = _models() if model is None else (model, load_model("guard_category"))
    p = guard_model.predict(text)["pressure"]
    blocked = pressure_blocked(not rules.allowed, bool(rules.exempted), p, load_thresholds().guard)
    if not rules.allowed:
        # The same decision the evaluation scores: a rule block stands unless the
        # model, which saw that verdict among its features, is sure it is fair.
        if blocked:
            return rules
        return Review(allowed=True, violations=[], exempted=rules.exempted + rules.rule_ids)
    if not blocked:
        return rules
    return Review(allowed=False, violations=[_model_violation(text, p, guard_model, category_model)], exempted=rules.exempted)


def _model_violation(text: str, p: float, guard_model: LinearModel, category_model: LinearModel) -> Violation:
    categories = category_model.predict(text)
    category = max(categories, key=lambda c: categories[c])
    info = category_info(category)
    top = guard_model.contributions(text, "pressure", limit=3)
    grams = [c.surface for c in top]
    span = _locate(text, grams[0]) if grams else (0, len(text))
    cues = "、".join(f"“{g}”" for g in grams)
    return Violation(
        rule_id=MODEL_RULE_ID,
        category=category,
        span=span,
        matched=text[span[0] : span[1]],
        explanation=f"模型判断这条消息很可能属于“{info.name_zh}”（把握{p:.0%}），主要依据：{cues}。{info.explanation_zh}",
        suggestion=info.suggestion_zh,
        source=f"learned model trained on the independent corpus (P(pressure)={p:.2f})",
    )


def _locate(text: str, gram: str) -> tuple[int, int]:
    """Where an n-gram (in normalised form) sits in the original text; the whole text if not found."""
    norm, index = normalize(text)
    at = norm.find(gram)
    if at < 0 or not gram:
        return 0, len(text)
    return index[at], index[at + len(gram) - 1] + 1


@dataclass(frozen=True)
class NearLine:
    """A corpus line like the reviewed text, with its label and provenance."""

    text: str
    label: str
    category: str
    batch: str
    similarity: float

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "label": self.label,
            "category": self.category,
            "batch": self.batch,
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True)
class Explanation:
    """Why the guard decided what it did, for collectors and trainers."""

    review: Review
    p_pressure: float
    nearest: tuple[NearLine, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            **self.review.to_dict(),
            "model": {"p_pressure": round(self.p_pressure, 3)},
            "nearest": [n.to_dict() for n in self.nearest],
        }


def _grams(text: str) -> frozenset[str]:
    """What `nearest_lines` compares: character 1- to 3-grams of the normalised text.

    Lighter than the model's features (no pinyin, no rule evidence): the index
    over every guard corpus line is built in about a second, not ten.
    """
    return frozenset(char_grams(" ".join(normalized(text).split()), 1, 3))


@functools.cache
def _corpus_index() -> tuple[tuple[CorpusLine, frozenset[str]], ...]:
    return tuple((line, _grams(line.text)) for b in load_batches("guard") for line in b.lines)


def nearest_lines(text: str, limit: int = 3) -> tuple[NearLine, ...]:
    """The corpus lines most like `text` (cosine over character n-gram sets)."""
    query = _grams(text)
    if not query:
        return ()
    scored = []
    for line, feats in _corpus_index():
        overlap = len(query & feats)
        if overlap:
            scored.append((overlap / ((len(query) * len(feats)) ** 0.5), line, feats))
    scored.sort(key=lambda x: (-x[0], x[1].batch, x[1].line))
    nearest: list[NearLine] = []
    seen: set[frozenset[str]] = set()
    for similarity, near, feats in scored:
        if feats in seen:
            continue  # the same words written by another batch (or in traditional characters) say nothing new
        seen.add(feats)
        nearest.append(NearLine(near.text, near.label, near.category, near.batch, similarity))
        if len(nearest) == limit:
            break
    return tuple(nearest)


def explain(text: str) -> Explanation:
    """The verdict with the model's probability and the nearest corpus lines (slower; for people)."""
    return Explanation(review_message(text), load_model("guard").predict(text)["pressure"], nearest_lines(text))
