"""A Promise to pay on a day: kept by a payment, missed after its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    MISSED = "missed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Promise:
    promise_id: int
    borrower_id: str
    promised_for: date
    status: PromiseStatus
    created_at: datetime
    amount: Optional[Decimal] = None
    conversation_id: Optional[str] = None
