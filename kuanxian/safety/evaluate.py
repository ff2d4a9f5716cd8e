"""Leave-one-batch-out evaluation of the safety layer: `make safety-eval`.

For every batch, the models are trained on all the other batches and the held-
out batch is scored, so every figure is on wording the model never saw. The
rules and the lexicon are not trained, but they were written by this project;
the figures for them on a batch are only honest for batches that were not
looked at while writing them (docs/safety.md records which).

Printed per batch, per category and overall: rules alone, model alone, and the
combination the product uses (kuanxian.safety.decision), at the thresholds in
decision.yml. `--sweep` also prints the trade-off at other thresholds, which
is how those thresholds were chosen.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .corpus import Batch, CorpusLine, load_batches
from .decision import (
    DistressThresholds,
    GuardThresholds,
    IdentityThresholds,
    Thresholds,
    distress_level,
    load_thresholds,
    pressure_blocked,
    speaker_flagged,
)
from .identity import identity_rules
from .lexicon import assess_lexicon
from .rules import review_rules
from .train import fit_kind

__all__ = ["DistressScore", "GuardScore", "lobo_distress", "lobo_guard", "main"]


# Batches written by the project itself (n01: its NLU examples) train the models but are
# reported on their own, never in the ALL figures, which are the independent writers'.
def independent(line: CorpusLine) -> bool:
    return not line.batch.startswith("n")


@dataclass(frozen=True)
class GuardScore:
    """One line's out-of-fold evidence."""

    line: CorpusLine
    rules_block: bool
    exempted: bool
    p_pressure: float


@dataclass(frozen=True)
class IdentityScore:
    line: CorpusLine
    cues: tuple[str, ...]
    p_third_party: float


@dataclass(frozen=True)
class DistressScore:
    line: CorpusLine
    lexicon: str
    probs: dict[str, float]
    context: tuple[tuple[str, dict[str, float]], ...]


def _held_out(batches: Sequence[Batch]) -> Iterable[tuple[Batch, list[CorpusLine]]]:
    for held in batches:
        yield held, [line for b in batches if b.name != held.name for line in b.lines]


def lobo_guard(batches: Sequence[Batch]) -> list[GuardScore]:
    scores: list[GuardScore] = []
    for held, rest in _held_out(batches):
        model = fit_kind("guard", rest)
        for line in held.lines:
            review = review_rules(line.text)
            scores.append(GuardScore(line, not review.allowed, bool(review.exempted), model.predict(line.text)["pressure"]))
    return scores


def lobo_distress(batches: Sequence[Batch]) -> list[DistressScore]:
    scores: list[DistressScore] = []
    for held, rest in _held_out(batches):
        model = fit_kind("distress", rest)
        for line in held.lines:
            context = tuple((assess_lexicon(m).level, model.predict(m)) for m in line.context)
            scores.append(DistressScore(line, assess_lexicon(line.last).level, model.predict(line.last), context))
    return scores


def lobo_identity(batches: Sequence[Batch]) -> list[IdentityScore]:
    scores: list[IdentityScore] = []
    for held, rest in _held_out(batches):
        model = fit_kind("identity", rest)
        for line in held.lines:
            scores.append(IdentityScore(line, identity_rules(line.text), model.predict(line.text)["third_party"]))
    return scores


# ------------------------------------------------------------------ tables --


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "-"


def guard_table(scores: Sequence[GuardScore], th: GuardThresholds, by: Callable[[CorpusLine], str]) -> list[str]:
    groups: dict[str, list[GuardScore]] = defaultdict(list)
    for s in scores:
        groups[by(s.line)].append(s)
    rows = [f"{'group':<28} {'n':>5}  {'rules':>17}  {'model':>17}  {'combined':>17}"]
    for name in [*sorted(groups), "ALL"]:
        group = [s for s in scores if independent(s.line)] if name == "ALL" else groups[name]
        for label, verb in (("pressure", "blocked"), ("fair", "blocked")):
            items = [s for s in group if s.line.label == label]
            if not items:
                continue
            rules = sum(s.rules_block for s in items)
            model = sum(s.p_pressure >= th.block_at for s in items)
            both = sum(pressure_blocked(s.rules_block, s.exempted, s.p_pressure, th) for s in items)
            n = len(items)
            rows.append(f"{name + ' ' + label + ' ' + verb:<28} {n:>5}  {_rate(rules, n):>17}  {_rate(model, n):>17}  {_rate(both, n):>17}")
    return rows


