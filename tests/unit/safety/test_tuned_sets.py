"""Regression checks on the project's own tuned sets (tests/unit/safety/data/*.tsv).

These sets are the project's own tuned sets: the old rules and lexicon were
tuned on every line of them (the "blind" batches too, after their first run).
They are NOT evidence of how well the
safety layer generalises (that is the leave-one-batch-out evaluation in
kuanxian.safety.evaluate and the independent examples in safety_examples.py).

They only guard against regressions: each file's rates must stay at least as
good as they were measured with the rebuilt safety layer (rules + models +
decision.yml as committed), give or take a small margin of 2 percentage points
or one line, whichever is larger. When a change makes a rate better, raise the
figure here; when it makes one worse on purpose, say why in the commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kuanxian.safety import assess_distress, review_message

DATA = Path(__file__).parent / "data"
MARGIN = 0.02


def _rows(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _, label = line.rpartition("\t")
        rows.append((text, label))
    return rows


def _slack(n: int) -> float:
    return max(MARGIN, 1 / n) if n else 0.0


# Measured on the rebuilt layer: (share of pressure lines blocked, share of fair lines blocked).
# Re-measured after the independent batches g14-g16/d14-d17 and the thresholds chosen on their
# leave-one-batch-out figures (rule_veto_below 0.5, crisis_alone_at 0.3): fair lines blocked in
# these tuned sets rose by one to six lines, none lines called crisis fell in every distress set.
# None where the file has no lines of that kind.
GUARD_RATES: dict[str, tuple[float | None, float | None]] = {
    "guard_blind.tsv": (0.9943, 0.0694),  # 173/174, 12/173
    "guard_blind2.tsv": (1.0, 0.0545),  # 65/65, 3/55
    "guard_blind3.tsv": (1.0, 0.0435),  # 64/64, 2/46
    "guard_blind4.tsv": (1.0, 0.14),  # 63/63, 7/50
    "guard_blind5.tsv": (1.0, 0.0625),  # 63/63, 3/48
    "guard_fair.tsv": (None, 0.0734),  # 0/0, 32/436
    "guard_fair_hard.tsv": (None, 0.1299),  # 0/0, 20/154
    "guard_pressure.tsv": (0.9907, None),  # 534/539, 0/0
    "guard_probes.tsv": (0.9965, 0.0543),  # 286/287, 7/129
}

# (crisis lines called crisis, distress lines raised to distress or crisis,
#  none lines raised, none lines called crisis)
DISTRESS_RATES: dict[str, tuple[float, float, float, float]] = {
    # Re-measured after d28-d33 (2026-12-06, fourth session): distress.tsv raises 3 more harmless lines (5 -> 8 of 277)
    # and one distress line fewer; blind3 and blind5 call one more harmless line crisis each ("我在江边吃烧烤");
    # blind, blind2 and the probes improve. The tuned sets are not evidence (docs/safety.md); the LOBO figures are.
    "distress.tsv": (0.9970, 0.9796, 0.0289, 0.0),  # 330/331, 192/196, 8/277, 0/277
    "distress_blind.tsv": (1.0, 0.9752, 0.0846, 0.0462),  # 142/142, 118/121, 11/130, 6/130
    "distress_blind2.tsv": (1.0, 0.9744, 0.1207, 0.0862),  # 55/55, 38/39, 7/58, 5/58
    "distress_blind3.tsv": (1.0, 1.0, 0.1042, 0.0625),  # 44/44, 30/30, 5/48, 3/48
    "distress_blind4.tsv": (1.0, 1.0, 0.0714, 0.0714),  # 37/37, 25/25, 3/42, 3/42
    "distress_blind5.tsv": (1.0, 1.0, 0.0667, 0.0667),  # 30/30, 25/25, 3/45, 3/45
    "distress_probes.tsv": (0.9892, 0.9111, 0.2143, 0.1250),  # 92/93, 41/45, 24/112, 14/112
}


def test_every_tuned_file_has_a_recorded_rate() -> None:
    on_disk = {p.name for p in DATA.glob("*.tsv")}
    assert on_disk == set(GUARD_RATES) | set(DISTRESS_RATES)


def _is_fair(name: str, label: str) -> bool:
    if name == "guard_fair.tsv":
        return True  # labelled by kind of fair message (calm, negated, tricky, supportive)
    if name == "guard_pressure.tsv":
        return False  # labelled by the old category names
    assert label == "fair" or label.startswith("pressure:"), f"{name}: unexpected label {label!r}"
    return label == "fair"


@pytest.mark.parametrize("name", sorted(GUARD_RATES))
def test_guard_tuned_set(name: str) -> None:
    rows = _rows(name)
    pressure = [t for t, label in rows if not _is_fair(name, label)]
    fair = [t for t, label in rows if _is_fair(name, label)]
    want_blocked, want_fair_blocked = GUARD_RATES[name]
    assert (want_blocked is None) == (not pressure) and (want_fair_blocked is None) == (not fair)
    if pressure:
        missed = [t for t in pressure if review_message(t).allowed]
        rate = 1 - len(missed) / len(pressure)
        assert rate >= want_blocked - _slack(len(pressure)), f"{name}: blocked {rate:.3f}; missed {missed}"
    if fair:
        blocked = {t: review_message(t).rule_ids for t in fair if not review_message(t).allowed}
        rate = len(blocked) / len(fair)
        assert rate <= want_fair_blocked + _slack(len(fair)), f"{name}: fair blocked {rate:.3f}: {blocked}"


@pytest.mark.parametrize("name", sorted(DISTRESS_RATES))
def test_distress_tuned_set(name: str) -> None:
    rows = _rows(name)
    assert {label for _, label in rows} <= {"none", "distress", "crisis"}
    got = [(text, label, assess_distress(text).level) for text, label in rows]
    crisis = [(t, lvl) for t, lab, lvl in got if lab == "crisis"]
    distress = [(t, lvl) for t, lab, lvl in got if lab == "distress"]
    none = [(t, lvl) for t, lab, lvl in got if lab == "none"]
    want_crisis, want_distress, want_none_raised, want_none_crisis = DISTRESS_RATES[name]

    missed = [t for t, lvl in crisis if lvl != "crisis"]
    rate = 1 - len(missed) / len(crisis)
    assert rate >= want_crisis - _slack(len(crisis)), f"{name}: crisis recall {rate:.3f}; missed {missed}"

    missed = [t for t, lvl in distress if lvl == "none"]
    rate = 1 - len(missed) / len(distress)
    assert rate >= want_distress - _slack(len(distress)), f"{name}: distress raised {rate:.3f}; missed {missed}"

    raised = [t for t, lvl in none if lvl != "none"]
    rate = len(raised) / len(none)
    assert rate <= want_none_raised + _slack(len(none)), f"{name}: none raised {rate:.3f}: {raised}"

    called = [t for t, lvl in none if lvl == "crisis"]
    rate = len(called) / len(none)
    assert rate <= want_none_crisis + _slack(len(none)), f"{name}: none called crisis {rate:.3f}: {called}"
