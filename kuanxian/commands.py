"""The command contract: actions decide, the hub writes (version 2; docs/commands.md).

An action never writes to the database. It reads what it needs, decides, and
returns typed commands next to its texts. Each command travels as a Rasa
`json_message`, which the REST channel returns as `{"custom": {...}}`::

    {"kuanxian": {"version": 2, "type": "agree_plan", ...fields}}

The hub parses every command, validates it against the current state (the
Borrower, the policy, who is typing) and applies it in one transaction with its
consequences (notices, reminders cancelled, outbox events). A command the hub
refuses changes nothing and is logged.

Plain dataclasses and the standard library only: this module runs in the Rasa
venv (Python 3.11 with Rasa's pins) and in the hub venv.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Optional, TypeVar, Union

from kuanxian.dates import Frequency
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.hardship import HardshipCategory

__all__ = [
    "COMMAND_VERSION",
    "PAYLOAD_KEY",
    "AgreePlan",
    "Command",
    "CommandError",
    "MarkWrongContact",
    "OpenDispute",
    "OptIn",
    "OptOut",
    "PauseReminders",
    "RecordHardship",
    "RecordPromise",
    "RequestHandoff",
    "ScheduleReminder",
    "WithdrawDispute",
    "parse_command",
    "to_json_message",
    "wire_name",
]

PAYLOAD_KEY = "kuanxian"
COMMAND_VERSION = 2
MAX_TEXT = 500
MAX_DETAILS = 4000
SCHEDULABLE_KINDS = frozenset({"follow_up"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class CommandError(ValueError):
    """A payload that does not follow the contract (unknown type, bad field, wrong version)."""


@dataclass(frozen=True)
class AgreePlan:
    """The Borrower agreed this plan. The hub rebuilds it with the plan engine and stores it only
    if the engine accepts exactly these terms under the current balance and policy."""

    amount: Decimal
    count: int
    frequency: Frequency
    first_date: date
    holiday_days: int = 0
    hardship: bool = False


@dataclass(frozen=True)
class RecordHardship:
    """Record a hardship category; refused unless `consent` is true."""

    category: HardshipCategory
    consent: bool


@dataclass(frozen=True)
class PauseReminders:
    """Pause proactive reminders after a hardship disclosure (the length is the lender's setting)."""

    reason: str = "hardship"


@dataclass(frozen=True)
class OptOut:
    """The Borrower asked for no more proactive messages."""


@dataclass(frozen=True)
class OptIn:
    """The Borrower asked for reminders again (this also ends a hardship pause they asked to end)."""


@dataclass(frozen=True)
class OpenDispute:
    """The Borrower disputes the debt: collection of it pauses until a person verifies it."""

    summary: str = ""


@dataclass(frozen=True)
class RequestHandoff:
    """Bring a person in, with what the assistant knows (offers refused, requests beyond policy)."""

    reason: HandoffReason
    priority: Priority
    summary: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordPromise:
    """The Borrower said they will pay on a day; tracked, and reminded of when `remind` is true."""

    promised_for: date
    amount: Optional[Decimal] = None
    remind: bool = False


@dataclass(frozen=True)
class ScheduleReminder:
    """A follow-up the Borrower asked for ("remind me on the 10th")."""

    send_at: datetime
    kind: str = "follow_up"
    note: str = ""


@dataclass(frozen=True)
class WithdrawDispute:
    """The Borrower takes back a dispute this Conversation opened ("我没得异议 账是对的"): reminders as before."""


@dataclass(frozen=True)
class MarkWrongContact:
    """The person reached is not the Borrower and does not know them: no more messages to this contact."""


Command = Union[
    AgreePlan,
    RecordHardship,
    PauseReminders,
    OptOut,
    OptIn,
    OpenDispute,
    RequestHandoff,
    RecordPromise,
    ScheduleReminder,
    MarkWrongContact,
    WithdrawDispute,
]

_TYPES: dict[str, type] = {
    "agree_plan": AgreePlan,
    "record_hardship": RecordHardship,
    "pause_reminders": PauseReminders,
    "opt_out": OptOut,
    "opt_in": OptIn,
    "open_dispute": OpenDispute,
    "request_handoff": RequestHandoff,
    "record_promise": RecordPromise,
    "schedule_reminder": ScheduleReminder,
    "mark_wrong_contact": MarkWrongContact,
    "withdraw_dispute": WithdrawDispute,
}
_NAMES = {cls: name for name, cls in _TYPES.items()}


def wire_name(class_name: str) -> str:
    """The contract's name of a command class ("AgreePlan" -> "agree_plan"); unknown names as they are."""
    return next((name for name, cls in _TYPES.items() if cls.__name__ == class_name), class_name)


def _encode(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, (Frequency, HandoffReason, Priority, HardshipCategory)):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def to_json_message(command: Command) -> dict[str, Any]:
    """The `json_message` an action sends for `command`."""
    body: dict[str, Any] = {"version": COMMAND_VERSION, "type": _NAMES[type(command)]}
    body.update({k: _encode(v) for k, v in asdict(command).items()})
    return {PAYLOAD_KEY: body}


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise CommandError(f"{name} must be a string")
    return value[:MAX_TEXT]


def _decimal(value: Any, name: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise CommandError(f"{name} must be a decimal amount") from exc
    if not result.is_finite() or result <= 0 or result.as_tuple().exponent < -2 or result > Decimal("1e10"):  # type: ignore[operator]
        raise CommandError(f"{name} must be a positive amount in yuan, to the fen")
    return result


def _date(value: Any, name: str) -> date:
    # Exactly YYYY-MM-DD: Python also reads 20250215 and ISO week dates, which are not the contract.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise CommandError(f"{name} must be YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} must be YYYY-MM-DD") from exc


def _aware(value: Any, name: str) -> datetime:
    try:
        result = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise CommandError(f"{name} must be an ISO 8601 time") from exc
    if result.tzinfo is None:
        raise CommandError(f"{name} must carry a time zone")
    return result


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CommandError(f"{name} must be a whole number from {low} to {high}")
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise CommandError(f"{name} must be true or false")
    return value


_E = TypeVar("_E", bound=Enum)


def _enum(enum: type[_E], value: object, name: str) -> _E:
    try:
        return enum(value)
    except ValueError as exc:
        raise CommandError(f"{name}: unknown value {value!r}") from exc


def _build(kind: str, body: Mapping[str, Any]) -> Command:
    if kind == "agree_plan":
        return AgreePlan(
            amount=_decimal(body["amount"], "amount"),
            count=_int(body["count"], "count", 1, 520),
            frequency=_enum(Frequency, body["frequency"], "frequency"),
            first_date=_date(body["first_date"], "first_date"),
            holiday_days=_int(body.get("holiday_days", 0), "holiday_days", 0, 366),
            hardship=_flag(body.get("hardship", False), "hardship"),
        )
    if kind == "record_hardship":
        return RecordHardship(HardshipCategory.parse(body["category"]), body["consent"] is True)
    if kind == "pause_reminders":
        return PauseReminders(_text(body.get("reason", "hardship"), "reason"))
    if kind == "open_dispute":
        return OpenDispute(_text(body.get("summary", ""), "summary"))
    if kind == "request_handoff":
        details = body.get("details") or {}
        if not isinstance(details, Mapping):
            raise CommandError("details must be an object")
        if len(json.dumps(details, ensure_ascii=False, default=str)) > MAX_DETAILS:
            raise CommandError(f"details must be at most {MAX_DETAILS} characters of JSON")
        return RequestHandoff(
            _enum(HandoffReason, body["reason"], "reason"),
            _enum(Priority, body["priority"], "priority"),
            _text(body.get("summary", ""), "summary"),
            dict(details),
        )
    if kind == "record_promise":
        amount = body.get("amount")
        return RecordPromise(
            _date(body["promised_for"], "promised_for"),
            _decimal(amount, "amount") if amount is not None else None,
            _flag(body.get("remind", False), "remind"),
        )
    if kind == "schedule_reminder":
        # An action may ask only for the follow-ups a Borrower can request, never a collection notice.
        reminder_kind = _text(body.get("kind", "follow_up"), "kind")
        if reminder_kind not in SCHEDULABLE_KINDS:
            raise CommandError(f"kind: unknown value {reminder_kind!r} (one of {', '.join(sorted(SCHEDULABLE_KINDS))})")
        return ScheduleReminder(_aware(body["send_at"], "send_at"), reminder_kind, _text(body.get("note", ""), "note"))
    cls = _TYPES[kind]
    return cls()  # type: ignore[no-any-return]


def parse_command(custom: object) -> Optional[Command]:
    """The command in a Rasa `custom` payload; None when it is not a Kuanxian payload."""
    if not isinstance(custom, Mapping) or PAYLOAD_KEY not in custom:
        return None
    body = custom[PAYLOAD_KEY]
    if not isinstance(body, Mapping):
        raise CommandError("payload body must be an object")
    if body.get("version") != COMMAND_VERSION:
        raise CommandError(f"unsupported command version {body.get('version')!r} (this hub speaks {COMMAND_VERSION})")
    kind = body.get("type")
    if kind not in _TYPES:
        raise CommandError(f"unknown command type {kind!r}")
    try:
        return _build(str(kind), body)
    except KeyError as exc:
        raise CommandError(f"{kind}: missing field {exc.args[0]}") from exc
    except (TypeError, AttributeError) as exc:
        raise CommandError(f"{kind}: {exc}") from exc


def field_names(command_type: type) -> tuple[str, ...]:
    """The fields of a command type (for the documentation test)."""
    return tuple(f.name for f in fields(command_type))
