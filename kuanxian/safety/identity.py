"""Who is typing: the account holder, or someone else on their phone.

`assess_speaker(text)` flags a message whose writer says or implies they are
not the account holder ("我是他妈妈", "我儿子是不是欠你们钱", "帮他问问",
"他的手机在我这"). The cues in identity.yml and the model trained on the
independent corpus (corpus/identity) each may flag it. A flagged speaker gets
no account detail of any kind and their words change nothing on the account
(kuanxian.hub enforces both).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from kuanxian.latin import ascii_boundaries

from .decision import load_thresholds, speaker_flagged
from .model import LinearModel, load_model
from .text import _table, normalize

__all__ = ["IdentityRulesError", "SpeakerAssessment", "assess_speaker", "identity_rules"]

CUES_PATH = Path(__file__).with_name("identity.yml")
_MACRO = re.compile(r"\{([a-z_]+)\}")


class IdentityRulesError(ValueError):
    """identity.yml is malformed."""


@dataclass(frozen=True)
class SpeakerAssessment:
    """Whether the writer seems to be someone other than the account holder, and why."""

    third_party: bool
    cues: tuple[str, ...] = ()
    probability: float = 0.0
    # Flagged by the model alone, without much certainty: ask who is writing before treating them as someone else.
    unsure: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "third_party": self.third_party,
            "cues": list(self.cues),
            "probability": round(self.probability, 3),
            "unsure": self.unsure,
        }


def _pattern(pattern: str) -> str:
    """A pattern's literal characters normalised like texts (regex syntax untouched)."""
    return ascii_boundaries(unicodedata.normalize("NFKC", pattern).lower().translate(_table()))


def _expand(pattern: str, macros: dict[str, str]) -> str:
    return _MACRO.sub(lambda m: macros[m.group(1)] if m.group(1) in macros else m.group(0), pattern)


@functools.cache
def _cues(path: Path = CUES_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("cues"), dict):
        raise IdentityRulesError(f"{path}: expected a mapping with 'cues'")
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    out = []
    for name, patterns in data["cues"].items():
        if not isinstance(patterns, list) or not patterns:
            raise IdentityRulesError(f"{path}: cues.{name} must be a non-empty list")
        try:
            rx = re.compile("|".join(f"(?:{_pattern(_expand(str(p), macros))})" for p in patterns), re.IGNORECASE)
        except re.error as exc:
            raise IdentityRulesError(f"{path}: cues.{name}: {exc}") from exc
        out.append((str(name), rx))
    return tuple(out)


_lock = threading.Lock()


def identity_rules(text: str) -> tuple[str, ...]:
    """The identity.yml cues found in `text`."""
    with _lock:
        cues = _cues()
    norm = normalize(text)[0]
    return tuple(name for name, rx in cues if rx.search(norm))


def assess_speaker(text: str, *, model: Optional[LinearModel] = None) -> SpeakerAssessment:
    """Cues or the model: is someone other than the account holder writing?"""
    if not text or not text.strip():
        return SpeakerAssessment(False)
    cues = identity_rules(text)
    chosen = model or load_model("identity")
    p = chosen.predict(text)["third_party"]
    thresholds = load_thresholds().identity
    flagged = speaker_flagged(cues, p, thresholds)
    unsure = flagged and not cues and p < thresholds.ask_below
    return SpeakerAssessment(flagged, cues if cues else (("model",) if flagged else ()), p, unsure)
