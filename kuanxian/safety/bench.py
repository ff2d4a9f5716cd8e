"""Benchmark of the safety checks: `python -m kuanxian.safety.bench`.

Times the guard, the distress detector and the speaker check over the corpus
lines, with every per-text cache cleared between passes so each call pays for
normalisation, features and both models. Prints mean, p95 and max
microseconds per message, and the resident size of the loaded models.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from . import distress as distress_module
from .corpus import load_batches
from .distress import assess_distress
from .guard import review_message
from .identity import assess_speaker


def _clear_caches() -> None:
    distress_module._evidence.cache_clear()


def measure(fn: Callable[[str], object], texts: Sequence[str], rounds: int) -> tuple[float, float, float]:
    """(mean, p95, max) microseconds per uncached call, after one warm-up pass."""
    for text in texts:
        fn(text)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        _clear_caches()
        for text in texts:
            start = clock()
            fn(text)
            samples.append((clock() - start) / 1000.0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.fmean(samples), p95, samples[-1]


def _distress_call(text: str) -> object:
    _clear_caches()
    return assess_distress(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Print one timing line per check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    checks: tuple[tuple[str, Callable[[str], object], str], ...] = (
        ("guard.review_message", review_message, "guard"),
        ("distress.assess_distress", _distress_call, "distress"),
        ("identity.assess_speaker", assess_speaker, "identity"),
    )
    for name, fn, kind in checks:
        texts = [line.last for batch in load_batches(kind) for line in batch.lines]  # type: ignore[arg-type]
        mean, p95, worst = measure(fn, texts, args.rounds)
        print(f"{name}: {len(texts)} messages x {args.rounds}, mean {mean:.0f} µs, p95 {p95:.0f} µs, max {worst:.0f} µs")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"safety models resident: +{(rss_after - rss_before) / 1024:.0f} MiB (peak RSS {rss_after / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
