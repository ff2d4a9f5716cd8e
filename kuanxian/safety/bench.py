"""Micro-benchmark: `python -m kuanxian.safety.bench`.

Times review_message and assess_distress over the labelled TSV sets in
tests/unit/safety/data (or the rule examples when the sets are not there)
and prints mean and p95 microseconds per message.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .distress import assess_distress
from .guard import review_message
from .rules import load_rules

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "unit" / "safety" / "data"


def _read_tsv(path: Path) -> list[str]:
    """First column of a TSV file, skipping blank and # lines."""
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            texts.append(line.rsplit("\t", 1)[0])
    return texts


def _guard_texts() -> list[str]:
    files = [DATA_DIR / "guard_pressure.tsv", DATA_DIR / "guard_fair.tsv"]
    if all(f.exists() for f in files):
        return [t for f in files for t in _read_tsv(f)]
    return [e for r in load_rules() for e in r.positive_examples + r.negative_examples]


def _distress_texts() -> list[str]:
    path = DATA_DIR / "distress.tsv"
    return _read_tsv(path) if path.exists() else ["我不想活了", "累死了", "我想分期", "崩溃了"]


def measure(fn: Callable[[str], Any], texts: Sequence[str], rounds: int = 5) -> tuple[float, float]:
    """(mean µs, p95 µs) per call over `rounds` passes, after one warm-up pass."""
    for t in texts:
        fn(t)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for t in texts:
            t0 = clock()
            fn(t)
            samples.append((clock() - t0) / 1000.0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.fmean(samples), p95


def main(argv: Sequence[str] | None = None) -> int:
    """Print timing lines for the guard and the distress detector."""
    del argv
    for name, fn, texts in (
        ("review_message", review_message, _guard_texts()),
        ("assess_distress", assess_distress, _distress_texts()),
    ):
        mean, p95 = measure(fn, texts)
        print(f"{name}: {len(texts)} messages, mean {mean:.1f} µs, p95 {p95:.1f} µs per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
