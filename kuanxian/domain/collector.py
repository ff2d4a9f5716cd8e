"""A Collector: a person who takes escalated Conversations in the console."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a console user may do: collectors chat, leads also see outcomes, trainers review blocks."""

    COLLECTOR = "collector"
    LEAD = "lead"
    TRAINER = "trainer"

    def may(self, permission: Permission) -> bool:
        return self in _PERMISSIONS[permission]


class Permission(StrEnum):
    CHAT = "chat"
    DASHBOARD = "dashboard"
    REVIEW_REPORTS = "review_reports"
    APPROVE_EXCEPTIONS = "approve_exceptions"


_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.CHAT: frozenset({Role.COLLECTOR, Role.LEAD, Role.TRAINER}),
    Permission.DASHBOARD: frozenset({Role.LEAD}),
    Permission.REVIEW_REPORTS: frozenset({Role.TRAINER, Role.LEAD}),
    Permission.APPROVE_EXCEPTIONS: frozenset({Role.LEAD}),
}


@dataclass(frozen=True)
class Collector:
    """A console user, without credentials (those stay in storage)."""

    collector_id: int
    username: str
    display_name: str
    role: Role = Role.COLLECTOR
