"""When may Kuanxian send a proactive message? Pure functions, no I/O.

Rules (see /shared/docs/compliance.md §1 and docs/safety.md):

- Never while the borrower opted out, said this is the wrong contact, has an
  open dispute, is with a collector, or is in a crisis pause, a hardship pause
  or a breathing space.
- Never in quiet hours, 21:00–08:00 borrower local (wall-clock) time.
- At most `per_day` messages per local calendar day and `per_7_days` in any
  rolling 7×24 h window (defaults 1 and 3; a lender may go stricter, never
  above 3 a day or 7 a week).

`at` and every datetime in the state must be timezone-aware. Local times are
computed with zoneinfo, so DST gaps and folds are handled by the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MAX_PER_7_DAYS",
    "MAX_PER_DAY",
    "QUIET_END",
    "QUIET_START",
    "SUPPRESS_REASONS",
    "ContactConfigError",
    "ContactDecision",
    "ContactLimits",
    "ContactState",
    "decide",
    "next_allowed",
]

QUIET_START = time(21, 0)  # 21:00 local is already quiet
QUIET_END = time(8, 0)  # 08:00 local is allowed
MAX_PER_DAY = 3  # GB/T 45251-2025 (reported): ≤ 3 automated conversations a day
MAX_PER_7_DAYS = 7  # 12 CFR 1006.14(b)(2): > 7 in 7 days presumed harassment
WINDOW = timedelta(days=7)

Outcome = Literal["send", "defer", "suppress"]

# Permanent stops (no next time) first, then time-limited pauses.
_STOPS: tuple[tuple[str, str], ...] = (
    ("opted_out", "opted_out"),
    ("wrong_contact", "wrong_contact"),
    ("dispute_open", "dispute_open"),
    ("with_collector", "with_collector"),
)
_PAUSES: tuple[tuple[str, str], ...] = (
    ("crisis_pause_until", "crisis_pause"),
    ("hardship_pause_until", "hardship_pause"),
    ("breathing_space_until", "breathing_space"),
)
SUPPRESS_REASONS: tuple[str, ...] = tuple(r for _, r in _STOPS) + tuple(r for _, r in _PAUSES)


class ContactConfigError(ValueError):
    """Contact limits looser than the product allows, or inconsistent."""


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got a naive datetime: {value.isoformat()})")


@dataclass(frozen=True)
class ContactLimits:
    """How many proactive messages are allowed (defaults are the product's)."""

    per_day: int = 1
    per_7_days: int = 3

    def __post_init__(self) -> None:
        for name in ("per_day", "per_7_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ContactConfigError(f"{name} must be an integer, got {value!r}")
            if value < 1:
                raise ContactConfigError(f"{name} must be at least 1, got {value}")
        if self.per_day > MAX_PER_DAY:
            raise ContactConfigError(
                f"per_day={self.per_day} exceeds the ceiling of {MAX_PER_DAY} messages a day; "
                "a lender may configure stricter limits, never looser ones"
            )
        if self.per_7_days > MAX_PER_7_DAYS:
            raise ContactConfigError(
                f"per_7_days={self.per_7_days} exceeds the ceiling of {MAX_PER_7_DAYS} messages in 7 days; "
                "a lender may configure stricter limits, never looser ones"
            )
        if self.per_day > self.per_7_days:
            raise ContactConfigError(
                f"per_day={self.per_day} is greater than per_7_days={self.per_7_days}; the daily limit cannot exceed the weekly one"
            )


@dataclass(frozen=True)
class ContactState:
    """Everything the contact rules need to know about one borrower."""

    timezone: str
    opted_out: bool = False
    dispute_open: bool = False
    with_collector: bool = False
    wrong_contact: bool = False
    crisis_pause_until: datetime | None = None
    hardship_pause_until: datetime | None = None
    breathing_space_until: datetime | None = None
    recent_contacts: tuple[datetime, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown IANA timezone {self.timezone!r}") from exc
        for field_name, _ in _PAUSES:
            value = getattr(self, field_name)
            if value is not None:
                _require_aware(value, field_name)
        if not isinstance(self.recent_contacts, tuple):
            object.__setattr__(self, "recent_contacts", tuple(self.recent_contacts))
        for i, c in enumerate(self.recent_contacts):
            _require_aware(c, f"recent_contacts[{i}]")

    @property
    def zone(self) -> ZoneInfo:
        """The borrower's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ContactDecision:
    """The verdict for one proactive message at one instant."""

    outcome: Outcome
    reason: str | None = None
    next_allowed_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        """True when the message may be sent now."""
        return self.outcome == "send"


# ------------------------------------------------------------ local time --


def _local_wall(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant `wall` o'clock on `day` in `zone`, normalised.

    A wall time that does not exist (DST gap) is moved forward by the gap;
    an ambiguous one (fold) resolves to its first occurrence (fold=0).
    """
    naive_aware = datetime.combine(day, wall, tzinfo=zone)
    return naive_aware.astimezone(UTC).astimezone(zone)


def _utc(value: datetime) -> datetime:
    """The same instant in UTC (Python compares and adds same-zone datetimes
    on the wall clock, which is wrong across DST changes)."""
    return value.astimezone(UTC)


def _is_quiet(local: datetime) -> bool:
    t = local.timetz().replace(tzinfo=None)
    return t >= QUIET_START or t < QUIET_END


def _end_of_quiet(local: datetime, zone: ZoneInfo) -> datetime:
    """First allowed instant after the quiet period containing `local`."""
    day = local.date()
    if local.timetz().replace(tzinfo=None) >= QUIET_START:
        day = day + timedelta(days=1)
    return _local_wall(day, QUIET_END, zone)


def _count_same_day(contacts: tuple[datetime, ...], local: datetime, zone: ZoneInfo) -> int:
    day = local.date()
    return sum(1 for c in contacts if c.astimezone(zone).date() == day)


def _weekly_release(contacts: tuple[datetime, ...], at: datetime, limit: int) -> datetime | None:
    """None if under the weekly cap at `at`, else when enough contacts age out."""
    now = _utc(at)
    window = sorted(u for u in (_utc(c) for c in contacts) if now - WINDOW < u <= now)
    if len(window) < limit:
        return None
    # Drop the oldest until one fewer than the limit remain.
    k = len(window) - limit  # index of the contact whose expiry frees a slot
    return window[k] + WINDOW


def _active_pause(state: ContactState, at: datetime) -> tuple[str, datetime] | None:
    """The first active pause (in precedence order) and its end."""
    now = _utc(at)
    for field_name, reason in _PAUSES:
        until = getattr(state, field_name)
        if until is not None and now < _utc(until):
            return reason, _utc(until)
    return None


def _stop_reason(state: ContactState) -> str | None:
    for field_name, reason in _STOPS:
        if getattr(state, field_name):
            return reason
    return None


def _first_blocker(state: ContactState, at: datetime, limits: ContactLimits) -> tuple[str, datetime] | None:
    """The first rule (by precedence) that blocks sending at `at`, with the
    earliest instant that rule alone would allow. None if sending is allowed."""
    zone = state.zone
    pause = _active_pause(state, at)
    if pause is not None:
        return pause
    local = at.astimezone(zone)
    if _is_quiet(local):
        return "quiet_hours", _end_of_quiet(local, zone)
    if _count_same_day(state.recent_contacts, local, zone) >= limits.per_day:
        return "daily_cap", _local_wall(local.date() + timedelta(days=1), QUIET_END, zone)
    release = _weekly_release(state.recent_contacts, at, limits.per_7_days)
    if release is not None:
        return "weekly_cap", release
    return None


def _search(state: ContactState, at: datetime, limits: ContactLimits) -> datetime:
    """Earliest instant >= at that passes every time-based rule."""
    t = _utc(at)
    for _ in range(10_000):
        blocker = _first_blocker(state, t, limits)
        if blocker is None:
            return t.astimezone(state.zone)
        nxt = _utc(blocker[1])
        if nxt <= t:  # defensive: never loop in place
            nxt = t + timedelta(seconds=1)
        t = nxt
    raise RuntimeError("no allowed contact time found; check the contact state")


# ------------------------------------------------------------------- API --


def decide(state: ContactState, at: datetime, limits: ContactLimits = ContactLimits()) -> ContactDecision:
    """May a proactive message be sent to this borrower at `at`?"""
    _require_aware(at, "at")
    stop = _stop_reason(state)
    if stop is not None:
        return ContactDecision("suppress", stop, None)
    blocker = _first_blocker(state, at, limits)
    if blocker is None:
        return ContactDecision("send", None, None)
    reason = blocker[0]
    outcome: Outcome = "suppress" if reason in SUPPRESS_REASONS else "defer"
    return ContactDecision(outcome, reason, _search(state, at, limits))


def next_allowed(state: ContactState, at: datetime, limits: ContactLimits = ContactLimits()) -> datetime | None:
    """Earliest aware datetime >= at (borrower's zone) when a message may be
    sent, or None while a permanent stop (opt-out, dispute, ...) applies."""
    _require_aware(at, "at")
    if _stop_reason(state) is not None:
        return None
    return _search(state, at, limits)