def _levels(s: DistressScore, th: DistressThresholds) -> tuple[str, str, str]:
    """(lexicon alone, model alone, combined) for one line."""
    combined = distress_level(s.lexicon, s.probs, s.context, th)
    model_only = distress_level("none", s.probs, tuple(("none", p) for _, p in s.context), th)
    return s.lexicon, model_only, combined


def distress_table(scores: Sequence[DistressScore], th: DistressThresholds, by: Callable[[CorpusLine], str]) -> list[str]:
    groups: dict[str, list[DistressScore]] = defaultdict(list)
    for s in scores:
        groups[by(s.line)].append(s)
    rows = [f"{'group':<34} {'n':>5}  {'lexicon':>17}  {'model':>17}  {'combined':>17}"]
    checks: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
        ("crisis", "called crisis", lambda lvl: lvl == "crisis"),
        ("distress", "raised", lambda lvl: lvl != "none"),
        ("none", "raised", lambda lvl: lvl != "none"),
        ("none", "called crisis", lambda lvl: lvl == "crisis"),
    )
    for name in [*sorted(groups), "ALL"]:
        group = [s for s in scores if independent(s.line)] if name == "ALL" else groups[name]
        levels = [(s, _levels(s, th)) for s in group]
        for label, what, test in checks:
            items = [lv for s, lv in levels if s.line.label == label]
            if not items:
                continue
            n = len(items)
            cells = [_rate(sum(test(lv[k]) for lv in items), n) for k in range(3)]
            rows.append(f"{name + ' ' + label + ' ' + what:<34} {n:>5}  {cells[0]:>17}  {cells[1]:>17}  {cells[2]:>17}")
    return rows


def identity_table(scores: Sequence[IdentityScore], th: IdentityThresholds, by: Callable[[CorpusLine], str]) -> list[str]:
    at = th.third_party_at
    groups: dict[str, list[IdentityScore]] = defaultdict(list)
    for s in scores:
        groups[by(s.line)].append(s)
    rows = [f"{'group':<34} {'n':>5}  {'cues':>17}  {'model':>17}  {'combined':>17}"]
    for name in [*sorted(groups), "ALL"]:
        group = [s for s in scores if independent(s.line)] if name == "ALL" else groups[name]
        for label in ("third_party", "borrower"):
            items = [s for s in group if s.line.label == label]
            if not items:
                continue
            n = len(items)
            cues = sum(bool(s.cues) for s in items)
            model = sum(s.p_third_party >= at for s in items)
            both = sum(speaker_flagged(s.cues, s.p_third_party, th) for s in items)
            rows.append(f"{name + ' ' + label + ' flagged':<34} {n:>5}  {_rate(cues, n):>17}  {_rate(model, n):>17}  {_rate(both, n):>17}")
    return rows


def guard_sweep(scores: Sequence[GuardScore], th: GuardThresholds) -> list[str]:
    rows = ["block_at  rule_veto_below  pressure_blocked  fair_blocked  (combined)"]
    p = [s for s in scores if s.line.label == "pressure" and independent(s.line)]
    f = [s for s in scores if s.line.label == "fair" and independent(s.line)]
    for veto in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
        for t in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
            trial = replace(th, block_at=t, rule_veto_below=veto)
            pb = sum(pressure_blocked(s.rules_block, s.exempted, s.p_pressure, trial) for s in p) / len(p)
            fb = sum(pressure_blocked(s.rules_block, s.exempted, s.p_pressure, trial) for s in f) / len(f)
            rows.append(f"{t:<9} {veto:<16} {pb:<17.3f} {fb:.3f}")
    return rows


