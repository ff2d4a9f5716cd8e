"""A Reminder: a proactive message, with every decision the contact rules made about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Optional


class ReminderKind(StrEnum):
    UPCOMING_DUE = "upcoming_due"
    OVERDUE = "overdue"
    INSTALLMENT_DUE = "installment_due"
    FOLLOW_UP = "follow_up"
    # After the plan: a thank-you on a payment, a gentle check-in on a miss.
    PAYMENT_THANKS = "payment_thanks"
    CHECK_IN = "check_in"


class ReminderStatus(StrEnum):
    SCHEDULED = "scheduled"
    DEFERRED = "deferred"
    SUPPRESSED = "suppressed"
    SENT = "sent"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ReminderDecision:
    at: datetime
    outcome: str
    reason: Optional[str]
    scheduled_for: Optional[datetime]


@dataclass(frozen=True)
class Reminder:
    reminder_id: int
    borrower_id: str
    kind: ReminderKind
    source: str
    send_at: datetime
    scheduled_for: Optional[datetime]
    status: ReminderStatus
    reason: Optional[str] = None
    amount_fen: Optional[int] = None
    due_date: Optional[date] = None
    plan_id: Optional[int] = None
    installment_seq: Optional[int] = None
    attempts: int = 0
    lease_owner: Optional[str] = None
    sent_at: Optional[datetime] = None
    # Why the assistant asked for it (schedule_reminder's note), e.g. "borrower_request".
    note: Optional[str] = None
