"""A Payment the lender received, and how it was allocated to the plan's Installments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class Allocation:
    seq: int
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    payment_id: str
    borrower_id: str
    amount: Decimal
    paid_at: datetime
    plan_id: Optional[int] = None
    allocations: tuple[Allocation, ...] = ()
    # What the plan did not need (overpaid) went to the balance.
    to_balance: Decimal = Decimal("0.00")
