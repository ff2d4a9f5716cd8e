"""Where the negotiation stands and what one turn returns: the state kept in the `negotiation` slot, the
account it is read against, what was said, and the step (a reply, the new state, what a yes would confirm, any
command for the hub); with the two ways a turn ends in a question or with a person, and the limits that bound them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from kuanxian.commands import Command, RequestHandoff
from kuanxian.dates import Frequency
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.policy import Policy
from kuanxian.replies.common import Reply
from kuanxian.replies.plans import ReminderOutlook

MAX_ASKS = 2


MAX_OFFERS = 2


# Waiting on a hardship for the holiday asked for: the reason asked, or a person offered after asking twice.
HOLIDAY_QUESTIONS = ("holiday_reason", "holiday_person")


@dataclass(frozen=True)
class State:
    """Where the negotiation stands (kept in the `negotiation` slot as a plain dict)."""

    asked: Optional[str] = None
    asked_times: int = 0
    amount: Optional[str] = None
    count: Optional[int] = None
    day_of_month: Optional[int] = None
    first_date: Optional[str] = None
    holiday_days: int = 0
    offers: Mapping[str, int] = field(default_factory=dict)
    refusals: int = 0
    income: Optional[str] = None
    essentials: Optional[str] = None
    draft: Optional[Mapping[str, Any]] = None
    reassess: bool = False
    # How often, as the Borrower asked ("每两周还100"), when the policy allows it; monthly otherwise.
    frequency: str = Frequency.MONTHLY.value
    # Changing an agreed plan: a new day of the month starts on or after the next payment already due, never before it.
    earliest: Optional[str] = None
    # The plan last offered when "I won't repeat it" was said (no longer on the table, never offered again):
    # a yes in so many words afterwards ("我同意了 确认") still takes it.
    set_aside: Optional[Mapping[str, Any]] = None
    # How often the draft on the table was picked up again after a question (its fingerprint, and the count):
    # in full once, then in a line, then not again (the Borrower can still say yes to it).
    resumed_draft: Optional[str] = None
    resumed: int = 0
    # How often consent to record the hardship was asked for a holiday (whatever came between): a short
    # reminder the second time, a person the third, never the same question again.
    record_asks: int = 0

    def to_slot(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_slot(cls, value: object) -> State:
        if not isinstance(value, Mapping):
            return cls()
        known = {f: value[f] for f in cls.__dataclass_fields__ if f in value}
        try:
            return cls(**known)
        except TypeError:
            return cls()


@dataclass(frozen=True)
class Account:
    """What the negotiation needs to know about the Borrower, read by the action."""

    balance: Decimal
    policy: Policy
    today: date
    hardship: bool
    outlook: ReminderOutlook
    # Told of a hardship but not (yet) agreed to its record: hardship terms need the record first.
    disclosed: bool = False
    # The Borrower's usual day of the month (the loan's due day): a plan with no day named keeps it.
    due_day: Optional[int] = None


@dataclass(frozen=True)
class Said:
    intent: str
    text: str


@dataclass(frozen=True)
class Step:
    reply: Reply
    state: State
    pending: Optional[str] = None  # what a yes answers: plan_confirm | ie_consent | transfer_offer
    commands: tuple[Command, ...] = ()
    extra: tuple[Reply, ...] = ()
    # The Borrower restated the plan on the table ("行吧，那就12期"): confirm it, don't offer it again.
    accept: bool = False


def _ask(state: State, key: str, reply: Reply, *, pending: Optional[str] = None) -> Step:
    times = state.asked_times + 1 if state.asked == key else 1
    return Step(reply, replace(state, asked=key, asked_times=times), pending)


def _handoff_step(state: State, reply: Reply, reason: HandoffReason, summary: str, details: Mapping[str, Any]) -> Step:
    command = RequestHandoff(reason, Priority.NORMAL, summary, {**summary_details(state), **details})
    return Step(reply, replace(state, asked=None, asked_times=0), None, (command,))


def summary_details(state: State) -> dict[str, Any]:
    """For the collector: what was offered and refused, and what the Borrower told us."""
    return {
        "offers": dict(state.offers),
        "refusals": state.refusals,
        "income": state.income,
        "essentials": state.essentials,
        "requested": {
            "amount": state.amount,
            "count": state.count,
            "day_of_month": state.day_of_month,
            "first_date": state.first_date,
            "holiday_days": state.holiday_days,
        },
    }
