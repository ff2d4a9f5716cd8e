"""The learned second opinion: linear models over n-grams, run in pure Python.

Weights are trained by `kuanxian.safety.train` (scikit-learn, hub venv) and
exported as plain JSON (`model/guard.json`, `model/distress.json`), so the
models load the same way under numpy 1.23 / scikit-learn 1.1 in the Rasa venv
and current versions in the hub venv: no pickle crosses the boundary.

A document is its feature set (kuanxian.safety.features) with every feature
weighted 1/sqrt(n); the score of class k is bias[k] + sum of the features'
weights, then a sigmoid (two classes) or softmax (more).
"""

from __future__ import annotations

import functools
import json
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from .features import FeatureConfig, featurize

__all__ = ["MODEL_DIR", "Contribution", "LinearModel", "ModelError", "load_model"]

MODEL_DIR = Path(__file__).with_name("model")
FORMAT_VERSION = 1


class ModelError(ValueError):
    """A model file that does not follow the format."""


@dataclass(frozen=True)
class Contribution:
    """One feature's push towards a class: the n-gram as written, and its weight."""

    feature: str
    weight: float

    @property
    def surface(self) -> str:
        """The n-gram without its namespace, pinyin joined by spaces."""
        kind, _, gram = self.feature.partition(":")
        return gram.replace("_", " ") if kind == "p" else gram


@dataclass(frozen=True)
class LinearModel:
    """Multinomial (or binary) logistic regression over feature sets."""

    kind: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    config: FeatureConfig
    corpus_sha256: str
    trained_on: tuple[str, ...] = ()

    @property
    def binary(self) -> bool:
        return len(self.bias) == 1

    def _raw(self, feats: frozenset[str]) -> list[float]:
        scale = 1.0 / math.sqrt(len(feats)) if feats else 0.0
        scores = list(self.bias)
        for f in feats:
            w = self.weights.get(f)
            if w is not None:
                for k, value in enumerate(w):
                    scores[k] += value * scale
        return scores

    def predict(self, text: str) -> dict[str, float]:
        """Probability of each class."""
        raw = self._raw(featurize(text, self.config))
        if self.binary:
            p = _sigmoid(raw[0])
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(raw)
        exps = [math.exp(s - top) for s in raw]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=False)}

    def contributions(self, text: str, label: str, limit: int = 5) -> list[Contribution]:
        """The features that push hardest towards `label` in this text."""
        feats = featurize(text, self.config)
        index = self.classes.index(label)
        scored: list[Contribution] = []
        for f in feats:
            w = self.weights.get(f)
            if w is None:
                continue
            if self.binary:
                value = w[0] if index == 1 else -w[0]
            else:
                value = w[index] - max(v for k, v in enumerate(w) if k != index)
            if value > 0:
                scored.append(Contribution(f, value))
        scored.sort(key=lambda c: (-c.weight, c.feature))
        # Longer n-grams explain better than the 1-grams inside them: drop contained ones.
        chosen: list[Contribution] = []
        for c in scored:
            if any(c.surface in k.surface for k in chosen):
                continue
            chosen.append(c)
            if len(chosen) == limit:
                break
        return chosen

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT_VERSION,
            "kind": self.kind,
            "classes": list(self.classes),
            "bias": list(self.bias),
            "features": self.config.to_dict(),
            "corpus_sha256": self.corpus_sha256,
            "trained_on": list(self.trained_on),
            "weights": {f: list(w) for f, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], where: str = "model") -> LinearModel:
        try:
            if data["format"] != FORMAT_VERSION:
                raise ModelError(f"{where}: format {data['format']!r}, expected {FORMAT_VERSION}")
            # JSON lists; a value that is not iterable raises TypeError, reported as a ModelError.
            classes = tuple(str(c) for c in cast("Iterable[object]", data["classes"]))
            bias = tuple(float(b) for b in cast("Iterable[float]", data["bias"]))
            raw_weights = data["weights"]
            if not isinstance(raw_weights, dict):
                raise ModelError(f"{where}: weights must be an object")
            width = len(bias)
            weights = {str(f): tuple(float(v) for v in w) for f, w in raw_weights.items()}
            if any(len(w) != width for w in weights.values()):
                raise ModelError(f"{where}: every weight needs {width} values")
            if not ((width == 1 and len(classes) == 2) or width == len(classes) > 2):
                raise ModelError(f"{where}: {len(classes)} classes but {width} bias terms")
            return cls(
                kind=str(data["kind"]),
                classes=classes,
                bias=bias,
                weights=weights,
                config=FeatureConfig.from_dict(data["features"]),  # type: ignore[arg-type]
                corpus_sha256=str(data["corpus_sha256"]),
                trained_on=tuple(str(b) for b in cast("Iterable[object]", data.get("trained_on", ()))),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"{where}: {exc}") from exc


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


_lock = threading.Lock()


@functools.cache
def _load(path: Path) -> LinearModel:
    with open(path, encoding="utf-8") as fh:
        return LinearModel.from_json(json.load(fh), str(path))


def load_model(name: str, directory: Path = MODEL_DIR) -> LinearModel:
    """The committed model `name` ("guard", "guard_category", "distress"), loaded once."""
    with _lock:
        return _load(directory / f"{name}.json")


def feature_sets(texts: Sequence[str], config: FeatureConfig) -> list[frozenset[str]]:
    """Feature sets for many texts (training and nearest-line search)."""
    return [featurize(t, config) for t in texts]
