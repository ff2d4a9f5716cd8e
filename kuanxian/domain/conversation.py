"""A Conversation between a Borrower and the assistant or a Collector, and how its status moves.

bot ──request_handoff──▶ waiting_for_collector ──claim──▶ with_collector
 ▲                          │  ▲                             │
 │                          │  └──── (more urgent request)   │
 └────────── hand_back ◀────┼────────────────────────────────┘
 resolved ◀─── resolve ─────┴─────────────────────────────────
 resolved ──reopen──▶ bot   (the Borrower writes again)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Optional

from kuanxian.domain.handoff import HandoffReason, Priority


class TransitionError(ValueError):
    """A status change the Conversation does not allow from where it is."""

    def __init__(self, current: ConversationStatus, action: str) -> None:
        super().__init__(f"cannot {action} a conversation that is {current.value}")
        self.current = current
        self.action = action


class ConversationStatus(StrEnum):
    BOT = "bot"
    WAITING_FOR_COLLECTOR = "waiting_for_collector"
    WITH_COLLECTOR = "with_collector"
    RESOLVED = "resolved"

    @property
    def open(self) -> bool:
        return self is not ConversationStatus.RESOLVED

    @property
    def human(self) -> bool:
        """A person is awaited or holds it: the assistant stays quiet."""
        return self in (ConversationStatus.WAITING_FOR_COLLECTOR, ConversationStatus.WITH_COLLECTOR)


class Speaker(StrEnum):
    """Who seems to be typing in this Conversation."""

    HOLDER = "holder"
    # Someone who said or implied they are not the account holder: no account detail, no account change.
    THIRD_PARTY = "third_party"


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    borrower_id: str
    status: ConversationStatus
    created_at: datetime
    priority: Optional[Priority] = None
    reason: Optional[HandoffReason] = None
    collector_id: Optional[int] = None
    waiting_since: Optional[datetime] = None
    last_seq: int = 0
    last_read_seq: int = 0
    speaker: Speaker = Speaker.HOLDER
    collector_name: Optional[str] = None
    borrower_name: Optional[str] = None

    # Transitions: each returns the Conversation after the change, or raises TransitionError.
    def request_handoff(self, reason: HandoffReason, priority: Priority, at: datetime) -> Conversation:
        """Ask for a person; a more urgent request raises the priority of one already waiting."""
        if self.status is ConversationStatus.RESOLVED:
            raise TransitionError(self.status, "hand off")
        if self.status is ConversationStatus.BOT:
            return replace(
                self, status=ConversationStatus.WAITING_FOR_COLLECTOR, priority=priority, reason=reason, waiting_since=at, collector_id=None
            )
        if self.priority is None or priority.rank < self.priority.rank:
            return replace(self, priority=priority, reason=reason)
        return self

    def claim(self, collector_id: int) -> Conversation:
        if self.status is not ConversationStatus.WAITING_FOR_COLLECTOR:
            raise TransitionError(self.status, "claim")
        return replace(self, status=ConversationStatus.WITH_COLLECTOR, collector_id=collector_id)

    def hand_back(self, collector_id: int) -> Conversation:
        self._held_by(collector_id, "hand back")
        return replace(self, status=ConversationStatus.BOT, collector_id=None, priority=None, reason=None, waiting_since=None)

    def resolve(self, collector_id: Optional[int] = None) -> Conversation:
        if self.status is ConversationStatus.WITH_COLLECTOR:
            self._held_by(collector_id, "resolve")
        elif self.status is ConversationStatus.RESOLVED:
            raise TransitionError(self.status, "resolve")
        return replace(
            self,
            status=ConversationStatus.RESOLVED,
            collector_id=None,
            priority=None,
            reason=None,
            waiting_since=None,
            speaker=Speaker.HOLDER,
        )

    def reopen(self) -> Conversation:
        if self.status is not ConversationStatus.RESOLVED:
            raise TransitionError(self.status, "reopen")
        return replace(self, status=ConversationStatus.BOT)

    def _held_by(self, collector_id: Optional[int], action: str) -> None:
        if self.status is not ConversationStatus.WITH_COLLECTOR or self.collector_id != collector_id:
            raise TransitionError(self.status, action)
