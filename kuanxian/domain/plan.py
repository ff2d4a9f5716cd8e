"""A PaymentPlan and its Installments: one type from the plan engine to storage to the API."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional

from kuanxian.dates import Frequency


class PlanStatus(StrEnum):
    """A plan moves active → completed, or active → broken; superseded when a new one is agreed."""

    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"
    SUPERSEDED = "superseded"


class InstallmentStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    MISSED = "missed"


@dataclass(frozen=True)
class Installment:
    """One dated payment of a PaymentPlan."""

    seq: int
    due: date
    amount: Decimal
    status: InstallmentStatus = InstallmentStatus.DUE
    paid: Decimal = Decimal("0.00")

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid, Decimal("0.00"))


@dataclass(frozen=True)
class PaymentPlan:
    """A dated plan whose Installments always sum to `total`.

    The plan engine (kuanxian.plans) builds one for an offer; once agreed it is
    stored with a `plan_id` and a status.
    """

    installments: tuple[Installment, ...]
    frequency: Frequency
    total: Decimal
    interest_frozen: bool = False
    holiday_days: int = 0
    plan_id: Optional[int] = None
    borrower_id: str = ""
    status: PlanStatus = PlanStatus.ACTIVE
    created_at: Optional[datetime] = None
    conversation_id: Optional[str] = None
    # Who agreed it: the assistant, or a Collector (with an exception a lead approved, if any).
    agreed_by: str = "assistant"

    @property
    def first_date(self) -> date:
        return self.installments[0].due

    @property
    def last_date(self) -> date:
        return self.installments[-1].due

    @property
    def count(self) -> int:
        return len(self.installments)

    @property
    def regular_amount(self) -> Decimal:
        return self.installments[0].amount

    @property
    def last_amount(self) -> Decimal:
        return self.installments[-1].amount

    @property
    def day_of_month(self) -> int:
        return self.first_date.day

    def next_due(self, today: date) -> Optional[Installment]:
        """The first Installment not fully paid, due today or later (or overdue)."""
        for item in self.installments:
            if item.status in (InstallmentStatus.DUE, InstallmentStatus.PARTLY_PAID, InstallmentStatus.MISSED):
                return item
        return None

    def stored(self, plan_id: int, borrower_id: str, created_at: datetime, conversation_id: Optional[str] = None) -> PaymentPlan:
        return replace(self, plan_id=plan_id, borrower_id=borrower_id, created_at=created_at, conversation_id=conversation_id)
