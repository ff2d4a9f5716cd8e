"""Request and response schemas: one source of truth for validation and the OpenAPI description.

Every field is bounded: amounts are decimal strings to the fen below 10^10 yuan,
integers fit in 32 bits, texts are valid Unicode without NUL, times carry a
zone and fall between 2000 and 2100. A body that breaks any of it gets a 422
naming the field; nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

MAX_INT = 2**31 - 1
MAX_AMOUNT = Decimal("9999999999.99")
BORROWER_ID_PATTERN = r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.:\-\u4e00-\u9fff]{0,63}$"
_AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


def _clean_str(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains an invalid character (a lone surrogate)") from exc
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise ValueError("contains a control character")
    return value


def _amount(value: Any) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
        raise ValueError('must be a decimal string with at most two decimals, such as "1500.00"')
    try:
        return Decimal(value.strip()).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError("is not a decimal amount") from exc


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a time zone offset (naive date-times are refused)")
    if not 2000 <= value.year <= 2100:
        raise ValueError("must fall between the years 2000 and 2100")
    return value


def _sane_date(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise ValueError("must fall between the years 2000 and 2100")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Asia" is a directory of zones, not a zone
        raise ValueError("is not an IANA time zone such as Asia/Shanghai") from exc
    if "/" not in value and value not in ("UTC",):
        raise ValueError("is not an IANA time zone such as Asia/Shanghai")
    return value


Text = Annotated[str, AfterValidator(_clean_str)]
Amount = Annotated[Decimal, BeforeValidator(_amount), Field(json_schema_extra={"type": "string", "pattern": _AMOUNT.pattern})]
PositiveAmount = Annotated[Amount, Field(gt=0)]
AwareDateTime = Annotated[datetime, AfterValidator(_aware)]
SaneDate = Annotated[date, AfterValidator(_sane_date)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
# In JSON bodies a number must be a number and a flag true/false: no "5", no false for 0, no 1 for true.
BodyCount = Annotated[int, Field(ge=0, le=MAX_INT, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Zone = Annotated[str, Field(min_length=3, max_length=64), AfterValidator(_zone)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20000)


class Error(BaseModel):
    error: str
    message: str
    field: Optional[str] = None


# Widget -------------------------------------------------------------------------------
class SessionCreate(Model):
    borrower_token: Annotated[Text, Field(min_length=1, max_length=4096)]


class SessionOut(BaseModel):
    conversation_id: str
    session_token: str
    status: str
    collector_name: Optional[str]
    last_read_seq: int
    unread: int


class MessageCreate(Model):
    text: Annotated[str, Field(max_length=20000)]
    client_id: Optional[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]] = None


class Accepted(BaseModel):
    seq: int


class ButtonOut(BaseModel):
    title: str
    payload: str


class MessageOut(BaseModel):
    seq: int
    sender_type: Literal["borrower", "bot", "collector", "system"]
    text: str
    buttons: list[ButtonOut]
    created_at: datetime
    sender_name: Optional[str]
    client_id: Optional[str] = None
    internal: Optional[bool] = None


class MessagesOut(BaseModel):
    messages: list[MessageOut]


class MessagesQuery(Model):
    after: Count = 0


class ReadMark(Model):
    seq: BodyCount


# Console ------------------------------------------------------------------------------
class Login(Model):
    username: Annotated[Text, Field(min_length=1, max_length=64)]
    password: Annotated[Text, Field(min_length=1, max_length=256)]


class CollectorOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Literal["collector", "lead", "trainer"]


class LoginOut(BaseModel):
    token: str
    collector: CollectorOut


class ConversationOut(BaseModel):
    conversation_id: str
    borrower_id: str
    borrower_name: Optional[str]
    status: Literal["bot", "waiting_for_collector", "with_collector", "resolved"]
    priority: Optional[Literal["urgent", "high", "normal"]]
    reason: Optional[str]
    collector_id: Optional[int]
    collector_name: Optional[str]
    waiting_since: Optional[datetime]
    created_at: datetime
    speaker: Literal["holder", "third_party"]


class QueueOut(BaseModel):
    conversations: list[ConversationOut]


class ConversationEnvelope(BaseModel):
    conversation: ConversationOut


class TextBody(Model):
    text: Annotated[Text, Field(max_length=20000)]


class PlanTermsIn(Model):
    amount: PositiveAmount
    count: Annotated[int, Field(ge=1, le=120, strict=True)]
    frequency: Literal["monthly", "biweekly", "weekly"] = "monthly"
    first_date: SaneDate
    holiday_days: Annotated[int, Field(ge=0, le=366, strict=True)] = 0
    interest_frozen: Flag = False


class Handback(Model):
    note: Annotated[Text, Field(max_length=2000)] = ""
    plan: Optional[PlanTermsIn] = None


class PlanPreview(Model):
    terms: PlanTermsIn


class InstallmentOut(BaseModel):
    seq: int
    due_date: date
    amount: str
    status: Literal["due", "paid", "partly_paid", "missed"]
    paid: str


class PlanOut(BaseModel):
    id: Optional[int]
    borrower_id: str
    status: Literal["active", "completed", "broken", "superseded"]
    frequency: Literal["monthly", "biweekly", "weekly"]
    installment_amount: str
    count: int
    first_date: date
    last_amount: str
    total: str
    interest_frozen: bool
    holiday_days: int
    agreed_by: str
    created_at: Optional[datetime]
    installments: list[InstallmentOut]


class PlanPreviewOut(BaseModel):
    plan: PlanOut
    exceptions: list[str]
    within_policy: bool
    nearest_within_policy: PlanOut


class ReportIn(Model):
    text: Annotated[Text, Field(min_length=1, max_length=20000)]
    conversation_id: Optional[Annotated[Text, Field(max_length=64)]] = None


class ReportLabel(Model):
    label: Literal["pressure", "fair"]
    category: Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[a-z_]+$")]


class ReportOut(BaseModel):
    id: int
    text: str
    reported_by: str
    conversation_id: Optional[str]
    violations: list[dict[str, Any]]
    created_at: datetime
    status: Literal["open", "labelled", "dismissed"]
    label: Optional[str]
    category: Optional[str]


class ReportsOut(BaseModel):
    reports: list[ReportOut]


# Admin --------------------------------------------------------------------------------
class PolicyIn(Model):
    min_installment: PositiveAmount
    max_term_months: Annotated[int, Field(ge=1, le=120, strict=True)]
    allowed_frequencies: Annotated[list[Literal["monthly", "biweekly", "weekly"]], Field(min_length=1, max_length=3)] = ["monthly"]
    payment_holiday_days: Annotated[int, Field(ge=0, le=366, strict=True)] = 0
    interest_freeze_on_hardship: Flag = False


class BorrowerUpsert(Model):
    display_name: Annotated[Text, Field(min_length=1, max_length=100)]
    timezone: Zone
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")] = "CNY"
    principal: Amount
    interest_and_fees: Amount
    days_overdue: Annotated[int, Field(ge=0, le=100000, strict=True)]
    due_day: Annotated[int, Field(ge=1, le=31, strict=True)]
    policy: PolicyIn
    breathing_space_until: Optional[AwareDateTime] = None


class BorrowerUpserted(BaseModel):
    borrower_id: str
    balance: str
    created: bool


class ReminderCreate(Model):
    borrower_id: Annotated[str, Field(min_length=1, max_length=64)]
    kind: Literal["upcoming_due", "overdue", "installment_due", "follow_up"]
    send_at: AwareDateTime
    amount: Optional[PositiveAmount] = None
    due_date: Optional[SaneDate] = None


class ReminderScheduled(BaseModel):
    id: int
    status: str
    scheduled_for: Optional[datetime]
    reason: Optional[str]


class PaymentCreate(Model):
    payment_id: Annotated[Text, Field(min_length=1, max_length=128)]
    borrower_id: Annotated[str, Field(min_length=1, max_length=64)]
    amount: PositiveAmount
    paid_at: AwareDateTime


class PaymentOut(BaseModel):
    payment_id: str
    borrower_id: str
    amount: str
    plan_id: Optional[int]
    allocations: list[dict[str, Any]]
    to_balance: str
    duplicate: bool


class PlansQuery(Model):
    status: Optional[Literal["active", "completed", "broken", "superseded"]] = None
    since: Optional[AwareDateTime] = None
    after: Count = 0
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class PlansOut(BaseModel):
    plans: list[PlanOut]
    next_after: Optional[int]


class OutcomesQuery(Model):
    from_: Annotated[SaneDate, Field(alias="from")]
    to: SaneDate
    format: Literal["json", "csv"] = "json"

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RemindersQuery(Model):
    borrower_id: Annotated[str, Field(min_length=1, max_length=64)]


class OutboxQuery(Model):
    status: Literal["pending", "delivered", "dead"] = "dead"
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
    # The cursor: the last event id of the previous page (its next_after).
    after: Optional[Annotated[str, Field(min_length=5, max_length=64, pattern=r"^evt_[A-Za-z0-9]+$")]] = None


class OutboxEvent(BaseModel):
    id: str
    type: str
    occurred_at: datetime
    borrower_id: Optional[str]
    data: dict[str, Any]
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    last_error: Optional[str]


class OutboxPage(BaseModel):
    events: list[OutboxEvent]
    next_after: Optional[str]


class ReplayOut(BaseModel):
    id: str
    status: Literal["pending"]


class AftercareRun(Model):
    """Run the after-plan check now; `as_of` (not in production) judges "missed" as of that moment."""

    as_of: Optional[AwareDateTime] = None


class AftercareRan(BaseModel):
    changed: int
    as_of: str


class FlagClear(Model):
    note: Annotated[Text, Field(max_length=500)] = ""


class FlagCleared(BaseModel):
    borrower_id: str
    flag: Literal["dispute_open", "wrong_contact"]
    value: bool
    changed: bool


class DemoToken(Model):
    borrower_id: Annotated[str, Field(min_length=1, max_length=64, pattern=BORROWER_ID_PATTERN)]


class TokenOut(BaseModel):
    token: str
