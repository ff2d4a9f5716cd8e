"""The plan on the table: the proposal built from the state, the engine's decision on it, the draft kept in
the state (and its fingerprint, so the same plan is never offered more than twice), the command that agrees it,
what interest does on it, and the notes when the plan differs from what was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Optional

from kuanxian.commands import AgreePlan
from kuanxian.dates import Frequency, add_months, on_day
from kuanxian.dialogue import parse
from kuanxian.dialogue.negotiation.state import Account, State
from kuanxian.domain.policy import Policy
from kuanxian.plans import Decision, Proposal, evaluate
from kuanxian.replies import plans as texts
from kuanxian.replies.common import Reply

_LEAST_NOTICE_DAYS = 14


def _frequency(state: State, policy: Policy) -> Frequency:
    """What the Borrower asked for if the policy allows it, else monthly."""
    try:
        wanted = Frequency(state.frequency)
    except ValueError:
        return Frequency.MONTHLY
    return wanted if wanted in policy.allowed_frequencies else Frequency.MONTHLY


def _frequency_note(state: State, policy: Policy) -> str:
    if _frequency(state, policy).value == state.frequency:
        return ""
    return "按您这个账户的规定，只能按月还款，所以我按每月来算。"


def _proposal(state: State, account: Account) -> Proposal:
    start: Optional[date] = None
    if state.first_date:
        start = date.fromisoformat(state.first_date)
    elif state.day_of_month and (drafted := _draft_first(state)) is not None and drafted.day == state.day_of_month:
        # "行 还是每个月28号" with the plan on the table already on the 28th: its dates stay.
        start = drafted
    elif state.day_of_month:
        after = account.today + timedelta(days=state.holiday_days) if state.holiday_days else account.today + timedelta(days=6)
        if state.earliest:
            after = max(after, date.fromisoformat(state.earliest) - timedelta(days=1))
        start = parse.next_day_of_month(account.today, state.day_of_month, after=after)
        drafted = _draft_first(state)
        same_month = on_day(drafted, state.day_of_month) if drafted is not None else None
        if same_month is not None and same_month > after:
            # "每个月20号扣嘛" with the plan on the table starting 1月15日: 1月20日, not this month's 20th.
            start = same_month
    elif state.holiday_days:
        start = account.today + timedelta(days=state.holiday_days)
        if account.due_day and _frequency(state, account.policy) is Frequency.MONTHLY:
            # After the holiday, back on the usual day ("还是每个月28号扣，跟原来一样").
            start = parse.next_day_of_month(account.today, account.due_day, after=start - timedelta(days=1))
    elif account.due_day and _frequency(state, account.policy) is Frequency.MONTHLY:
        start = _usual_day_next_month(account.today, account.due_day)
    return Proposal(
        amount=Decimal(state.amount) if state.amount else None,
        count=state.count,
        frequency=_frequency(state, account.policy),
        start=start,
        hardship=account.hardship,
        holiday_days=0,
    )


def _draft_first(state: State) -> Optional[date]:
    """The first payment date of the plan on the table, if there is one."""
    if not state.draft or not state.draft.get("first_date"):
        return None
    return date.fromisoformat(str(state.draft["first_date"]))


def _usual_day_next_month(today: date, due_day: int) -> Optional[date]:
    """The Borrower's usual day next month, if that leaves two weeks' notice (else the engine's default)."""
    first = on_day(add_months(today.replace(day=1), 1), due_day)
    return first if (first - today).days >= _LEAST_NOTICE_DAYS else None


def _evaluate(state: State, account: Account, proposal: Proposal) -> Decision:
    """The engine's decision; a day of the month a week's notice would push past the latest allowed
    first date is honoured with its sooner occurrence instead."""
    decision = evaluate(account.balance, account.policy, proposal, today=account.today)
    if "start_too_late" in decision.reasons and state.day_of_month and not state.first_date and not state.holiday_days:
        # The same day a month sooner ("定在每个月12号" on a plan whose next payment is 1月15日: 1月12日), if that
        # still leaves a week's notice; else its next occurrence.
        earlier = on_day(add_months(proposal.start.replace(day=1), -1), state.day_of_month) if proposal.start else None
        if earlier is None or earlier <= account.today + timedelta(days=6):
            earlier = parse.next_day_of_month(account.today, state.day_of_month)
        decision = evaluate(account.balance, account.policy, replace(proposal, start=earlier), today=account.today)
    holiday = min(state.holiday_days, account.policy.payment_holiday_days) if account.hardship else 0
    if holiday > 0:
        # The first date already carries the holiday; the plan says so (as the hub will store it).
        decision = replace(decision, plan=replace(decision.plan, holiday_days=holiday))
    return decision


def _fingerprint(decision: Decision) -> str:
    plan = decision.plan
    every = "" if plan.frequency is Frequency.MONTHLY else f"/{plan.frequency.value}"
    return f"{plan.regular_amount}x{plan.count}@{plan.first_date.isoformat()}{every}"


def draft_fingerprint(draft: Mapping[str, Any]) -> str:
    every = "" if draft.get("frequency", "monthly") == "monthly" else f"/{draft.get('frequency')}"
    return f"{draft.get('amount')}x{draft.get('count')}@{draft.get('first_date')}{every}"


def _draft(decision: Decision, state: State, account: Account) -> dict[str, Any]:
    plan = decision.plan
    return {
        "amount": str(plan.regular_amount),
        "count": plan.count,
        "frequency": plan.frequency.value,
        "first_date": plan.first_date.isoformat(),
        "holiday_days": min(state.holiday_days, account.policy.payment_holiday_days),
        "hardship": account.hardship,
    }


def agree_command(draft: Mapping[str, Any]) -> AgreePlan:
    return AgreePlan(
        Decimal(str(draft["amount"])),
        int(draft["count"]),
        Frequency(draft.get("frequency", "monthly")),
        date.fromisoformat(str(draft["first_date"])),
        int(draft.get("holiday_days", 0)),
        bool(draft.get("hardship")),
    )


def draft_interest(draft: Mapping[str, Any], balance: Decimal, policy: Policy, *, recorded: bool) -> Reply:
    """ "总数是不是就12000 不会再加了？" about the plan on the table: its total, and interest as the policy says."""
    return texts.interest_during_plan(
        total=balance,
        regular=Decimal(str(draft.get("amount"))),
        count=int(draft.get("count") or 1),
        frozen=draft_frozen(draft, policy),
        freeze_on_hardship=policy.interest_freeze_on_hardship and not recorded,
        agreed=False,
        holiday_days=int(draft.get("holiday_days") or 0),
    )


def draft_frozen(draft: Mapping[str, Any], policy: Policy) -> bool:
    """Whether interest stops on the plan on the table (a plan for a recorded hardship, where the policy allows)."""
    return policy.interest_freeze_on_hardship and bool(draft.get("hardship"))


def _date_note(state: State, decision: Decision, account: Account) -> str:
    wanted = None
    if state.first_date:
        wanted = date.fromisoformat(state.first_date)
    if wanted is not None and decision.plan.first_date != wanted:
        return texts.date_adjusted(wanted, decision.plan.first_date, account.today)
    return ""
