"""Train the safety models from the corpus: `make safety-train`.

    .venv/bin/python -m kuanxian.safety.train [--check]

Writes model/guard.json (pressure vs fair), model/guard_category.json (which
kind of pressure, for explanations and reports), model/distress.json
(crisis / distress / none) and model/identity.json (third_party vs borrower). Training is deterministic: the corpus is read in
file order, the vocabulary is sorted, and L-BFGS has no random state. Needs
scikit-learn (hub venv only); the output is plain JSON.

`--check` retrains in memory and fails if the committed files differ.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .corpus import CORPUS_DIR, CorpusLine, Kind, corpus_digest, load_batches
from .features import DEFAULT_CONFIG, FeatureConfig, featurize
from .model import MODEL_DIR, LinearModel

__all__ = ["HYPERPARAMETERS", "TrainConfig", "fit", "main", "train_all", "training_lines"]


@dataclass(frozen=True)
class TrainConfig:
    """Regularisation and pruning for one model."""

    c: float
    min_df: int = 2
    prune_below: float = 1e-4
    digits: int = 5
    # "balanced" weighs every class equally; None keeps the corpus's own proportions.
    class_weight: Optional[str] = "balanced"
    # Single characters and syllables enter the fit at this fraction of their value, which is an L2 penalty
    # 1/scale² times stronger on their weights; the exported weights are multiplied back, so inference is unchanged.
    unigram_scale: float = 1.0


# Chosen by leave-one-batch-out evaluation (`make safety-eval`, docs/safety.md).
HYPERPARAMETERS: dict[str, TrainConfig] = {
    "guard": TrainConfig(c=128.0),
    "guard_category": TrainConfig(c=8.0),
    # The corpus's own class proportions (mostly none), not "balanced": leave-one-batch-out over 22 distress
    # batches, at the same crisis recall (0.958) harmless lines raised fall from 0.123 to 0.096 and called
    # crisis from 0.073 to 0.065 (docs/safety.md); the thresholds in decision.yml were re-chosen with it.
    "distress": TrainConfig(c=32.0, class_weight=None),
    "identity": TrainConfig(c=32.0),
}

# Each model's features: n-grams plus the evidence of its hand-written half.
FEATURES: dict[str, FeatureConfig] = {
    "guard": FeatureConfig(evidence="rules"),
    "guard_category": FeatureConfig(),
    # Without single pinyin syllables ("le", "na", "jiu" carried everyday questions towards crisis): leave-one-batch-out
    # over 27 batches, single messages, at crisis_at 0.15 crisis recall 0.957 (0.956 with them) and harmless lines
    # called crisis 0.050 (0.054); the same at every threshold from 0.1 to 0.3.
    "distress": FeatureConfig(evidence="lexicon", pinyin_min=2),
    "identity": FeatureConfig(evidence="identity"),
}

_SAFETY_DIR = CORPUS_DIR.parent
# Hand-written files whose verdicts are model features, and the code that turns text into features (paths relative
# to kuanxian/safety; kuanxian/latin.py turns the `\b` of their English patterns into English word boundaries).
INPUT_FILES: dict[str, tuple[str, ...]] = {
    "guard": ("rules.yml", "rules.py", "rulebook.py", "features.py", "text.py", "evidence.py", "../latin.py"),
    "distress": ("distress.yml", "lexicon.py", "features.py", "text.py", "evidence.py", "../latin.py"),
    "identity": ("identity.yml", "identity.py", "features.py", "text.py", "evidence.py", "../latin.py"),
}


def inputs_digest(kind: Kind) -> str:
    """SHA-256 over the corpus of `kind` and the files its features depend on."""
    import hashlib

    digest = hashlib.sha256(corpus_digest(kind).encode())
    for name in INPUT_FILES[kind]:
        digest.update(name.encode() + b"\0" + (_SAFETY_DIR / name).read_bytes().replace(b"\r\n", b"\n"))
    for table in ("t2s.txt", "pinyin.txt"):
        digest.update((_SAFETY_DIR / "data" / table).read_bytes())
    return digest.hexdigest()


def training_lines(kind: Kind, lines: Sequence[CorpusLine]) -> list[CorpusLine]:
    """What a single-message model learns from: sequences are left to the context rule,
    because their last message alone is often innocent on purpose."""
    if kind == "distress":
        return [line for line in lines if not line.context]
    return list(lines)


def fit(
    name: str,
    texts: Sequence[str],
    labels: Sequence[str],
    classes: Sequence[str],
    *,
    config: TrainConfig,
    features: FeatureConfig = DEFAULT_CONFIG,
    corpus_sha256: str = "",
    trained_on: Sequence[str] = (),
) -> LinearModel:
    """Fit a logistic regression on feature sets and export it as a LinearModel."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    sets = [featurize(t, features) for t in texts]
    df: dict[str, int] = {}
    for s in sets:
        for f in s:
            df[f] = df.get(f, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= config.min_df)
    column = {f: i for i, f in enumerate(vocab)}
    feature_scale = [config.unigram_scale if _is_unigram(f) else 1.0 for f in vocab]
    rows, cols, vals = [], [], []
    for r, s in enumerate(sets):
        scale = 1.0 / math.sqrt(len(s)) if s else 0.0
        for f in sorted(s):
            c = column.get(f)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(scale * feature_scale[c])
    x = csr_matrix((vals, (rows, cols)), shape=(len(sets), len(vocab)), dtype=np.float64)
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in labels])
    clf = LogisticRegression(C=config.c, class_weight=config.class_weight, max_iter=5000, solver="lbfgs", tol=1e-6)
    clf.fit(x, y)
    coef = clf.coef_  # (1, n) for two classes, (k, n) otherwise
    present = [int(c) for c in clf.classes_]
    if len(classes) > 2 and present != list(range(len(classes))):
        raise ValueError(f"{name}: every class needs training examples, got {present}")
    weights: dict[str, tuple[float, ...]] = {}
    for j, f in enumerate(vocab):
        w = tuple(round(float(coef[k, j]) * feature_scale[j], config.digits) for k in range(coef.shape[0]))
        if max(abs(v) for v in w) >= config.prune_below:
            weights[f] = w
    bias = tuple(round(float(b), config.digits) for b in clf.intercept_)
    return LinearModel(
        kind=name,
        classes=tuple(classes),
        bias=bias,
        weights=weights,
        config=features,
        corpus_sha256=corpus_sha256,
        trained_on=tuple(trained_on),
    )


