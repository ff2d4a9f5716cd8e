"""Contact rules: suppressions, quiet hours, caps, DST — with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kuanxian.safety.contact import (
    ContactConfigError,
    ContactDecision,
    ContactLimits,
    ContactState,
    _local_wall,
    decide,
    next_allowed,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
LDN = ZoneInfo("Europe/London")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def state(tz: str = "Asia/Shanghai", **kw) -> ContactState:
    return ContactState(timezone=tz, **kw)


# ---------------------------------------------------------------- limits --


def test_default_limits() -> None:
    limits = ContactLimits()
    assert (limits.per_day, limits.per_7_days) == (1, 3)
    ContactLimits(per_day=3, per_7_days=7)


@pytest.mark.parametrize(
    ("per_day", "per_7_days", "needle"),
    [(4, 7, "per_day"), (1, 8, "per_7_days"), (0, 3, "per_day"), (1, 0, "per_7_days"), (3, 2, "greater")],
)
def test_limits_that_are_too_loose_or_inconsistent(per_day: int, per_7_days: int, needle: str) -> None:
    with pytest.raises(ContactConfigError, match=needle) as info:
        ContactLimits(per_day=per_day, per_7_days=per_7_days)
    assert isinstance(info.value, ValueError)


def test_state_validation() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ContactState(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="aware"):
        ContactState(timezone="Asia/Shanghai", crisis_pause_until=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        ContactState(timezone="Asia/Shanghai", recent_contacts=(datetime(2024, 1, 1),))
    s = ContactState(timezone="Asia/Shanghai", recent_contacts=[sh(2024, 5, 1, 9)])  # type: ignore[arg-type]
    assert isinstance(s.recent_contacts, tuple)


def test_naive_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        decide(state(), datetime(2024, 5, 1, 10))
    with pytest.raises(ValueError, match="aware"):
        next_allowed(state(), datetime(2024, 5, 1, 10))


# ------------------------------------------------------------ suppression --


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"opted_out": True, "wrong_contact": True, "dispute_open": True, "with_collector": True}, "opted_out"),
        ({"wrong_contact": True, "dispute_open": True, "with_collector": True}, "wrong_contact"),
        ({"dispute_open": True, "with_collector": True}, "dispute_open"),
        ({"with_collector": True}, "with_collector"),
    ],
)
def test_permanent_stops(flags: dict, reason: str) -> None:
    s = state(crisis_pause_until=sh(2024, 6, 1), **flags)
    d = decide(s, sh(2024, 5, 1, 10))
    assert d == ContactDecision("suppress", reason, None)
    assert not d.allowed
    assert next_allowed(s, sh(2024, 5, 1, 10)) is None


def test_crisis_pause_suppresses_until_end_moved_out_of_quiet_hours() -> None:
    s = state(crisis_pause_until=sh(2024, 5, 31, 23, 30))
    d = decide(s, sh(2024, 5, 1, 10))
    assert (d.outcome, d.reason) == ("suppress", "crisis_pause")
    assert d.next_allowed_at == sh(2024, 6, 1, 8, 0)
    assert d.next_allowed_at.tzinfo == SH


def test_pause_ending_in_daytime_is_the_next_time() -> None:
    s = state(hardship_pause_until=sh(2024, 5, 8, 14, 0))
    d = decide(s, sh(2024, 5, 1, 10))
    assert (d.outcome, d.reason, d.next_allowed_at) == ("suppress", "hardship_pause", sh(2024, 5, 8, 14, 0))


def test_pause_precedence_and_overlap() -> None:
    s = state(
        crisis_pause_until=sh(2024, 5, 10, 12),
        hardship_pause_until=sh(2024, 5, 20, 12),
        breathing_space_until=sh(2024, 5, 5, 12),
    )
    d = decide(s, sh(2024, 5, 1, 10))
    assert d.reason == "crisis_pause"
    assert d.next_allowed_at == sh(2024, 5, 20, 12)  # every pause must be over
    s2 = state(breathing_space_until=sh(2024, 7, 1, 9))
    assert decide(s2, sh(2024, 5, 1, 10)).reason == "breathing_space"


def test_expired_pause_does_not_block() -> None:
    s = state(crisis_pause_until=sh(2024, 5, 1, 10))
    assert decide(s, sh(2024, 5, 1, 10)).allowed
    assert decide(s, sh(2024, 5, 1, 9, 59, 59)).reason == "crisis_pause"


def test_suppress_comes_before_quiet_hours() -> None:
    s = state(crisis_pause_until=sh(2024, 5, 2, 12))
    assert decide(s, sh(2024, 5, 1, 23)).reason == "crisis_pause"


# ------------------------------------------------------------- quiet hours --


@pytest.mark.parametrize(
    ("at", "outcome", "expected_next"),
    [
        (sh(2024, 5, 1, 20, 59, 59), "send", None),
        (sh(2024, 5, 1, 21, 0, 0), "defer", sh(2024, 5, 2, 8, 0)),
        (sh(2024, 5, 1, 23, 59, 59), "defer", sh(2024, 5, 2, 8, 0)),
        (sh(2024, 5, 2, 0, 0, 0), "defer", sh(2024, 5, 2, 8, 0)),
        (sh(2024, 5, 2, 7, 59, 59), "defer", sh(2024, 5, 2, 8, 0)),
        (sh(2024, 5, 2, 8, 0, 0), "send", None),
        (sh(2024, 12, 31, 22, 0), "defer", sh(2025, 1, 1, 8, 0)),
    ],
)
def test_quiet_hours_edges_shanghai(at: datetime, outcome: str, expected_next: datetime | None) -> None:
    d = decide(state(), at)
    assert d.outcome == outcome
    if outcome == "defer":
        assert d.reason == "quiet_hours"
        assert d.next_allowed_at == expected_next
    else:
        assert d.reason is None and d.next_allowed_at is None
        assert next_allowed(state(), at) == at


def test_quiet_hours_use_the_borrowers_zone_not_the_callers() -> None:
    at = datetime(2024, 5, 1, 13, 30, tzinfo=UTC)  # 21:30 in Shanghai
    d = decide(state(), at)
    assert (d.outcome, d.reason) == ("defer", "quiet_hours")
    assert d.next_allowed_at == sh(2024, 5, 2, 8)
    assert d.next_allowed_at.utcoffset() == timedelta(hours=8)
    assert decide(state("America/New_York"), at).allowed  # 09:30 in New York


# ------------------------------------------------------------------- caps --


def test_daily_cap_uses_local_calendar_day() -> None:
    s = state(recent_contacts=(sh(2024, 5, 1, 9, 0),))
    d = decide(s, sh(2024, 5, 1, 15, 0))
    assert (d.outcome, d.reason, d.next_allowed_at) == ("defer", "daily_cap", sh(2024, 5, 2, 8, 0))
    assert decide(s, sh(2024, 5, 2, 8, 0)).allowed


def test_daily_cap_local_day_differs_from_utc_day() -> None:
    ny_evening = datetime(2024, 5, 1, 20, 0, tzinfo=NY)  # already May 2 in UTC
    s = state("America/New_York", recent_contacts=(ny_evening,))
    assert decide(s, datetime(2024, 5, 2, 9, 0, tzinfo=NY)).allowed
    assert decide(s, datetime(2024, 5, 1, 20, 30, tzinfo=NY)).reason == "daily_cap"


def test_daily_cap_with_higher_limit() -> None:
    limits = ContactLimits(per_day=2, per_7_days=5)
    s = state(recent_contacts=(sh(2024, 5, 1, 9),))
    assert decide(s, sh(2024, 5, 1, 12), limits).allowed
    s2 = state(recent_contacts=(sh(2024, 5, 1, 9), sh(2024, 5, 1, 12)))
    assert decide(s2, sh(2024, 5, 1, 15), limits).reason == "daily_cap"


def test_weekly_cap_waits_for_the_oldest_to_leave_the_window() -> None:
    contacts = (sh(2024, 5, 6, 10), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))  # Mon, Tue, Wed
    s = state(recent_contacts=contacts)
    d = decide(s, sh(2024, 5, 9, 10))
    assert (d.outcome, d.reason, d.next_allowed_at) == ("defer", "weekly_cap", sh(2024, 5, 13, 10))
    assert decide(s, sh(2024, 5, 13, 9, 59, 59)).reason == "weekly_cap"
    assert decide(s, sh(2024, 5, 13, 10)).allowed


def test_weekly_release_in_quiet_hours_is_pushed_to_morning() -> None:
    contacts = (sh(2024, 5, 6, 21, 30), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))
    d = decide(state(recent_contacts=contacts), sh(2024, 5, 9, 10))
    assert d.reason == "weekly_cap"
    assert d.next_allowed_at == sh(2024, 5, 14, 8, 0)


def test_daily_then_weekly_is_resolved_in_a_loop() -> None:
    contacts = (sh(2024, 5, 6, 10), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))
    d = decide(state(recent_contacts=contacts), sh(2024, 5, 8, 11))
    assert d.reason == "daily_cap"
    assert d.next_allowed_at == sh(2024, 5, 13, 10)


def test_quiet_then_caps() -> None:
    contacts = (sh(2024, 5, 6, 10), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))
    d = decide(state(recent_contacts=contacts), sh(2024, 5, 8, 22))
    assert d.reason == "quiet_hours"
    assert d.next_allowed_at == sh(2024, 5, 13, 10)


def test_weekly_cap_counts_the_rolling_window_not_the_week() -> None:
    contacts = (sh(2024, 5, 1, 10), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))
    assert decide(state(recent_contacts=contacts), sh(2024, 5, 8, 11), ContactLimits(2, 3)).allowed
    assert decide(state(recent_contacts=contacts), sh(2024, 5, 8, 9), ContactLimits(2, 3)).allowed


# --------------------------------------------------------------------- DST --


def test_new_york_spring_forward_quiet_hours() -> None:
    at = datetime(2024, 3, 10, 1, 30, tzinfo=NY)  # EST, clocks jump at 02:00
    d = decide(state("America/New_York"), at)
    assert d.reason == "quiet_hours"
    assert d.next_allowed_at == datetime(2024, 3, 10, 8, 0, tzinfo=NY)
    assert d.next_allowed_at.utcoffset() == timedelta(hours=-4)
    assert d.next_allowed_at.astimezone(UTC) == datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def test_new_york_fall_back_fold() -> None:
    at = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NY)  # second 01:30, EST
    d = decide(state("America/New_York"), at)
    assert d.reason == "quiet_hours"
    assert d.next_allowed_at.astimezone(UTC) == datetime(2024, 11, 3, 13, 0, tzinfo=UTC)
    evening = datetime(2024, 11, 3, 20, 59, 59, tzinfo=NY)
    assert decide(state("America/New_York"), evening).allowed


def test_london_spring_forward_and_summer_evening() -> None:
    d = decide(state("Europe/London"), datetime(2024, 3, 30, 22, 0, tzinfo=LDN))
    assert d.next_allowed_at == datetime(2024, 3, 31, 8, 0, tzinfo=LDN)
    assert d.next_allowed_at.astimezone(UTC) == datetime(2024, 3, 31, 7, 0, tzinfo=UTC)
    assert decide(state("Europe/London"), datetime(2024, 7, 1, 20, 59, 59, tzinfo=LDN)).allowed
    late = datetime(2024, 7, 1, 20, 0, tzinfo=UTC)  # 21:00 BST
    assert decide(state("Europe/London"), late).reason == "quiet_hours"


def test_daily_cap_over_a_dst_change() -> None:
    s = state("America/New_York", recent_contacts=(datetime(2024, 3, 9, 10, 0, tzinfo=NY),))
    d = decide(s, datetime(2024, 3, 9, 12, 0, tzinfo=NY))
    assert d.reason == "daily_cap"
    assert d.next_allowed_at == datetime(2024, 3, 10, 8, 0, tzinfo=NY)


def test_weekly_window_is_seven_times_24_hours_across_dst() -> None:
    contacts = tuple(datetime(2024, 3, day, 10, 0, tzinfo=NY) for day in (5, 6, 7))  # EST
    d = decide(state("America/New_York", recent_contacts=contacts), datetime(2024, 3, 8, 10, 0, tzinfo=NY))
    assert d.reason == "weekly_cap"
    # 168 hours after 10:00 EST is 11:00 EDT on the wall clock.
    assert d.next_allowed_at == datetime(2024, 3, 12, 11, 0, tzinfo=NY)


def test_local_wall_normalises_a_nonexistent_time() -> None:
    t = _local_wall(date(2024, 3, 10), time(2, 30), NY)
    assert (t.hour, t.minute) == (3, 30)
    assert t.utcoffset() == timedelta(hours=-4)


# ------------------------------------------------------------ next_allowed --


def test_next_allowed_matches_decide() -> None:
    contacts = (sh(2024, 5, 6, 10), sh(2024, 5, 7, 10), sh(2024, 5, 8, 10))
    s = state(recent_contacts=contacts)
    at = sh(2024, 5, 8, 22)
    assert next_allowed(s, at) == decide(s, at).next_allowed_at
    ok = sh(2024, 5, 20, 10)
    assert next_allowed(s, ok) == ok
    assert next_allowed(s, ok.astimezone(UTC)).tzinfo == SH


def test_next_allowed_is_never_in_quiet_hours() -> None:
    s = state("Europe/London", recent_contacts=(datetime(2024, 10, 26, 20, 30, tzinfo=LDN),))
    start = datetime(2024, 10, 26, 6, 0, tzinfo=LDN)
    for hours in range(0, 96, 5):
        t = next_allowed(s, start + timedelta(hours=hours))
        assert t is not None
        local = t.astimezone(LDN)
        assert time(8, 0) <= local.time() < time(21, 0)
        assert decide(s, t).allowed
