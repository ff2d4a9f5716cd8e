"""A Borrower's account as the assistant sees it, with what limits contact."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Optional, TypedDict, Unpack
from zoneinfo import ZoneInfo

from kuanxian.dates import month_end
from kuanxian.domain.policy import Policy


@dataclass(frozen=True)
class ContactFlags:
    """What limits proactive contact with a Borrower."""

    opted_out: bool = False
    dispute_open: bool = False
    wrong_contact: bool = False
    breathing_space_until: Optional[datetime] = None
    crisis_pause_until: Optional[datetime] = None
    hardship_pause_until: Optional[datetime] = None


class FlagChanges(TypedDict, total=False):
    """Some of the ContactFlags, by name (for `Borrower.with_flags`)."""

    opted_out: bool
    dispute_open: bool
    wrong_contact: bool
    breathing_space_until: Optional[datetime]
    crisis_pause_until: Optional[datetime]
    hardship_pause_until: Optional[datetime]


@dataclass(frozen=True)
class Borrower:
    borrower_id: str
    display_name: str
    timezone: str
    currency: str
    principal: Decimal
    interest_and_fees: Decimal
    days_overdue: int
    due_day: int
    policy: Policy
    flags: ContactFlags = field(default_factory=ContactFlags)

    @property
    def balance(self) -> Decimal:
        return self.principal + self.interest_and_fees

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_now(self, now: datetime) -> datetime:
        """`now` in the Borrower's own time zone."""
        return now.astimezone(self.zone)

    def today(self, now: datetime) -> date:
        """The Borrower's today at `now`."""
        return self.local_now(now).date()

    def next_due_date(self, today: date) -> date:
        """The next regular due date on `due_day`, today or later (clamped to month end)."""
        for months_ahead in range(0, 3):
            year = today.year + (today.month - 1 + months_ahead) // 12
            month = (today.month - 1 + months_ahead) % 12 + 1
            candidate = date(year, month, min(self.due_day, month_end(year, month)))
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable: a due day always recurs within two months")

    def overdue_since(self, today: date) -> Optional[date]:
        return today - timedelta(days=self.days_overdue) if self.days_overdue > 0 else None

    def with_flags(self, **changes: Unpack[FlagChanges]) -> Borrower:
        return replace(self, flags=replace(self.flags, **changes))