def distress_sweep(scores: Sequence[DistressScore], th: DistressThresholds) -> list[str]:
    rows = ["crisis_at raise_at lex_veto  crisis_recall distress_raised none_raised none_crisis (combined)"]
    for crisis_at, raise_at, veto in itertools.product((0.1, 0.12, 0.15, 0.2, 0.25, 0.3), (0.4, 0.5, 0.6), (1.01, 0.8)):
        if True:
            trial = replace(th, crisis_at=crisis_at, raise_at=raise_at, lexicon_distress_veto_at=veto)
            lv = [(s.line.label, distress_level(s.lexicon, s.probs, s.context, trial)) for s in scores if independent(s.line)]
            c = [lvl for lab, lvl in lv if lab == "crisis"]
            d = [lvl for lab, lvl in lv if lab == "distress"]
            n = [lvl for lab, lvl in lv if lab == "none"]
            rows.append(
                f"{crisis_at:<9} {raise_at:<8} {veto:<9} {sum(x == 'crisis' for x in c) / len(c):<13.3f} "
                f"{sum(x != 'none' for x in d) / len(d):<15.3f} {sum(x != 'none' for x in n) / len(n):<11.3f} "
                f"{sum(x == 'crisis' for x in n)}"
            )
    return rows


def _holdout_kind(path: Path) -> str:
    for kind in ("guard", "distress", "identity"):
        if kind in path.parent.name or path.name.startswith(kind[0]):
            return kind
    raise SystemExit(f"{path}: cannot tell its kind from its folder or name")