def _is_unigram(feature: str) -> bool:
    """A single character ("c:就") or a single syllable ("p:jiu")."""
    kind, _, gram = feature.partition(":")
    return (kind == "c" and len(gram) == 1) or (kind == "p" and "_" not in gram)


CLASSES: dict[str, tuple[str, ...]] = {
    "guard": ("fair", "pressure"),
    "distress": ("none", "distress", "crisis"),
    "identity": ("borrower", "third_party"),
}


def fit_kind(name: str, lines: Sequence[CorpusLine], *, digest: str = "", batches: Sequence[str] = ()) -> LinearModel:
    """Train model `name` ("guard", "guard_category", "distress", "identity") on corpus lines."""
    kind: Kind = "guard" if name.startswith("guard") else name  # type: ignore[assignment]
    chosen = training_lines(kind, lines)
    if name == "guard_category":
        chosen = [line for line in chosen if line.label == "pressure"]
        labels, classes = [line.category for line in chosen], tuple(sorted({line.category for line in chosen}))
    else:
        labels, classes = [line.label for line in chosen], CLASSES[kind]
    return fit(
        name,
        [line.last for line in chosen],
        labels,
        classes,
        config=HYPERPARAMETERS[name],
        features=FEATURES[name],
        corpus_sha256=digest,
        trained_on=batches,
    )


def _models_for(kind: Kind, lines: Sequence[CorpusLine], digest: str, batches: Sequence[str]) -> dict[str, LinearModel]:
    names = ("guard", "guard_category") if kind == "guard" else (kind,)
    return {name: fit_kind(name, lines, digest=digest, batches=batches) for name in names}


def train_all() -> dict[str, LinearModel]:
    """Every model, trained on the whole corpus."""
    models: dict[str, LinearModel] = {}
    for kind in ("guard", "distress", "identity"):
        batches = load_batches(kind)  # type: ignore[arg-type]
        lines = [line for b in batches for line in b.lines]
        models.update(_models_for(kind, lines, inputs_digest(kind), [b.name for b in batches]))  # type: ignore[arg-type]
    return models


# L-BFGS on another machine (another BLAS, another thread count) can land a last rounded digit apart.
WEIGHT_TOLERANCE = 5e-5


def same_model(committed: dict[str, object], trained: dict[str, object]) -> bool:
    """The committed model is what the corpus trains: same inputs and settings, weights equal to the last digits."""
    for key in set(committed) | set(trained):
        if key in ("weights", "bias"):
            continue
        if committed.get(key) != trained.get(key):
            return False
    if not _close([committed.get("bias")], [trained.get("bias")]):
        return False
    a, b = committed.get("weights"), trained.get("weights")
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    return all(_close([a.get(f)], [b.get(f)]) for f in set(a) | set(b))


def _close(xs: list[object], ys: list[object]) -> bool:
    for x, y in zip(xs, ys, strict=True):
        x_vals = list(x) if isinstance(x, list | tuple) else []
        y_vals = list(y) if isinstance(y, list | tuple) else []
        width = max(len(x_vals), len(y_vals))
        x_vals += [0.0] * (width - len(x_vals))
        y_vals += [0.0] * (width - len(y_vals))
        if any(abs(float(p) - float(q)) > WEIGHT_TOLERANCE for p, q in zip(x_vals, y_vals, strict=True)):
            return False
    return True


def _serialise(model: LinearModel) -> str:
    return json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kuanxian.safety.train", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed models are not what the corpus trains")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    models = train_all()
    stale = []
    for name, model in models.items():
        path = args.out / f"{name}.json"
        text = _serialise(model)
        if args.check:
            if not path.exists() or not same_model(json.loads(path.read_text(encoding="utf-8")), model.to_json()):
                stale.append(path.name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {len(model.weights)} features, classes {', '.join(model.classes)}")
    elapsed = time.perf_counter() - started
    if stale:
        print(f"stale model files (run `make safety-train`): {', '.join(stale)}", file=sys.stderr)
        return 1
    print(f"trained in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
