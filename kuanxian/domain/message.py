"""A Message in a Conversation, and the buttons the assistant offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Optional


class SenderType(StrEnum):
    """Who wrote a Message. System messages are the hub's own (joined, handed back, notices)."""

    BORROWER = "borrower"
    BOT = "bot"
    COLLECTOR = "collector"
    SYSTEM = "system"


@dataclass(frozen=True)
class Button:
    """A quick reply: the title is shown, the payload is what a tap sends."""

    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One stored Message; `seq` orders a Conversation's Messages from 1."""

    seq: int
    sender_type: SenderType
    text: str
    created_at: datetime
    buttons: tuple[Button, ...] = ()
    client_id: Optional[str] = None
    # Internal collector notes never reach the Borrower.
    internal: bool = False
    sender_name: Optional[str] = None
    collector_id: Optional[int] = None


@dataclass(frozen=True)
class NewMessage:
    """A Message to append (the store gives it its seq and time)."""

    sender_type: SenderType
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    client_id: Optional[str] = None
    internal: bool = False
    collector_id: Optional[int] = None
