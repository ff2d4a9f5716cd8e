"""Domain events: what happened, told to whoever listens.

The hub's parts talk through these: the live broker turns them into frames,
the scheduler schedules notices, the outbox turns the ones a lender cares
about into signed webhooks (written in the same transaction as the change).
An event with a `webhook_type` is a lender-facing event; `webhook_data()`
never carries message text or free-text hardship.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional, Union

from kuanxian.domain.conversation import Conversation
from kuanxian.domain.handoff import Handoff, HandoffOutcome
from kuanxian.domain.hardship import HardshipCategory
from kuanxian.domain.message import Message
from kuanxian.domain.plan import Installment, PaymentPlan


def _plan_data(plan: PaymentPlan) -> dict[str, Any]:
    return {
        "plan_id": plan.plan_id,
        "status": plan.status.value,
        "frequency": plan.frequency.value,
        "installment_amount": str(plan.regular_amount),
        "installment_count": plan.count,
        "last_amount": str(plan.last_amount),
        "total": str(plan.total),
        "first_date": plan.first_date.isoformat(),
        "interest_frozen": plan.interest_frozen,
        "holiday_days": plan.holiday_days,
        "agreed_by": plan.agreed_by,
    }


@dataclass(frozen=True)
class MessageStored:
    conversation_id: str
    message: Message
    borrower_id: str = ""
    webhook_type = None


@dataclass(frozen=True)
class StatusChanged:
    conversation: Conversation
    webhook_type = None


@dataclass(frozen=True)
class QueueChanged:
    webhook_type = None


@dataclass(frozen=True)
class TypingChanged:
    conversation_id: str
    on: bool
    webhook_type = None


@dataclass(frozen=True)
class PlanAgreed:
    plan: PaymentPlan
    webhook_type = "plan.agreed"

    @property
    def borrower_id(self) -> str:
        return self.plan.borrower_id

    def webhook_data(self) -> dict[str, Any]:
        return _plan_data(self.plan)


@dataclass(frozen=True)
class PlanCompleted(PlanAgreed):
    webhook_type = "plan.completed"


@dataclass(frozen=True)
class PlanBroken(PlanAgreed):
    missed: int = 0
    webhook_type = "plan.broken"

    def webhook_data(self) -> dict[str, Any]:
        return {**_plan_data(self.plan), "missed_installments": self.missed}


@dataclass(frozen=True)
class InstallmentPaid:
    borrower_id: str
    plan_id: int
    installment: Installment
    webhook_type = "installment.paid"

    def webhook_data(self) -> dict[str, Any]:
        i = self.installment
        return {
            "plan_id": self.plan_id,
            "seq": i.seq,
            "due_date": i.due.isoformat(),
            "amount": str(i.amount),
            "paid": str(i.paid),
            "status": i.status.value,
        }


@dataclass(frozen=True)
class InstallmentMissed(InstallmentPaid):
    webhook_type = "installment.missed"


@dataclass(frozen=True)
class PaymentReceived:
    borrower_id: str
    payment_id: str
    amount: Decimal
    remaining: Decimal
    next_due: Optional[date]
    webhook_type = None


@dataclass(frozen=True)
class PromiseMade:
    borrower_id: str
    promise_id: int
    promised_for: date
    amount: Optional[Decimal] = None
    webhook_type = "promise.made"

    def webhook_data(self) -> dict[str, Any]:
        return {
            "promise_id": self.promise_id,
            "promised_for": self.promised_for.isoformat(),
            "amount": str(self.amount) if self.amount is not None else None,
        }


@dataclass(frozen=True)
class PromiseKept(PromiseMade):
    webhook_type = "promise.kept"


@dataclass(frozen=True)
class PromiseMissed(PromiseMade):
    webhook_type = "promise.missed"


@dataclass(frozen=True)
class DisputeOpened:
    borrower_id: str
    conversation_id: Optional[str] = None
    webhook_type = "dispute.opened"

    def webhook_data(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id}


@dataclass(frozen=True)
class ContactChanged:
    borrower_id: str
    opted_out: bool

    @property
    def webhook_type(self) -> str:  # type: ignore[override]
        return "contact.opted_out" if self.opted_out else "contact.opted_in"

    def webhook_data(self) -> dict[str, Any]:
        return {"opted_out": self.opted_out}


@dataclass(frozen=True)
class HardshipRecorded:
    """Only ever raised with the Borrower's recorded consent; carries the category, never their words."""

    borrower_id: str
    category: HardshipCategory
    webhook_type = "hardship.recorded"

    def webhook_data(self) -> dict[str, Any]:
        return {"category": self.category.value, "consent": True}


@dataclass(frozen=True)
class HandoffRequested:
    borrower_id: str
    handoff: Handoff
    webhook_type = "handoff.requested"

    def webhook_data(self) -> dict[str, Any]:
        return {
            "conversation_id": self.handoff.conversation_id,
            "reason": self.handoff.reason.value,
            "priority": self.handoff.priority.value,
        }


@dataclass(frozen=True)
class HandoffResolved:
    borrower_id: str
    conversation_id: str
    outcome: HandoffOutcome
    webhook_type = "handoff.resolved"

    def webhook_data(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, "outcome": self.outcome.value}


@dataclass(frozen=True)
class CrisisDetected:
    """No message text, ever: only that a person was brought in."""

    borrower_id: str
    conversation_id: str
    webhook_type = "crisis.detected"

    def webhook_data(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id}


@dataclass(frozen=True)
class GuardBlocked:
    conversation_id: Optional[str]
    author: str
    category: str
    rule_id: str
    webhook_type = None


@dataclass(frozen=True)
class ThirdPartyNoticed:
    """Someone other than the account holder wrote; recorded for the collector without account data."""

    borrower_id: str
    conversation_id: str
    cues: tuple[str, ...] = field(default_factory=tuple)
    reverted: tuple[str, ...] = field(default_factory=tuple)
    webhook_type = None


@dataclass(frozen=True)
class CommandRejected:
    """A command from the action server the hub did not apply: `stage` `contract` (malformed payload)
    or `state` (refused against the current account); `reason` is a short code, never message text."""

    conversation_id: str
    borrower_id: str
    command: str
    reason: str
    stage: str
    webhook_type = None


Event = Union[
    MessageStored,
    StatusChanged,
    QueueChanged,
    TypingChanged,
    PlanAgreed,
    PlanCompleted,
    PlanBroken,
    InstallmentPaid,
    InstallmentMissed,
    PaymentReceived,
    PromiseMade,
    PromiseKept,
    PromiseMissed,
    DisputeOpened,
    ContactChanged,
    HardshipRecorded,
    HandoffRequested,
    HandoffResolved,
    CrisisDetected,
    GuardBlocked,
    ThirdPartyNoticed,
    CommandRejected,
]
