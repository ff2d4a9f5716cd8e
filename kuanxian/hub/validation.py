"""Request-body parsing with errors that name the field."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuanxian.accounts import Borrower
from kuanxian.dates import Frequency
from kuanxian.hub.errors import bad_request, invalid
from kuanxian.plans import Policy

MAX_BODY_BYTES = 64 * 1024


def json_body(raw: bytes) -> dict[str, Any]:
    """A JSON object body, or 400 (malformed) / 413 (too large)."""
    if len(raw) > MAX_BODY_BYTES:
        raise invalid("body", f"must be at most {MAX_BODY_BYTES} bytes", status=413)
    try:
        body = json.loads(raw.decode("utf-8") if raw else "")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"malformed JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise bad_request("the JSON body must be an object")
    return body


def money(body: Mapping[str, Any], field: str, *, prefix: str = "", positive: bool = False) -> Decimal:
    name = prefix + field
    value = body.get(field)
    if not isinstance(value, str):
        raise invalid(name, "must be a decimal string such as \"1200.00\"")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise invalid(name, "is not a decimal number") from exc
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise invalid(name, "must be a positive amount" if positive else "must not be negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise invalid(name, "has more than two decimal places")
    return amount.quantize(Decimal("0.01"))


def integer(body: Mapping[str, Any], field: str, low: int, high: int, *, prefix: str = "") -> int:
    value = body.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise invalid(prefix + field, f"must be an integer from {low} to {high}")
    return value


def text(body: Mapping[str, Any], field: str, max_len: int, *, prefix: str = "") -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise invalid(prefix + field, f"must be a non-empty string of at most {max_len} characters")
    return value.strip()


def aware_datetime(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise invalid(field, "must be an ISO 8601 date-time with a time zone")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(field, "is not an ISO 8601 date-time") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise invalid(field, "needs a time zone offset (naive date-times are refused)")
    return parsed


def borrower_from_body(borrower_id: str, body: Mapping[str, Any]) -> Borrower:
    """The lender's account upsert body → Borrower (flags left at their defaults)."""
    if not borrower_id or len(borrower_id) > 64:
        raise invalid("borrower_id", "must be 1 to 64 characters")
    timezone_name = text(body, "timezone", 64)
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise invalid("timezone", "is not an IANA time zone such as Asia/Shanghai") from exc
    currency = body.get("currency", "CNY")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise invalid("currency", "must be a 3-letter ISO 4217 code")
    policy_body = body.get("policy")
    if not isinstance(policy_body, dict):
        raise invalid("policy", "must be an object")
    frequencies = policy_body.get("allowed_frequencies", ["monthly"])
    try:
        allowed = frozenset(Frequency(f) for f in frequencies)
    except (TypeError, ValueError) as exc:
        raise invalid("policy.allowed_frequencies", "must list monthly, biweekly or weekly") from exc
    if not allowed:
        raise invalid("policy.allowed_frequencies", "must not be empty")
    freeze = policy_body.get("interest_freeze_on_hardship", False)
    if not isinstance(freeze, bool):
        raise invalid("policy.interest_freeze_on_hardship", "must be true or false")
    policy = Policy(
        min_installment=money(policy_body, "min_installment", prefix="policy.", positive=True),
        max_term_months=integer(policy_body, "max_term_months", 1, 120, prefix="policy."),
        allowed_frequencies=allowed,
        payment_holiday_days=integer(policy_body, "payment_holiday_days", 0, 365, prefix="policy.") if "payment_holiday_days" in policy_body else 0,
        interest_freeze_on_hardship=freeze,
    )
    return Borrower(
        borrower_id=borrower_id,
        display_name=text(body, "display_name", 100),
        timezone=timezone_name,
        currency=currency.upper(),
        principal=money(body, "principal"),
        interest_and_fees=money(body, "interest_and_fees"),
        days_overdue=integer(body, "days_overdue", 0, 100000),
        due_day=integer(body, "due_day", 1, 31),
        policy=policy,
    )


def optional_datetime(body: Mapping[str, Any], field: str) -> Optional[datetime]:
    value = body.get(field)
    return None if value is None else aware_datetime(value, field)
