"""One clock, and one "today in the Borrower's zone"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Where the current time comes from (tests pass a fixed or moving clock)."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)


class FixedClock:
    """A clock that only moves when told to (tests, benches)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's time must be timezone-aware")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


def local_now(zone: str, clock: Clock) -> datetime:
    """The clock's time in a zone such as "Asia/Shanghai"."""
    return clock.now().astimezone(ZoneInfo(zone))


def today_in(zone: str, clock: Clock) -> date:
    """Today's date in a zone: the Borrower's today when given the Borrower's zone."""
    return local_now(zone, clock).date()
