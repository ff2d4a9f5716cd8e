"""Borrower accounts: the domain type and the repository interface.

A lender can plug in their own system by implementing `AccountRepository` and
naming a factory in KUANXIAN_ACCOUNT_REPOSITORY ("package.module:factory").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Optional, Protocol, Sequence, runtime_checkable
from zoneinfo import ZoneInfo

from kuanxian.plans import Policy, Schedule

HARDSHIP_CATEGORIES = (
    "job_loss",
    "illness",
    "family_care",
    "bereavement",
    "business_failure",
    "income_drop",
    "pregnancy_childcare",
    "disaster",
    "other",
)


@dataclass(frozen=True)
class ContactFlags:
    """What limits proactive contact with a Borrower."""

    opted_out: bool = False
    dispute_open: bool = False
    wrong_contact: bool = False
    breathing_space_until: Optional[datetime] = None
    crisis_pause_until: Optional[datetime] = None
    hardship_pause_until: Optional[datetime] = None


@dataclass(frozen=True)
class Borrower:
    """A Borrower's account as the assistant sees it."""

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

    def local_now(self, now: Optional[datetime] = None) -> datetime:
        """Now (or `now`) in the Borrower's own time zone."""
        now = now or datetime.now(tz=self.zone)
        return now.astimezone(self.zone)

    def next_due_date(self, today: date) -> date:
        """The next regular due date on `due_day`, today or later (clamped to month end)."""
        for months_ahead in range(0, 3):
            year = today.year + (today.month - 1 + months_ahead) // 12
            month = (today.month - 1 + months_ahead) % 12 + 1
            candidate = date(year, month, min(self.due_day, _days_in_month(year, month)))
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable: a due day always recurs within two months")

    def overdue_since(self, today: date) -> Optional[date]:
        return today - timedelta(days=self.days_overdue) if self.days_overdue > 0 else None

    def with_flags(self, **changes: object) -> "Borrower":
        return replace(self, flags=replace(self.flags, **changes))


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


@dataclass(frozen=True)
class Hardship:
    """A hardship category the Borrower agreed to have recorded."""

    borrower_id: str
    category: str
    recorded_at: datetime
    conversation_id: Optional[str] = None


@dataclass(frozen=True)
class StoredPaymentPlan:
    """A confirmed PaymentPlan with its Installments."""

    plan_id: int
    borrower_id: str
    status: str
    schedule: Schedule
    created_at: datetime
    conversation_id: Optional[str] = None


@runtime_checkable
class AccountRepository(Protocol):
    """What the assistant needs from the lender's account system."""

    async def get_borrower(self, borrower_id: str) -> Optional[Borrower]: ...

    async def upsert_borrower(self, borrower: Borrower) -> None: ...

    async def update_flags(self, borrower_id: str, **flags: object) -> None: ...

    async def record_hardship(self, hardship: Hardship) -> None: ...

    async def list_hardships(self, borrower_id: str) -> Sequence[Hardship]: ...

    async def save_payment_plan(
        self, borrower_id: str, schedule: Schedule, *, conversation_id: Optional[str] = None
    ) -> int: ...

    async def list_payment_plans(self, borrower_id: str) -> Sequence[StoredPaymentPlan]: ...
