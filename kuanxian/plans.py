"""Repayment-plan engine: check a borrower's proposal against policy, counter-offer the nearest plan.

Money is handled as whole fen (int) internally, so every schedule sums to the
balance exactly.  Policy interpretations (also in the report to the team):

* ``min_installment`` is per month.  Weekly / biweekly plans use the monthly
  minimum × 12/52 or × 12/26, rounded up to the fen.  When the balance is
  smaller than that minimum, one installment of the whole balance is fine.
* Max term: every due date must fall *before* ``first due + max_term_months``
  (a half-open window), so a monthly plan has at most ``max_term_months``
  installments; weekly/biweekly plans get however many fit in that window.
* A payment holiday (delaying the first due date) needs ``hardship`` and is
  capped at ``policy.payment_holiday_days``.
* Without a holiday the first due date may be chosen freely up to the last
  day of next month; a hardship holiday extends that limit by the holiday
  allowance.  A later start is countered with that latest date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from kuanxian.dates import Frequency, add_months, month_end
from kuanxian.domain.plan import Installment, PaymentPlan
from kuanxian.domain.policy import Policy, as_frequency, money_fen
from kuanxian.money import from_fen, to_fen

__all__ = [
    "Decision",
    "Installment",
    "PaymentPlan",
    "PlanError",
    "Policy",
    "Proposal",
    "build_schedule",
    "default_first_due",
    "evaluate",
    "installment_minimum",
    "max_installments",
]

# Preference order when a frequency is not allowed: nearest first, monthly on ties.
_FREQ_ORDER = (Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.MONTHLY)
_PERIODS_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.BIWEEKLY: 26, Frequency.WEEKLY: 52}
_STEP_DAYS = {Frequency.BIWEEKLY: 14, Frequency.WEEKLY: 7}


class PlanError(ValueError):
    """Input that no plan can be built from; ``code`` is stable, ``message_zh`` is for the borrower."""

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(f"{code}: {message_zh}")
        self.code = code
        self.message_zh = message_zh


_money_fen = money_fen
_as_frequency = as_frequency


@dataclass(frozen=True)
class Proposal:
    """What the borrower asked for: an amount per period and/or a number of installments."""

    amount: Decimal | None = None
    count: int | None = None
    frequency: Frequency = Frequency.MONTHLY
    start: date | None = None
    hardship: bool = False
    holiday_days: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", _as_frequency(self.frequency))


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def installment_minimum(policy: Policy, frequency: Frequency) -> Decimal:
    """Per-installment minimum: the monthly minimum scaled by 12/52 or 12/26, rounded up to the fen."""
    fen = _money_fen(policy.min_installment, "min_installment")
    per_year = _PERIODS_PER_YEAR[_as_frequency(frequency)]
    return from_fen(_ceil_div(fen * 12, per_year))


def due_date(first: date, frequency: Frequency, index: int) -> date:
    """Due date of installment ``index`` (0-based); monthly dates are computed from ``first`` each time."""
    if frequency is Frequency.MONTHLY:
        return add_months(first, index)
    return first + timedelta(days=_STEP_DAYS[frequency] * index)


def max_installments(first: date, frequency: Frequency, max_term_months: int) -> int:
    """How many installments fit before ``first + max_term_months`` (half-open)."""
    frequency = _as_frequency(frequency)
    if frequency is Frequency.MONTHLY:
        return max_term_months
    days = (add_months(first, max_term_months) - first).days
    return (days - 1) // _STEP_DAYS[frequency] + 1


def default_first_due(today: date, frequency: Frequency) -> date:
    """First due date when the borrower names none: one period from today."""
    frequency = _as_frequency(frequency)
    if frequency is Frequency.MONTHLY:
        return add_months(today, 1)
    return today + timedelta(days=_STEP_DAYS[frequency])


def latest_first_due(today: date, policy: Policy, hardship: bool) -> date:
    """Last day of next month, plus the holiday allowance for hardship."""
    nxt = add_months(today.replace(day=1), 1)
    end = nxt.replace(day=month_end(nxt.year, nxt.month))
    return end + timedelta(days=policy.payment_holiday_days if hardship else 0)


def build_schedule(balance: Decimal, amount: Decimal, count: int, frequency: Frequency, first_date: date) -> PaymentPlan:
    """Dated schedule exact to the fen: ``count - 1`` installments of ``amount``, the last takes the rest.

    If that rest would be zero the last installment is dropped.  Raises
    ValueError when ``amount × count`` does not cover the balance or when more
    than one installment would be left over.
    """
    b = _money_fen(balance, "balance")
    a = _money_fen(amount, "amount")
    if b <= 0 or a <= 0:
        raise ValueError("balance and amount must be positive")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("count must be a positive int")
    if isinstance(first_date, datetime) or not isinstance(first_date, date):
        raise TypeError("first_date must be a date")
    freq = _as_frequency(frequency)
    if a * count < b:
        raise ValueError("amount × count does not cover the balance")
    rest = b - a * (count - 1)
    if rest == 0:
        count -= 1
        rest = a
    elif rest < 0:
        raise ValueError("more installments than the balance needs")
    installments = tuple(
        Installment(seq=i + 1, due=due_date(first_date, freq, i), amount=from_fen(a if i < count - 1 else rest)) for i in range(count)
    )
    return PaymentPlan(installments=installments, frequency=freq, total=from_fen(b))


def _closest_allowed(wanted: Frequency, allowed: frozenset[Frequency]) -> Frequency:
    pos = _FREQ_ORDER.index(wanted)
    return min(allowed, key=lambda f: (abs(_FREQ_ORDER.index(f) - pos), f is not Frequency.MONTHLY))


# The terms asked for, in fen and installments: an amount, a count, or both (never neither).
_Terms = tuple[int, None] | tuple[None, int] | tuple[int, int]


def _validate(balance: Decimal, policy: Policy, proposal: Proposal, today: date) -> tuple[int, _Terms]:
    if not isinstance(policy, Policy) or not isinstance(proposal, Proposal):
        raise TypeError("policy and proposal must be Policy and Proposal")
    b = _money_fen(balance, "balance")
    if b <= 0:
        raise PlanError("balance_not_positive", "您目前没有需要还款的余额，不需要再安排还款计划。")
    a: int | None = None
    if proposal.amount is not None:
        try:
            a = _money_fen(proposal.amount, "amount")
        except ValueError as exc:
            raise PlanError("amount_not_fen", "金额最多精确到分，麻烦您再确认一下每期的金额。") from exc
        if a <= 0:
            raise PlanError("amount_not_positive", "每期还款金额需要大于0元，您方便告诉我每期大概能还多少吗？")
        if a > b:
            raise PlanError(
                "amount_exceeds_balance",
                f"您提出的每期金额已经超过了剩余欠款{_yuan(b)}，还{_yuan(b)}就可以全部结清。",
            )
    if proposal.count is not None:
        if isinstance(proposal.count, bool) or not isinstance(proposal.count, int):
            raise TypeError("count must be an int")
        if proposal.count <= 0:
            raise PlanError("count_not_positive", "分期数至少需要1期，您希望分几期呢？")
    terms: _Terms
    if a is not None:
        terms = (a, None) if proposal.count is None else (a, proposal.count)
    elif proposal.count is not None:
        terms = (None, proposal.count)
    else:
        raise PlanError("missing_terms", "请告诉我您每期大概能还多少，或者希望分几期，我来帮您算一算。")
    if proposal.start is not None and proposal.start < today:
        raise PlanError("start_in_past", "开始还款的日期不能早于今天，您看从哪一天开始比较方便？")
    if proposal.holiday_days < 0:
        raise PlanError("holiday_negative", "延后的天数不能是负数，您希望延后多少天开始还款呢？")
    return b, terms


def evaluate(balance: Decimal, policy: Policy, proposal: Proposal, *, today: date) -> Decision:
    """Accept the proposal if the policy allows it, else counter with the nearest allowed plan."""
    b, terms = _validate(balance, policy, proposal, today)
    reasons: list[str] = []

    freq = proposal.frequency
    if freq not in policy.allowed_frequencies:
        reasons.append("frequency_not_allowed")
        freq = _closest_allowed(freq, policy.allowed_frequencies)

    holiday = proposal.holiday_days
    if holiday > 0 and not proposal.hardship:
        reasons.append("holiday_needs_hardship")
        holiday = 0
    elif holiday > policy.payment_holiday_days:
        reasons.append("holiday_too_long")
        holiday = policy.payment_holiday_days

    first = (proposal.start or default_first_due(today, freq)) + timedelta(days=holiday)
    latest = latest_first_due(today, policy, proposal.hardship)
    if first > latest:
        reasons.append("start_too_late")
        first = latest

    minimum = min(_money_fen(installment_minimum(policy, freq), "minimum"), b)
    max_n = max_installments(first, freq, policy.max_term_months)
    n_req = proposal.count

    match terms:
        case (a, None):  # an amount only
            if a < minimum:
                reasons.append("below_minimum")
                a = minimum
            if _ceil_div(b, a) > max_n:
                reasons.append("term_too_long")
                a = _ceil_div(b, max_n)
        case (None, n):  # a count only
            if n > max_n:
                reasons.append("term_too_long")
                n = max_n
            a = _ceil_div(b, n)
            if a < minimum:
                reasons.append("below_minimum")
                a = minimum
        case (a, n):  # both
            if n > max_n:
                reasons.append("term_too_long")
                n = max_n
            if a < minimum:
                reasons.append("below_minimum")
                a = minimum
            if a * n < b:
                # "分七期 一个月还个五百": the amount is what they can afford, so the term grows to fit it, within
                # policy; only a term past the longest allowed raises the amount.
                reasons.append("count_too_small")
                if _ceil_div(b, a) > max_n:
                    if "term_too_long" not in reasons:
                        reasons.append("term_too_long")
                    a = _ceil_div(b, max_n)
            elif a * (n - 1) >= b and "below_minimum" not in reasons:
                reasons.append("count_too_large")

    n_final = _ceil_div(b, a)
    counted = {"term_too_long", "below_minimum", "count_too_large", "count_too_small"}
    if n_req is not None and n_final != n_req and not counted & set(reasons):
        reasons.append("count_too_large")  # rounding to the fen made the last installments unnecessary

    plan = build_schedule(from_fen(b), from_fen(a), n_final, freq, first)
    plan = PaymentPlan(
        installments=plan.installments,
        frequency=freq,
        total=plan.total,
        interest_frozen=proposal.hardship and policy.interest_freeze_on_hardship,
        holiday_days=holiday,
    )
    return Decision(
        outcome="counter" if reasons else "accept",
        plan=plan,
        reasons=tuple(reasons),
        requested=proposal,
        policy=policy,
        balance=from_fen(b),
    )


_PER = {Frequency.MONTHLY: "每月", Frequency.BIWEEKLY: "每两周", Frequency.WEEKLY: "每周"}
_SPAN = {Frequency.MONTHLY: "个月", Frequency.BIWEEKLY: "期", Frequency.WEEKLY: "周"}
_BY = {Frequency.MONTHLY: "按月", Frequency.BIWEEKLY: "每两周一次", Frequency.WEEKLY: "按周"}


def _yuan(value: int | Decimal) -> str:
    """Compact yuan for sentences: 500元, 1,714.29元, 12,000元."""
    d = from_fen(value) if isinstance(value, int) else value
    text = f"{d:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{text}元"


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Decision:
    """The engine's answer: accept the borrower's plan or counter with ``plan``."""

    outcome: Literal["accept", "counter"]
    plan: PaymentPlan
    reasons: tuple[str, ...] = ()
    requested: Proposal | None = field(default=None, compare=False)
    policy: Policy | None = field(default=None, compare=False)
    balance: Decimal | None = field(default=None, compare=False)

    @property
    def accepted(self) -> bool:
        return self.outcome == "accept"

    def explain_zh(self) -> str:
        """A short, calm Chinese explanation; for a counter-offer it ends with a question."""
        sch = self.plan
        per = _PER[sch.frequency]
        if sch.count == 1:
            plan = f"{_zh_date(sch.first_date)}一次还清{_yuan(sch.total)}"
        else:
            plan = f"{per}{_yuan(sch.regular_amount)}、分{sch.count}期"
        if sch.count > 1 and sch.last_amount != sch.regular_amount:
            plan += f"（最后一期{_yuan(sch.last_amount)}）"
        extras: list[str] = []
        if sch.holiday_days:
            extras.append(f"首期延后{sch.holiday_days}天")
        if sch.interest_frozen:
            extras.append("还款期间暂停计息")
        if self.outcome == "accept" and sch.count == 1:
            text = f"好的，{plan}。"
            if extras:
                text += "另外，" + "，".join(extras) + "。"
            return text
        if self.outcome == "accept":
            text = f"好的，按{plan}来安排，首期在{_zh_date(sch.first_date)}，{_zh_date(sch.last_date)}就能全部还清。"
            if extras:
                text += "另外，" + "，".join(extras) + "。"
            return text
        parts = self._reason_sentences()
        offer = f"我们可以按{plan}来安排" if sch.count > 1 else f"我们可以安排{plan}"
        if (sch.count > 1 and {"start_too_late", "holiday_too_long", "holiday_needs_hardship"} & set(self.reasons)) or sch.holiday_days:
            offer += f"，首期在{_zh_date(sch.first_date)}"
        if sch.interest_frozen:
            offer += "，还款期间暂停计息"
        return "".join(parts) + offer + "，您看可以吗？"

    def _reason_sentences(self) -> list[str]:
        sch = self.plan
        req = self.requested
        pol = self.policy
        per = _PER[sch.frequency]
        out: list[str] = []
        reasons = set(self.reasons)
        if "frequency_not_allowed" in reasons:
            out.append(f"目前还款只能{_BY[sch.frequency]}安排。")
        if "holiday_needs_hardship" in reasons:
            out.append("延后开始还款是为遇到特殊困难的客户准备的，如果您最近有困难，随时可以告诉我。")
        if "holiday_too_long" in reasons:
            if pol is not None and pol.payment_holiday_days > 0:
                out.append(f"首期最多可以延后{pol.payment_holiday_days}天。")
            else:
                out.append("目前暂时没办法延后开始还款。")
        if "start_too_late" in reasons:
            out.append(f"首期最晚可以安排在{_zh_date(sch.first_date)}。")
        minimum = installment_minimum(pol, sch.frequency) if pol is not None else None
        asked = req.amount if req is not None else None
        max_months = pol.max_term_months if pol is not None else None
        if "below_minimum" in reasons and minimum is not None:
            if asked is not None:
                out.append(f"{per}最低还款额是{_yuan(minimum)}，{_yuan(asked)}稍微少了一点。")
            else:
                out.append(f"分这么多期的话，{per}会低于最低还款额{_yuan(minimum)}。")
        if "term_too_long" in reasons and max_months is not None:
            span = _SPAN[sch.frequency]
            if (
                req is not None
                and req.count is not None
                and req.count > sch.count
                and (asked is None or "count_too_large" not in reasons or req.count > max_months)
            ):
                out.append(f"分{req.count}期超过了最长{max_months}个月的期限。")
            elif asked is not None and self.balance is not None:
                basis = max(asked, minimum) if minimum is not None else asked
                need = _ceil_div(to_fen(self.balance), to_fen(basis))
                lead = "按照" if "below_minimum" not in reasons else "即使按"
                tail = "超过了" if "below_minimum" not in reasons else "也超过了"
                out.append(f"{lead}{per}{_yuan(basis)}，需要{need}{span}，{tail}最长{max_months}个月的期限。")
        if (
            "count_too_small" in reasons
            and "term_too_long" not in reasons
            and req is not None
            and req.count is not None
            and asked is not None
        ):
            total = _yuan(self.balance) if self.balance is not None else "全部欠款"
            out.append(f"按{per}{_yuan(max(asked, minimum or asked))}、分{req.count}期，还不够还清{total}。")
        if "count_too_large" in reasons and req is not None and req.count is not None:
            out.append(f"按{per}{_yuan(sch.regular_amount)}，{sch.count}期就能还清，不需要分{req.count}期。")
        return out