def _score_holdouts(paths: Sequence[Path], thresholds: Thresholds) -> int:
    """Score held-out batches with the committed (full-corpus) models."""
    from .corpus import parse_batch
    from .model import load_model

    for path in paths:
        kind = _holdout_kind(path)
        batch = parse_batch(path, kind)  # type: ignore[arg-type]
        print(f"\n== held-out {path} ({kind}, {len(batch.lines)} lines), committed models ==")
        if kind == "guard":
            model = load_model("guard")
            gs = []
            for line in batch.lines:
                review = review_rules(line.text)
                gs.append(GuardScore(line, not review.allowed, bool(review.exempted), model.predict(line.text)["pressure"]))
            for by in (lambda line: line.batch, lambda line: line.category):
                print("\n".join(guard_table(gs, thresholds.guard, by)))
        elif kind == "distress":
            model = load_model("distress")
            ds = []
            for line in batch.lines:
                context = tuple((assess_lexicon(m).level, model.predict(m)) for m in line.context)
                ds.append(DistressScore(line, assess_lexicon(line.last).level, model.predict(line.last), context))
            for by in (lambda line: line.batch, lambda line: line.category):
                print("\n".join(distress_table(ds, thresholds.distress, by)))
        else:
            model = load_model("identity")
            ids = [IdentityScore(line, identity_rules(line.text), model.predict(line.text)["third_party"]) for line in batch.lines]
            for by in (lambda line: line.batch, lambda line: line.category):
                print("\n".join(identity_table(ids, thresholds.identity, by)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kuanxian.safety.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also print the threshold trade-offs")
    parser.add_argument("--kind", choices=("guard", "distress", "identity", "all"), default="all")
    parser.add_argument("--dump", type=Path, help="write every out-of-fold score as JSON lines (for error analysis)")
    parser.add_argument(
        "--holdout",
        type=Path,
        action="append",
        default=[],
        help="score a batch file the project never trained or tuned on, with the committed models "
        "(its kind is taken from its parent folder or name: guard, distress, identity)",
    )
    args = parser.parse_args(argv)
    thresholds = load_thresholds()
    if args.holdout:
        return _score_holdouts(args.holdout, thresholds)
    dump: list[dict[str, object]] = []
    if args.kind in ("guard", "all"):
        batches = load_batches("guard")
        scores = lobo_guard(batches)
        print(f"\n== Pressure guard, leave-one-batch-out over {len(batches)} batches ({len(scores)} lines) ==")
        print(f"block when: a rule blocks, or the model's P(pressure) >= {thresholds.guard.block_at}")
        for title, by in (
            ("per batch", lambda line: line.batch),
            ("per category", lambda line: line.category),
            ("per register", lambda line: line.register),
        ):
            print(f"\n-- {title} --")
            print("\n".join(guard_table(scores, thresholds.guard, by)))
        if args.sweep:
            print("\n-- threshold sweep --")
            print("\n".join(guard_sweep(scores, thresholds.guard)))
        dump += [
            {
                "kind": "guard",
                "batch": s.line.batch,
                "line": s.line.line,
                "label": s.line.label,
                "category": s.line.category,
                "text": s.line.text,
                "rules": s.rules_block,
                "exempted": s.exempted,
                "p": round(s.p_pressure, 4),
            }
            for s in scores
        ]
    if args.kind in ("distress", "all"):
        batches = load_batches("distress")
        dscores = lobo_distress(batches)
        print(f"\n== Distress detector, leave-one-batch-out over {len(batches)} batches ({len(dscores)} lines) ==")
        d = thresholds.distress
        print(
            f"crisis when P(crisis) >= {d.crisis_at}; raised when P(crisis)+P(distress) >= {d.raise_at}; "
            f"after earlier distress, crisis when P(crisis) >= {d.context_crisis_at}"
        )
        for title, by in (
            ("per batch", lambda line: line.batch),
            ("per category", lambda line: line.category),
            ("per register", lambda line: line.register),
        ):
            print(f"\n-- {title} --")
            print("\n".join(distress_table(dscores, d, by)))
        if args.sweep:
            print("\n-- threshold sweep --")
            print("\n".join(distress_sweep(dscores, d)))
        dump += [
            {
                "kind": "distress",
                "batch": s.line.batch,
                "line": s.line.line,
                "label": s.line.label,
                "category": s.line.category,
                "text": s.line.text,
                "lexicon": s.lexicon,
                "probs": {k: round(v, 4) for k, v in s.probs.items()},
                "context": [[lex, {k: round(v, 4) for k, v in p.items()}] for lex, p in s.context],
                "level": distress_level(s.lexicon, s.probs, s.context, d),
            }
            for s in dscores
        ]
    if args.kind in ("identity", "all"):
        batches = load_batches("identity")
        iscores = lobo_identity(batches)
        at = thresholds.identity.third_party_at
        print(f"\n== Speaker check, leave-one-batch-out over {len(batches)} batches ({len(iscores)} lines) ==")
        print(
            f"third party when: a strong identity.yml cue matches, a weak one ({', '.join(thresholds.identity.weak_cues)}) with "
            f"P(third_party) >= {thresholds.identity.weak_cue_at}, or the model's P(third_party) >= {at}"
        )
        for title, by in (("per batch", lambda line: line.batch), ("per category", lambda line: line.category)):
            print(f"\n-- {title} --")
            print("\n".join(identity_table(iscores, thresholds.identity, by)))
        if args.sweep:
            print("\n-- threshold sweep --")
            for t in (0.5, 0.6, 0.7, 0.8, 0.9):
                tp = [s for s in iscores if s.line.label == "third_party" and independent(s.line)]
                bo = [s for s in iscores if s.line.label == "borrower" and independent(s.line)]
                trial = replace(thresholds.identity, third_party_at=t)
                rec = sum(speaker_flagged(s.cues, s.p_third_party, trial) for s in tp) / len(tp)
                fp = sum(speaker_flagged(s.cues, s.p_third_party, trial) for s in bo) / len(bo)
                print(f"third_party_at {t}: third_party flagged {rec:.3f}, borrower flagged {fp:.3f}")
        dump += [
            {
                "kind": "identity",
                "batch": s.line.batch,
                "line": s.line.line,
                "label": s.line.label,
                "category": s.line.category,
                "text": s.line.text,
                "cues": list(s.cues),
                "p": round(s.p_third_party, 4),
            }
            for s in iscores
        ]
    if args.dump:
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        args.dump.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in dump), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
