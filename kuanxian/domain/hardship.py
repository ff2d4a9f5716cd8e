"""A Hardship a Borrower disclosed and agreed to have recorded (category only, never free text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Optional


class HardshipCategory(StrEnum):
    JOB_LOSS = "job_loss"
    ILLNESS = "illness"
    FAMILY_CARE = "family_care"
    BEREAVEMENT = "bereavement"
    BUSINESS_FAILURE = "business_failure"
    INCOME_DROP = "income_drop"
    PREGNANCY_CHILDCARE = "pregnancy_childcare"
    DISASTER = "disaster"
    OTHER = "other"

    @classmethod
    def parse(cls, value: object) -> HardshipCategory:
        """A known category, or OTHER."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True)
class Hardship:
    borrower_id: str
    category: HardshipCategory
    recorded_at: datetime
    conversation_id: Optional[str] = None
