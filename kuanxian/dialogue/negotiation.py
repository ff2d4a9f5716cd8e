"""The repayment negotiation: listen, reassess, never repeat, and decide — as a pure step function.

`step(state, said, account)` reads what the Borrower said (the intent Rasa heard
and the words themselves) against where the negotiation stands, and returns the
reply, the new state, what a "yes" would now confirm, and any command for the hub.
It follows the FCA rule: an offer refused as unaffordable is reassessed (a short
income-and-expenditure check, with consent first), never simply re-offered; the
same plan is never offered more than twice; a question is never asked more than
twice in a row; a holiday is understood as a holiday, and one beyond policy goes
to a person with the request recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, Optional

from kuanxian.commands import AgreePlan, Command, RequestHandoff
from kuanxian.dates import Frequency
from kuanxian.dialogue import parse
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.policy import Policy
from kuanxian.money import cn_to_int, format_amount
from kuanxian.plans import Decision, PlanError, Proposal, evaluate, installment_minimum
from kuanxian.replies import plans as texts
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


def _interpret_bare(state: State, value: Decimal, policy: Policy) -> State:
    """A bare number answers the last question: a count if it could be one, otherwise an amount."""
    if state.asked == "income":
        return replace(state, income=str(value))
    if state.asked == "essentials":
        return replace(state, essentials=str(value))
    if state.asked == "day":
        return replace(state, day_of_month=int(value)) if value == value.to_integral_value() and 1 <= value <= 31 else state
    if value == value.to_integral_value() and 1 <= value <= 120 and value < policy.min_installment:
        return replace(state, count=int(value), amount=None)
    return replace(state, amount=str(value.quantize(Decimal("0.01"))), count=None)


_MONTHS_ONLY = re.compile(r"([0-9一二两三四五六七八九十]+)个?月")
_SPLIT = re.compile(r"分[成]?\s*[0-9一二两三四五六七八九十]|[0-9一二两三四五六七八九十]+\s*期|每月|每个月|一个月")


def _holiday_months(state: State, text: str) -> Optional[int]:
    """While a holiday is talked about, the most months a message names (not a count of installments)."""
    if not state.holiday_days or not _MONTHS_ONLY.search(text) or _SPLIT.search(text):
        return None
    months = [m for m in (cn_to_int(x) for x in _MONTHS_ONLY.findall(text)) if m]
    return max(months) if months else None


def _absorb(state: State, said: Said, account: Account) -> State:
    """Everything the message says about terms, dates and holidays."""
    text, today = said.text, account.today
    bare = parse.bare_number(text)
    if bare is not None:
        return _interpret_bare(state, bare, account.policy)
    if state.asked in ("income", "essentials"):
        money = parse.money_in(text)
        if money is not None:
            return replace(state, income=str(money)) if state.asked == "income" else replace(state, essentials=str(money))
    amount, count = parse.terms(text, today)
    asked_frequency = parse.frequency_in(text)
    if asked_frequency is not None:
        state = replace(state, frequency=asked_frequency.value)
    if parse.asks_longest_holiday(text):
        # The longest the policy allows is the answer (granted, or asked about the hardship first).
        return replace(state, holiday_days=account.policy.payment_holiday_days or state.holiday_days)
    months = _holiday_months(state, text) if amount is None else None
    if months is not None:
        # Talking about the holiday: "两个月不够啊，至少三个月" are months of holiday, not installments.
        return replace(state, holiday_days=30 * months)
    if amount is None and count is None and parse.lump_sum(text):
        count = 1
    if amount is None and count is None and parse.longest_term(text):
        count = account.policy.max_term_months  # "那就按最长的来": the longest the policy allows
    if amount is not None or count is not None:
        state = replace(state, amount=str(amount) if amount is not None else None, count=count)
    day = parse.day_of_month(text)
    if day is not None:
        state = replace(state, day_of_month=day, first_date=None)
    first = parse.first_date(text, today)
    if first is not None:
        state = replace(state, first_date=first.isoformat(), day_of_month=None)
    if parse.asks_longest_holiday(text):
        # The longest the policy allows is the answer (granted, or asked about the hardship first).
        return replace(state, holiday_days=account.policy.payment_holiday_days or state.holiday_days)
    holiday = parse.holiday_days(text, today)
    if holiday is not None:
        state = replace(state, holiday_days=holiday)
    return state


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
    elif state.day_of_month:
        after = account.today + timedelta(days=state.holiday_days) if state.holiday_days else account.today + timedelta(days=6)
        if state.earliest:
            after = max(after, date.fromisoformat(state.earliest) - timedelta(days=1))
        start = parse.next_day_of_month(account.today, state.day_of_month, after=after)
    elif state.holiday_days:
        start = account.today + timedelta(days=state.holiday_days)
    return Proposal(
        amount=Decimal(state.amount) if state.amount else None,
        count=state.count,
        frequency=_frequency(state, account.policy),
        start=start,
        hardship=account.hardship,
        holiday_days=0,
    )


def _evaluate(state: State, account: Account, proposal: Proposal) -> Decision:
    """The engine's decision; a day of the month a week's notice would push past the latest allowed
    first date is honoured with its sooner occurrence instead."""
    decision = evaluate(account.balance, account.policy, proposal, today=account.today)
    if "start_too_late" in decision.reasons and state.day_of_month and not state.first_date and not state.holiday_days:
        sooner = replace(proposal, start=parse.next_day_of_month(account.today, state.day_of_month))
        decision = evaluate(account.balance, account.policy, sooner, today=account.today)
    holiday = min(state.holiday_days, account.policy.payment_holiday_days) if account.hardship else 0
    if holiday > 0:
        # The first date already carries the holiday; the plan says so (as the hub will store it).
        decision = replace(decision, plan=replace(decision.plan, holiday_days=holiday))
    return decision


def _names_terms(text: str, today: date) -> bool:
    return parse.terms(text, today) != (None, None) or parse.bare_number(text) is not None


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


def _offer(state: State, account: Account, decision: Decision, *, affordable: Optional[Decimal] = None) -> Step:
    fp = _fingerprint(decision)
    seen = state.offers.get(fp, 0)
    if seen >= MAX_OFFERS:
        if state.asked in ("stuck", "stuck_person"):
            # "I won't repeat it" was said already: a person takes it from here (never that line again and again).
            if state.asked == "stuck_person":
                return Step(texts.plan_with_person(), state)
            step_ = _handoff_step(
                state,
                texts.stuck_to_person(),
                HandoffReason.OTHER,
                "协商中同一方案已提过两次仍未谈拢，请人工和借款人商量",
                {"last_offer": fp},
            )
            return replace(step_, state=replace(step_.state, asked="stuck_person", draft=None))
        return _ask(replace(state, draft=None), "stuck", texts.no_repeat_offer(), pending="transfer_offer")
    offers = {**state.offers, fp: seen + 1}
    new = replace(state, offers=offers, draft=_draft(decision, state, account), asked="confirm", asked_times=0)
    if affordable is not None:
        return Step(texts.affordable_offer(affordable, decision, account.today), new, "plan_confirm")
    return Step(texts.offer(decision, account.today, repeated=seen > 0), new, "plan_confirm")


def _holiday(state: State, account: Account) -> Optional[Step]:
    """A holiday is understood before any plan: granted within policy, a person beyond it."""
    allowed = account.policy.payment_holiday_days
    wanted = state.holiday_days
    if not wanted:
        return None
    beyond = allowed <= 0 or wanted > allowed
    if not account.hardship and account.disclosed and not beyond:
        # Already told us why: a holiday is noted on the account, so ask to record it (a yes takes it up).
        if state.asked == "holiday_reason" and state.asked_times >= MAX_ASKS:
            return _ask(state, "holiday_person", texts.holiday_needs_a_person(), pending="transfer_offer")
        return _ask(state, "holiday_reason", texts.holiday_needs_record(allowed or wanted), pending="hardship_consent")
    if not account.hardship and not account.disclosed:
        if state.asked == "holiday_person":
            # Asked why twice and offered a person: a person takes the holiday up (never the same question a third time).
            return _handoff_step(
                state,
                texts.holiday_to_person(wanted),
                HandoffReason.DEFERRAL,
                f"借款人希望暂缓约{wanted}天，还没说明困难情况",
                {"requested_holiday_days": wanted, "allowed_holiday_days": allowed},
            )
        if state.asked == "holiday_reason" and state.asked_times >= MAX_ASKS:
            return _ask(state, "holiday_person", texts.holiday_needs_a_person(), pending="transfer_offer")
        return _ask(state, "holiday_reason", texts.holiday_needs_hardship(allowed or wanted))
    if beyond:
        # Beyond policy a person decides, and the hardship already told is reason enough to ask them: no record
        # is needed for that (nothing is recorded without consent).
        reply = texts.holiday_beyond_policy(wanted, allowed) if allowed > 0 else texts.holiday_beyond_policy(wanted, 0)
        # The collector sees what was asked for; the negotiation carries on with what policy allows.
        step = _handoff_step(
            state,
            reply,
            HandoffReason.DEFERRAL,
            f"借款人申请暂缓{wanted}天，超过政策上限{allowed}天",
            {"requested_holiday_days": wanted, "allowed_holiday_days": allowed},
        )
        return replace(step, state=replace(step.state, holiday_days=allowed))
    if state.amount is None and state.count is None:
        return _ask(state, "terms", texts.holiday_granted(wanted))
    return None


def _reassess(state: State, account: Account, *, refused_after_check: bool = False) -> Step:
    """Income and essentials known: offer what is affordable, or the options and a person.

    A plan refused after the check is not met with the same figures again: the options and a person."""
    policy = account.policy
    income = Decimal(state.income or "0")
    essentials = Decimal(state.essentials or "0")
    affordable = (income - essentials).quantize(Decimal("1"), rounding=ROUND_FLOOR)
    minimum = installment_minimum(policy, Frequency.MONTHLY)
    if affordable >= minimum and not refused_after_check:
        proposal = replace(_proposal(replace(state, count=None), account), amount=affordable, count=None)
        try:
            decision = _evaluate(state, account, proposal)
        except PlanError:
            decision = None
        if decision is not None and decision.plan.regular_amount <= affordable:
            return _offer(state, account, decision, affordable=affordable)
    reply = texts.unaffordable_options(
        policy.payment_holiday_days > 0, policy.payment_holiday_days, policy.interest_freeze_on_hardship and account.hardship
    )
    summary = (
        f"按收支测算每月约可还{format_amount(max(affordable, Decimal(0)))}，借款人仍表示负担不了，需要人工评估"
        if refused_after_check and affordable >= minimum
        else f"按收支测算每月约可还{format_amount(max(affordable, Decimal(0)))}，低于最低还款额，需要人工评估"
    )
    return _handoff_step(state, reply, HandoffReason.HARDSHIP, summary, {"affordable": str(affordable), "minimum": str(minimum)})


def step(state: State, said: Said, account: Account) -> Step:
    """One turn of the negotiation."""
    if account.balance <= 0:
        return Step(texts.paid_off(), State())
    refused = said.intent == "cant_afford" or parse.refuses_amount(said.text)
    before = state
    state = _absorb(state, said, account)
    if state.holiday_days != before.holiday_days or _holiday_months(before, said.text) is not None:
        refused = False  # "两个月不够，至少三个月": a longer holiday asked for, not an amount refused
    if state.asked == "income" and state.income is not None and before.income is None:
        return _ask(state, "essentials", texts.ask_essentials())
    if state.asked == "essentials" and state.essentials is not None and before.essentials is None:
        return _reassess(replace(state, asked=None, asked_times=0), account)
    if state.asked in ("income", "essentials") and state.asked_times >= MAX_ASKS:
        return _handoff_step(
            state, texts.unaffordable_options(False, 0, False), HandoffReason.HARDSHIP, "收支情况没能说清，需要人工帮忙测算", {}
        )
    if state.asked in ("income", "essentials"):
        reply = texts.ask_income() if state.asked == "income" else texts.ask_essentials()
        return _ask(state, state.asked, reply)
    if refused and state.amount == before.amount and state.count == before.count:
        state = replace(state, refusals=state.refusals + 1, draft=None, amount=None, count=None)
        if state.income is None:
            if state.asked == "income_consent" and state.asked_times >= MAX_ASKS:
                policy = account.policy
                return _ask(
                    state,
                    "stuck",
                    texts.unaffordable_options(
                        policy.payment_holiday_days > 0,
                        policy.payment_holiday_days,
                        policy.interest_freeze_on_hardship and account.hardship,
                    ),
                    pending="transfer_offer",
                )
            return _ask(state, "income_consent", texts.ask_income_consent(), pending="ie_consent")
        return _reassess(state, account, refused_after_check=True)
    if refused:
        state = replace(state, refusals=state.refusals + 1)
    if state.reassess:
        # After a missed payment: what changed comes first; terms named meanwhile are kept for the next turn.
        return _ask(replace(state, reassess=False), "changes", texts.reassess_first())
    if (
        state.holiday_days
        and not account.hardship
        and before.asked in HOLIDAY_QUESTIONS
        and _names_terms(said.text, account.today)
        and _holiday_months(before, said.text) is None
    ):
        # Asked why they need a holiday, they answered with terms: a plan without one.
        state = replace(state, holiday_days=0)
    granted = before.holiday_days and before.asked == "terms" and account.hardship and state.amount is None and state.count is None
    if granted and parse.defers_plan(said.text):
        # The holiday now, the plan later: a person records the holiday (there is no plan to carry it yet).
        days = min(before.holiday_days, account.policy.payment_holiday_days)
        return _handoff_step(
            replace(state, holiday_days=days),
            texts.holiday_only(days),
            HandoffReason.DEFERRAL,
            f"借款人接受暂缓{days}天，分期等暂缓结束后再定",
            {"holiday_days": days, "plan": "later"},
        )
    if granted and state.holiday_days == before.holiday_days:
        # Granted already: a question about it is answered, not met with the same grant again.
        freeze = account.policy.interest_freeze_on_hardship
        return _ask(state, "terms", texts.holiday_kept(min(state.holiday_days, account.policy.payment_holiday_days), freeze))
    holiday_step = _holiday(state, account)
    if holiday_step is not None:
        return holiday_step
    if state.amount is None and state.count is None:
        if state.asked == "terms" and state.asked_times >= MAX_ASKS:
            return _ask(state, "stuck", texts.no_terms_yet(), pending="transfer_offer")
        return _ask(state, "terms", texts.ask_terms(state.asked_times + 1 if state.asked == "terms" else 1, account.policy.max_term_months))
    try:
        decision = _evaluate(state, account, _proposal(state, account))
    except PlanError as error:
        return _ask(replace(state, amount=None, count=None), "terms", texts.plan_error(error, account.balance))
    if parse.longest_term(said.text) and parse.asks_question(said.text) and not refused:
        # "那最长能分几个月": a question about the policy, answered with what the longest term means; the plan stays
        # on the table (not counted as another offer), and "那就按最长的来" then agrees it.
        new = replace(state, draft=_draft(decision, state, account), asked="confirm", asked_times=0)
        return Step(texts.longest_term(account.policy.max_term_months, decision, account.today), new, "plan_confirm")
    # The Borrower named the plan on the table themselves ("行吧，那就12期"); terms the policy only counters with the
    # same plan again ("每月100" once more) are not a yes to it.
    restated = before.draft and decision.outcome == "accept" and _fingerprint(decision) == draft_fingerprint(before.draft)
    if restated and not refused and not parse.asks_question(said.text) and not parse.objects(said.text):
        return Step(texts.offer(decision, account.today, repeated=True), state, "plan_confirm", accept=True)
    step_ = _offer(state, account, decision)
    adjusted = _frequency_note(state, account.policy) + _date_note(state, decision, account)
    if adjusted:
        step_ = replace(step_, reply=Reply(adjusted + step_.reply.text, step_.reply.buttons))
    return step_


def _date_note(state: State, decision: Decision, account: Account) -> str:
    wanted = None
    if state.first_date:
        wanted = date.fromisoformat(state.first_date)
    if wanted is not None and decision.plan.first_date != wanted:
        return texts.date_adjusted(wanted, decision.plan.first_date, account.today)
    return ""


def start_income_check(state: State) -> Step:
    """The Borrower agreed to the income-and-expenditure questions."""
    return _ask(replace(state, income=None, essentials=None), "income", texts.ask_income())


def resume(state: State, account: Account, *, returning: bool = False) -> Optional[Step]:
    """After a digression: offer to pick up where we were (None when there is nothing to resume)."""
    if state.draft:
        try:
            command = agree_command(state.draft)
            decision = evaluate(
                account.balance,
                account.policy,
                Proposal(amount=command.amount, count=command.count, start=command.first_date, hardship=account.hardship),
                today=account.today,
            )
        except (PlanError, ValueError, KeyError, InvalidOperation):  # a draft from an old or damaged slot
            return None
        return Step(texts.resume_draft(decision.plan, account.today, returning=returning), state, "plan_confirm")
    return None
