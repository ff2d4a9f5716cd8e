"""The custom payloads the actions emit and the hub consumes.

Every payload travels as a Rasa `json_message` (the REST channel returns it as
`{"custom": {...}}`) and looks like::

    {"kuanxian": {"version": 1, "type": "handoff", ...}}

Types:

- ``handoff``: ``reason`` (one of REASONS), ``priority`` (urgent | high | normal),
  ``summary`` (short Chinese text for the collector).
- ``reminder``: ``kind`` ("follow_up"), ``send_at`` (ISO 8601 with zone), ``note``.
- ``payment_plan``: ``plan_id`` of a confirmed PaymentPlan (the hub schedules
  its installment_due Reminders).

See docs/handoff.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Mapping, Optional, Union

PAYLOAD_KEY = "kuanxian"
PAYLOAD_VERSION = 1

Priority = Literal["urgent", "high", "normal"]
PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal")
REASONS: tuple[str, ...] = (
    "crisis",
    "distress",
    "dispute",
    "complaint",
    "request_human",
    "deferral",
    "fee_relief",
    "hardship",
    "other",
)


class PayloadError(ValueError):
    """A custom payload that does not follow the documented shape."""


@dataclass(frozen=True)
class HandoffRequest:
    """Ask the hub to bring a Collector into the Conversation."""

    reason: str
    priority: Priority
    summary: str = ""

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise PayloadError(f"unknown handoff reason {self.reason!r}")
        if self.priority not in PRIORITIES:
            raise PayloadError(f"unknown handoff priority {self.priority!r}")


@dataclass(frozen=True)
class ReminderRequest:
    """Ask the hub to schedule a follow_up Reminder the Borrower agreed to."""

    send_at: datetime
    kind: str = "follow_up"
    note: str = ""

    def __post_init__(self) -> None:
        if self.send_at.tzinfo is None:
            raise PayloadError("send_at must be timezone-aware")


@dataclass(frozen=True)
class PlanConfirmed:
    """A PaymentPlan was confirmed and stored."""

    plan_id: int


Payload = Union[HandoffRequest, ReminderRequest, PlanConfirmed]


def to_json_message(payload: Payload) -> dict[str, Any]:
    """The `json_message` an action sends for `payload`."""
    body: dict[str, Any] = {"version": PAYLOAD_VERSION}
    if isinstance(payload, HandoffRequest):
        body.update(type="handoff", reason=payload.reason, priority=payload.priority, summary=payload.summary)
    elif isinstance(payload, ReminderRequest):
        body.update(type="reminder", kind=payload.kind, send_at=payload.send_at.isoformat(), note=payload.note)
    else:
        body.update(type="payment_plan", plan_id=payload.plan_id)
    return {PAYLOAD_KEY: body}


def parse_custom(custom: Any) -> Optional[Payload]:
    """Parse a `custom` object from Rasa; None when it is not a Kuanxian payload."""
    if not isinstance(custom, Mapping) or PAYLOAD_KEY not in custom:
        return None
    body = custom[PAYLOAD_KEY]
    if not isinstance(body, Mapping):
        raise PayloadError("payload body must be an object")
    kind = body.get("type")
    try:
        if kind == "handoff":
            return HandoffRequest(str(body["reason"]), body["priority"], str(body.get("summary", "")))
        if kind == "reminder":
            return ReminderRequest(
                datetime.fromisoformat(str(body["send_at"])), str(body.get("kind", "follow_up")), str(body.get("note", ""))
            )
        if kind == "payment_plan":
            return PlanConfirmed(int(body["plan_id"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise PayloadError(f"bad {kind} payload: {exc}") from exc
    raise PayloadError(f"unknown payload type {kind!r}")
