"""A Handoff: a request for a person, why, how urgent, and what came of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Optional


class HandoffReason(StrEnum):
    CRISIS = "crisis"
    DISTRESS = "distress"
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    REQUEST_HUMAN = "request_human"
    DEFERRAL = "deferral"
    FEE_RELIEF = "fee_relief"
    HARDSHIP = "hardship"
    PLAN_BROKEN = "plan_broken"
    THIRD_PARTY = "third_party"
    ASSISTANT_UNAVAILABLE = "assistant_unavailable"
    OTHER = "other"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        """0 is the most urgent."""
        return ("urgent", "high", "normal").index(self.value)


class HandoffOutcome(StrEnum):
    HANDED_BACK = "handed_back"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Handoff:
    conversation_id: str
    reason: HandoffReason
    priority: Priority
    requested_at: datetime
    summary: str = ""
    # What the assistant knows that helps the person: offers made and refused, the hardship recorded.
    details: Mapping[str, object] = field(default_factory=dict)
    handoff_id: Optional[int] = None
    collector_id: Optional[int] = None
    claimed_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    outcome: Optional[HandoffOutcome] = None
