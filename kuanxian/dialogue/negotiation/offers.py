"""Putting a plan to the Borrower: an offer (never the same one more than twice, then a person), and after an
offer refused as unaffordable, the income-and-expenditure reassessment: what is affordable, or the options and a person.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal
from typing import Optional

from kuanxian.dates import Frequency
from kuanxian.dialogue.negotiation.drafts import _draft, _evaluate, _fingerprint, _proposal
from kuanxian.dialogue.negotiation.state import MAX_OFFERS, Account, State, Step, _ask, _handoff_step
from kuanxian.domain.handoff import HandoffReason
from kuanxian.money import format_amount
from kuanxian.plans import Decision, PlanError, installment_minimum
from kuanxian.replies import plans as texts


def _offer(state: State, account: Account, decision: Decision, *, affordable: Optional[Decimal] = None, asked_for: bool = False) -> Step:
    """The plan put on the table. The same plan is not pressed a third time (FCA: reassess, don't re-offer), unless
    the Borrower asks for exactly that plan themselves (`asked_for`: their own terms, which the policy accepts)."""
    fp = _fingerprint(decision)
    seen = state.offers.get(fp, 0)
    if seen >= MAX_OFFERS and not asked_for:
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
        set_aside = _draft(decision, state, account)
        return _ask(replace(state, draft=None, set_aside=set_aside), "stuck", texts.no_repeat_offer(), pending="transfer_offer")
    offers = {**state.offers, fp: seen + 1}
    new = replace(state, offers=offers, draft=_draft(decision, state, account), asked="confirm", asked_times=0)
    if affordable is not None:
        return Step(texts.affordable_offer(affordable, decision, account.today), new, "plan_confirm")
    return Step(texts.offer(decision, account.today, repeated=seen > 0), new, "plan_confirm")


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
