"""One turn of the negotiation (`step`), the start of the income-and-expenditure check, and the offer to
resume after a digression.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import InvalidOperation
from typing import Optional

from kuanxian.dialogue import parse
from kuanxian.dialogue.negotiation.drafts import (
    _date_note,
    _draft,
    _evaluate,
    _fingerprint,
    _frequency_note,
    _proposal,
    agree_command,
    draft_fingerprint,
)
from kuanxian.dialogue.negotiation.holiday import _holiday
from kuanxian.dialogue.negotiation.offers import _offer, _reassess
from kuanxian.dialogue.negotiation.reading import _absorb, _holiday_months, _names_terms
from kuanxian.dialogue.negotiation.state import HOLIDAY_QUESTIONS, MAX_ASKS, MAX_OFFERS, Account, Said, State, Step, _ask, _handoff_step
from kuanxian.domain.handoff import HandoffReason
from kuanxian.plans import PlanError, Proposal, evaluate, latest_first_due
from kuanxian.replies import plans as texts
from kuanxian.replies.common import Reply


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
        and not _asks_the_holiday_again(said, account)
    ):
        # Asked why they need a holiday, they answered with terms: a plan without one (unless the terms start
        # later than a plan without a holiday may: "两个月以后开始 每个月200 可以吧" is the holiday again).
        state = replace(state, holiday_days=0)
    granted = before.holiday_days and before.asked == "terms" and account.hardship and state.amount is None and state.count is None
    if granted and (parse.defers_plan(said.text) or parse.closes(said.text)):
        # The holiday now, the plan later ("过俩月再说", or only "好 谢谢"): a person records the holiday (there is no
        # plan to carry it yet), so it is not lost when the talk ends.
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
    fp = _fingerprint(decision)
    on_the_table = bool(before.draft) and fp == draft_fingerprint(before.draft or {})
    if (
        on_the_table
        and (decision.outcome == "accept" or not _names_terms(said.text, account.today))
        and state.offers.get(fp, 0) < MAX_OFFERS
        and parse.asks_question(said.text)
        and not refused
        and not parse.objects(said.text)
    ):
        # "那十八个月的话，一个月要多少": the plan on the table is the answer, said once more in full (and counted, so a
        # question asked again and again does not bring it back a third time).
        offers = {**state.offers, fp: state.offers.get(fp, 0) + 1}
        new = replace(state, offers=offers, draft=_draft(decision, state, account), asked="confirm", asked_times=0)
        return Step(texts.plan_answer(decision.plan, account.today), new, "plan_confirm")
    # The Borrower named the plan on the table themselves ("行吧，那就12期"); terms the policy only counters with the
    # same plan again ("每月100" once more) are not a yes to it.
    restated = on_the_table and decision.outcome == "accept"
    plainly = not parse.asks_question(said.text) and not parse.objects(said.text)
    # "5号就5号 到时候你给额说一声" with the countered plan on the table: its day taken, no new amount or count, so a yes.
    taken_as_is = (
        on_the_table
        and decision.outcome != "accept"
        and parse.terms(said.text, account.today) == (None, None)
        and _ACCEPTS.search(said.text) is not None
    )
    if (restated or taken_as_is) and not refused and (plainly or parse.explicitly_accepts(said.text)):
        return Step(texts.offer(decision, account.today, repeated=True), state, "plan_confirm", accept=True)
    if (
        decision.outcome == "accept"
        and state.offers.get(_fingerprint(decision), 0) >= MAX_OFFERS
        and _names_terms(said.text, account.today)
        and _ACCEPTS.search(said.text)
        and not (refused or parse.objects(_LEADING_CORRECTION.sub("", said.text)))
        and (parse.explicitly_accepts(said.text) or not (parse.asks_question(said.text) and not parse.asks_plan_interest(said.text)))
    ):
        # Offered twice already, and now the Borrower takes it in their own words ("五百我咬咬牙可以的", "行吧 那先停30天
        # 之后分12期 每月445那个"): agreed, not "I won't repeat it" or a person they did not ask for.
        new = replace(state, draft=_draft(decision, state, account), asked="confirm", asked_times=0)
        return Step(texts.offer(decision, account.today, repeated=True), new, "plan_confirm", accept=True)
    # "还是每月600 25号那个": the Borrower's own terms, as the policy takes them, are theirs to ask for again.
    # ("800呢" a third time is a question, not a choice: the plan is not pressed again.)
    asked_for = (
        decision.outcome == "accept" and not refused and _names_terms(said.text, account.today) and not parse.asks_question(said.text)
    )
    step_ = _offer(state, account, decision, asked_for=asked_for)
    adjusted = _frequency_note(state, account.policy) + _date_note(state, decision, account)
    if adjusted:
        step_ = replace(step_, reply=Reply(adjusted + step_.reply.text, step_.reply.buttons))
    return step_


# Words that take the terms named in the same message: "可以", "行吧", "就这样", "咬咬牙", "5号就5号".
_ACCEPTS = re.compile(r"可以|行吧|行 |就这样|先这样|咬咬牙|那就|就按|确认|同意|定下来|(\S{1,5})就\1")
# "不是 五百我咬咬牙可以的": correcting what the assistant understood, not objecting to the terms.
_LEADING_CORRECTION = re.compile(r"^\s*(?:不是|不不|不对)+[\s，,。!！]*")


def _asks_the_holiday_again(said: Said, account: Account) -> bool:
    """A later start said again with the terms: a while first, or a first date only a holiday allows."""
    if parse.holiday_days(said.text, account.today) is not None:
        return True
    first = parse.first_date(said.text, account.today)
    return first is not None and first > latest_first_due(account.today, account.policy, hardship=False)


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
                Proposal(
                    amount=command.amount,
                    count=command.count,
                    frequency=command.frequency,
                    start=command.first_date,
                    hardship=account.hardship,
                ),
                today=account.today,
            )
        except (PlanError, ValueError, KeyError, InvalidOperation):  # a draft from an old or damaged slot
            return None
        return Step(texts.resume_draft(decision.plan, account.today, returning=returning), state, "plan_confirm")
    if state.asked == "holiday_reason" and state.holiday_days and account.disclosed and not account.hardship:
        # The holiday waits on the record's consent: that question again.
        days = min(state.holiday_days, account.policy.payment_holiday_days) or state.holiday_days
        return Step(texts.holiday_record_reminder(days), state, "hardship_consent")
    if state.asked == "terms":
        return Step(texts.ask_terms(2, account.policy.max_term_months), state)
    return None
