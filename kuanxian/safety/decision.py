"""How rules and learned models are combined: thresholds and pure decision functions.

The thresholds live in decision.yml and were chosen on leave-one-batch-out
figures (kuanxian.safety.evaluate). The functions here take plain evidence
(rule verdicts, model probabilities), so the product and the evaluation make
the same decision from the same inputs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

__all__ = [
    "LEVEL_ORDER",
    "DistressThresholds",
    "GuardThresholds",
    "IdentityThresholds",
    "Thresholds",
    "distress_level",
    "load_thresholds",
    "model_level",
    "pressure_blocked",
    "speaker_flagged",
]

DECISION_PATH = Path(__file__).with_name("decision.yml")
LEVEL_ORDER = {"none": 0, "distress": 1, "crisis": 2}


@dataclass(frozen=True)
class GuardThresholds:
    block_at: float = 0.5
    block_exempted_at: float = 0.8
    # A rule block stands unless the model, which has seen the rule's verdict
    # among its features, puts P(pressure) below this.
    rule_veto_below: float = 0.0


@dataclass(frozen=True)
class DistressThresholds:
    # Crisis from the model when something corroborates it (the lexicon saw distress
    # or crisis, or the model itself leans distressed: P(crisis)+P(distress) >= raise_at).
    crisis_at: float = 0.3
    raise_at: float = 0.5
    context_crisis_at: float = 0.15
    context_messages: int = 3
    # The lexicon's level stands unless the model (which saw the lexicon's
    # evidence) puts P(none) at or above these; a crisis word needs more.
    lexicon_distress_veto_at: float = 1.01
    lexicon_crisis_veto_at: float = 1.01
    # Crisis from the model when nothing corroborates it: an everyday question that merely
    # resembles a practical crisis question ("关了以后还能查吗") needs more (None = crisis_at).
    crisis_alone_at: Optional[float] = None


@dataclass(frozen=True)
class IdentityThresholds:
    # The model alone (no identity.yml cue) flags someone else at this probability.
    third_party_at: float = 0.5
    # Cues that borrowers also use about themselves ("我老婆不知道我借了钱") need the model too.
    weak_cues: tuple[str, ...] = ()
    weak_cue_at: float = 0.5
    # A flag from the model alone below this is a doubt, not a finding: the assistant asks whether
    # the writer is the account holder instead of shutting the holder out (0 = never ask).
    ask_below: float = 0.0


@dataclass(frozen=True)
class Thresholds:
    guard: GuardThresholds
    distress: DistressThresholds
    identity: IdentityThresholds


def _probability(section: Mapping[str, object], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.01:
        raise ValueError(f"decision.yml: {key} must be a probability in [0, 1], got {value!r}")
    return float(value)


@functools.cache
def load_thresholds(path: Path = DECISION_PATH) -> Thresholds:
    """decision.yml, read once."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    guard = data.get("guard") or {}
    distress = data.get("distress") or {}
    identity = data.get("identity") or {}
    if not all(isinstance(x, dict) for x in (guard, distress, identity)):
        raise ValueError("decision.yml: guard, distress and identity must be mappings")
    count = distress.get("context_messages", 3)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10:
        raise ValueError("decision.yml: context_messages must be a whole number from 0 to 10")
    return Thresholds(
        guard=GuardThresholds(
            block_at=_probability(guard, "block_at", 0.5),
            block_exempted_at=_probability(guard, "block_exempted_at", 0.8),
            rule_veto_below=_probability(guard, "rule_veto_below", 0.0),
        ),
        distress=DistressThresholds(
            crisis_at=_probability(distress, "crisis_at", 0.3),
            raise_at=_probability(distress, "raise_at", 0.5),
            context_crisis_at=_probability(distress, "context_crisis_at", 0.15),
            context_messages=count,
            lexicon_distress_veto_at=_probability(distress, "lexicon_distress_veto_at", 1.01),
            lexicon_crisis_veto_at=_probability(distress, "lexicon_crisis_veto_at", 1.01),
            crisis_alone_at=_probability(distress, "crisis_alone_at", 0.0) if "crisis_alone_at" in distress else None,
        ),
        identity=IdentityThresholds(
            third_party_at=_probability(identity, "third_party_at", 0.5),
            weak_cues=tuple(str(c) for c in identity.get("weak_cues") or ()),
            weak_cue_at=_probability(identity, "weak_cue_at", 0.5),
            ask_below=_probability(identity, "ask_below", 0.0),
        ),
    )


def speaker_flagged(cues: Sequence[str], p_third_party: float, th: IdentityThresholds) -> bool:
    """Someone other than the account holder: a strong cue, a weak cue the model backs, or the model alone."""
    if any(cue not in th.weak_cues for cue in cues):
        return True
    if cues and p_third_party >= th.weak_cue_at:
        return True
    return p_third_party >= th.third_party_at


def pressure_blocked(rules_block: bool, exempted: bool, p_pressure: float, th: GuardThresholds) -> bool:
    """Block when a rule blocks, or the model is sure enough.

    A rule match cancelled by an exemption (promise, warning, the borrower's
    choice) raises the bar the model must clear.
    """
    if rules_block and p_pressure >= th.rule_veto_below:
        return True
    return p_pressure >= (th.block_exempted_at if exempted else th.block_at)


def model_level(probs: Mapping[str, float], th: DistressThresholds, *, crisis_at: float | None = None, lexicon: str = "none") -> str:
    """The model's level from its probabilities (and whether the lexicon saw anything)."""
    crisis = probs.get("crisis", 0.0)
    raised = crisis + probs.get("distress", 0.0) >= th.raise_at
    if crisis_at is None:
        alone = th.crisis_at if th.crisis_alone_at is None else max(th.crisis_at, th.crisis_alone_at)
        crisis_at = th.crisis_at if (raised or lexicon != "none") else alone
    if crisis >= crisis_at:
        return "crisis"
    if raised or crisis >= th.crisis_at:
        # A crisis reading nothing corroborates is still a sign: distress (a kind word, a person offered).
        return "distress"
    return "none"


def _lexicon_stands(lexicon: str, probs: Mapping[str, float], th: DistressThresholds) -> str:
    """The lexicon's level, unless the model (which saw the lexicon's evidence) is sure it's none."""
    veto = th.lexicon_crisis_veto_at if lexicon == "crisis" else th.lexicon_distress_veto_at
    return "none" if lexicon != "none" and probs.get("none", 0.0) >= veto else lexicon


def _max_level(*levels: str) -> str:
    return max(levels, key=lambda lvl: LEVEL_ORDER[lvl])


def distress_level(
    lexicon: str,
    probs: Mapping[str, float],
    context: Sequence[tuple[str, Mapping[str, float]]],
    th: DistressThresholds,
) -> str:
    """Combine the lexicon, the model and the borrower's recent messages.

    `context` holds (lexicon level, model probabilities) for earlier messages,
    oldest first; only the last `context_messages` count. When in doubt it is
    crisis: either half alone can raise the level, neither can lower it.
    """
    recent = context[-th.context_messages :] if th.context_messages else ()
    earlier = [_max_level(_lexicon_stands(lex, p, th), model_level(p, th, lexicon=lex)) for lex, p in recent]
    level = _max_level(_lexicon_stands(lexicon, probs, th), model_level(probs, th, lexicon=lexicon))
    if level != "crisis" and "crisis" in earlier:
        # Still at risk: a practical question right after a crisis message is not a change of heart.
        return "crisis"
    if level != "crisis" and "distress" in earlier and probs.get("crisis", 0.0) >= th.context_crisis_at:
        level = "crisis"
    return level
