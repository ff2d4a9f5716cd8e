"""The command contract between the actions and the hub: every command survives the trip as JSON,
and a payload that breaks the contract is refused with a message that says what is wrong."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kuanxian import commands as c
from kuanxian.commands import CommandError, parse_command, to_json_message
from kuanxian.dates import Frequency
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.hardship import HardshipCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")

EXAMPLES: list[Any] = [
    c.AgreePlan(Decimal("1000.00"), 12, Frequency.MONTHLY, date(2025, 2, 15)),
    c.AgreePlan(Decimal("500"), 24, Frequency.BIWEEKLY, date(2025, 3, 16), holiday_days=60, hardship=True),
    c.AgreePlan(Decimal("0.01"), 520, Frequency.WEEKLY, date(2025, 2, 1)),
    c.RecordHardship(HardshipCategory.JOB_LOSS, True),
    c.RecordHardship(HardshipCategory.ILLNESS, False),
    c.PauseReminders(),
    c.PauseReminders("distress"),
    c.OptOut(),
    c.OptIn(),
    c.OpenDispute(),
    c.OpenDispute("借款人说这笔钱已经还过了"),
    c.RequestHandoff(HandoffReason.DEFERRAL, Priority.NORMAL),
    c.RequestHandoff(
        HandoffReason.CRISIS,
        Priority.URGENT,
        "需要马上联系",
        {
            "requested_holiday_days": 120,
            "offers": {"1000.00x12@2025-02-15": 2},
            "income": None,
            "requested": {"amount": "600.00", "count": None},
            "tags": ["a", "b"],
        },
    ),
    c.RecordPromise(date(2025, 1, 20)),
    c.RecordPromise(date(2025, 1, 20), Decimal("800.50"), remind=True),
    c.ScheduleReminder(datetime(2025, 1, 20, 10, 0, tzinfo=SHANGHAI)),
    c.ScheduleReminder(datetime(2025, 1, 20, 2, 0, tzinfo=UTC), "follow_up", "borrower_request"),
    c.MarkWrongContact(),
    c.WithdrawDispute(),
]


def body(kind: str, /, **fields_: Any) -> dict[str, Any]:
    return {c.PAYLOAD_KEY: {"version": c.COMMAND_VERSION, "type": kind, **fields_}}


def agree(**changes: Any) -> dict[str, Any]:
    base = {"amount": "1000.00", "count": 12, "frequency": "monthly", "first_date": "2025-02-15"}
    return body("agree_plan", **{**base, **changes})


def refused(payload: Any) -> str:
    with pytest.raises(CommandError) as caught:
        parse_command(payload)
    return str(caught.value)


# ------------------------------------------------------------------ round trips --


@pytest.mark.parametrize("command", EXAMPLES, ids=lambda cmd: type(cmd).__name__)
def test_every_command_survives_the_trip_through_json(command: Any) -> None:
    message = to_json_message(command)
    wire = json.loads(json.dumps(message, ensure_ascii=False))
    assert wire == message  # plain JSON, nothing left for a custom encoder
    back = parse_command(wire)
    assert type(back) is type(command)
    assert back == command


def test_the_examples_cover_every_command_type() -> None:
    assert {type(cmd) for cmd in EXAMPLES} == set(c._TYPES.values())


def test_the_envelope_names_the_version_and_type() -> None:
    message = to_json_message(c.OptOut())
    assert message == {"kuanxian": {"version": 2, "type": "opt_out"}}
    agreed = to_json_message(EXAMPLES[1])["kuanxian"]
    assert agreed == {
        "version": 2,
        "type": "agree_plan",
        "amount": "500",
        "count": 24,
        "frequency": "biweekly",
        "first_date": "2025-03-16",
        "holiday_days": 60,
        "hardship": True,
    }


def test_a_reminder_time_keeps_its_instant_and_offset() -> None:
    send_at = datetime(2025, 1, 20, 10, 0, tzinfo=SHANGHAI)
    wire = to_json_message(c.ScheduleReminder(send_at))["kuanxian"]
    assert wire["send_at"] == "2025-01-20T10:00:00+08:00"
    back = parse_command({"kuanxian": wire})
    assert back.send_at.utcoffset() == timedelta(hours=8)  # type: ignore[union-attr]
    assert back.send_at == datetime(2025, 1, 20, 2, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_field_names_lists_a_commands_fields_in_order() -> None:
    assert c.field_names(c.AgreePlan) == ("amount", "count", "frequency", "first_date", "holiday_days", "hardship")
    assert c.field_names(c.OptOut) == ()
    assert c.field_names(c.RequestHandoff) == tuple(f.name for f in fields(c.RequestHandoff))


def test_optional_fields_take_their_defaults() -> None:
    assert parse_command(body("pause_reminders")) == c.PauseReminders("hardship")
    assert parse_command(body("open_dispute")) == c.OpenDispute("")
    assert parse_command(body("request_handoff", reason="dispute", priority="high")) == c.RequestHandoff(
        HandoffReason.DISPUTE, Priority.HIGH, "", {}
    )
    assert parse_command(body("record_promise", promised_for="2025-01-20")) == c.RecordPromise(date(2025, 1, 20), None, False)
    assert parse_command(agree()) == c.AgreePlan(Decimal("1000.00"), 12, Frequency.MONTHLY, date(2025, 2, 15), 0, False)


# ----------------------------------------------------------- not ours / envelope --


@pytest.mark.parametrize("custom", [None, "text", 3, [], {}, {"other": {"type": "opt_out"}}, {"Kuanxian": {}}])
def test_a_payload_that_is_not_a_kuanxian_command_is_none(custom: Any) -> None:
    assert parse_command(custom) is None


@pytest.mark.parametrize("inner", [None, "opt_out", ["opt_out"], 2])
def test_a_body_that_is_not_an_object_is_refused(inner: Any) -> None:
    assert refused({"kuanxian": inner}) == "payload body must be an object"


@pytest.mark.parametrize("version", [None, 1, 3, "2", True])
def test_another_version_is_refused_naming_both_versions(version: Any) -> None:
    payload: dict[str, Any] = {"type": "opt_out"}
    if version is not None:
        payload["version"] = version
    message = refused({"kuanxian": payload})
    assert message == f"unsupported command version {version!r} (this hub speaks 2)"


@pytest.mark.parametrize("kind", [None, "", "delete_borrower", "AgreePlan", "agree-plan", 3])
def test_an_unknown_type_is_refused_with_its_name(kind: Any) -> None:
    payload: dict[str, Any] = {"version": 2}
    if kind is not None:
        payload["type"] = kind
    assert refused({"kuanxian": payload}) == f"unknown command type {kind!r}"


# ------------------------------------------------------------------ bad fields --


@pytest.mark.parametrize(
    "kind, fields_, missing",
    [
        ("agree_plan", {"count": 12, "frequency": "monthly", "first_date": "2025-02-15"}, "amount"),
        ("agree_plan", {"amount": "1000", "frequency": "monthly", "first_date": "2025-02-15"}, "count"),
        ("agree_plan", {"amount": "1000", "count": 12, "first_date": "2025-02-15"}, "frequency"),
        ("agree_plan", {"amount": "1000", "count": 12, "frequency": "monthly"}, "first_date"),
        ("record_hardship", {"consent": True}, "category"),
        ("record_hardship", {"category": "illness"}, "consent"),
        ("request_handoff", {"priority": "high"}, "reason"),
        ("request_handoff", {"reason": "dispute"}, "priority"),
        ("record_promise", {}, "promised_for"),
        ("schedule_reminder", {}, "send_at"),
    ],
)
def test_a_missing_field_is_named(kind: str, fields_: dict[str, Any], missing: str) -> None:
    assert refused(body(kind, **fields_)) == f"{kind}: missing field {missing}"


AMOUNT_REFUSED = "amount must be a positive amount in yuan, to the fen"


@pytest.mark.parametrize(
    "amount",
    ["1e30", "1E+11", "10000000000.01", "-5", "-0.01", "0", "0.00", "1.005", "1000.001", "0.001", "NaN", "Infinity", "-Infinity", "sNaN"],
)
def test_an_amount_that_is_not_a_positive_sum_to_the_fen_is_refused(amount: str) -> None:
    assert refused(agree(amount=amount)) == AMOUNT_REFUSED
    assert refused(body("record_promise", promised_for="2025-01-20", amount=amount)) == AMOUNT_REFUSED


@pytest.mark.parametrize("amount", ["abc", "", "1,000", "一千", [], {}, None])
def test_an_amount_that_is_not_a_number_is_refused(amount: Any) -> None:
    assert refused(agree(amount=amount)) == "amount must be a decimal amount"


@pytest.mark.parametrize(
    "amount, expected",
    [("0.01", "0.01"), ("1000", "1000"), ("1000.5", "1000.5"), ("1E+3", "1000"), (800, "800"), ("10000000000", "10000000000")],
)
def test_amounts_to_the_fen_up_to_ten_billion_are_accepted(amount: Any, expected: str) -> None:
    command = parse_command(agree(amount=amount))
    assert command.amount == Decimal(expected)  # type: ignore[union-attr]


@pytest.mark.parametrize("count", [0, -1, 521, "12", 12.0, True, None])
def test_a_count_outside_1_to_520_or_not_a_whole_number_is_refused(count: Any) -> None:
    assert refused(agree(count=count)) == "count must be a whole number from 1 to 520"


@pytest.mark.parametrize("days", [-1, 367, "60", 1.5, False])
def test_holiday_days_outside_0_to_366_are_refused(days: Any) -> None:
    assert refused(agree(holiday_days=days)) == "holiday_days must be a whole number from 0 to 366"


@pytest.mark.parametrize("value", ["false", "true", 1, 0, None, "yes"])
def test_a_hardship_flag_must_be_a_real_boolean(value: Any) -> None:
    """ "false" is a true string: read loosely it would grant a hardship holiday nobody disclosed."""
    assert refused(agree(hardship=value)) == "hardship must be true or false"


@pytest.mark.parametrize("value", ["false", 1, None])
def test_a_promise_reminder_flag_must_be_a_real_boolean(value: Any) -> None:
    assert refused(body("record_promise", promised_for="2025-01-20", remind=value)) == "remind must be true or false"


@pytest.mark.parametrize("value", ["fortnightly", "MONTHLY", "", None, 30])
def test_an_unknown_frequency_is_refused_with_the_value(value: Any) -> None:
    assert refused(agree(frequency=value)) == f"frequency: unknown value {value!r}"


@pytest.mark.parametrize(
    "value", ["2025-02-30", "15/02/2025", "2025-2-15", "next month", "", None, 20250215, "20250215", "2025-W07-3", "2025-02-15T00:00"]
)
def test_a_date_that_is_not_a_calendar_date_is_refused(value: Any) -> None:
    assert refused(agree(first_date=value)) == "first_date must be YYYY-MM-DD"
    assert refused(body("record_promise", promised_for=value)) == "promised_for must be YYYY-MM-DD"


@pytest.mark.parametrize("value", ["2025-01-20T10:00:00", "2025-01-20 10:00", "2025-01-20"])
def test_a_reminder_time_without_a_zone_is_refused(value: str) -> None:
    assert refused(body("schedule_reminder", send_at=value)) == "send_at must carry a time zone"


@pytest.mark.parametrize("value", ["tomorrow 10am", "", None, 1737331200])
def test_a_reminder_time_that_is_not_iso_8601_is_refused(value: Any) -> None:
    assert refused(body("schedule_reminder", send_at=value)) == "send_at must be an ISO 8601 time"


@pytest.mark.parametrize("field, value", [("reason", "bored"), ("priority", "critical")])
def test_an_unknown_handoff_reason_or_priority_is_refused(field: str, value: str) -> None:
    payload = {"reason": "dispute", "priority": "high", field: value}
    assert refused(body("request_handoff", **payload)) == f"{field}: unknown value {value!r}"


@pytest.mark.parametrize("details", [["offers"], "offers", 3])
def test_handoff_details_must_be_an_object(details: Any) -> None:
    assert refused(body("request_handoff", reason="dispute", priority="high", details=details)) == "details must be an object"


@pytest.mark.parametrize(
    "kind, field",
    [("open_dispute", "summary"), ("pause_reminders", "reason"), ("schedule_reminder", "note"), ("schedule_reminder", "kind")],
)
def test_free_text_fields_must_be_strings(kind: str, field: str) -> None:
    payload: dict[str, Any] = {field: 42}
    if kind == "schedule_reminder":
        payload["send_at"] = "2025-01-20T10:00:00+08:00"
    assert refused(body(kind, **payload)) == f"{field} must be a string"


def test_free_text_is_cut_at_the_limit() -> None:
    long = "很" * (c.MAX_TEXT + 50)
    command = parse_command(body("open_dispute", summary=long))
    assert command.summary == "很" * c.MAX_TEXT  # type: ignore[union-attr]


def test_hardship_without_an_explicit_true_is_not_consent() -> None:
    for value in ("true", 1, "yes", None):
        command = parse_command(body("record_hardship", category="illness", consent=value))
        assert command == c.RecordHardship(HardshipCategory.ILLNESS, False)


def test_an_unknown_hardship_category_is_recorded_as_other() -> None:
    assert parse_command(body("record_hardship", category="lottery", consent=True)) == c.RecordHardship(HardshipCategory.OTHER, True)


def test_command_errors_are_value_errors_so_a_caller_can_catch_them_broadly() -> None:
    assert issubclass(CommandError, ValueError)
