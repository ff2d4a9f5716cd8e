"""The negotiation, as an action: Rasa routes every plan-related turn here; kuanxian.dialogue decides."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import BorrowerAction, Context, Events, KuanxianAction, command, intent_of, say, text_of
from actions.session import account_of, is_active_plan, recorded_hardship
from kuanxian.commands import PauseReminders
from kuanxian.dialogue.negotiation import Said, State, Step, draft_fingerprint, draft_frozen, draft_interest, step
from kuanxian.dialogue.parse import (
    asks_fee_relief,
    asks_plan_interest,
    asks_time_zone,
    consents_to_record,
    mentions_hardship,
    names_plan_terms,
    pays_all_on_a_day,
    pays_it_all_later,
    refuses_installments,
    wants_holiday,
)
from kuanxian.replies import Reply
from kuanxian.replies import plans as texts


def hardship_of(tracker: Tracker, context: Context) -> bool:
    """Told of a hardship (recorded or not)."""
    return bool(tracker.get_slot("hardship_disclosed")) or bool(context.hardships)


def emit(dispatcher: CollectingDispatcher, result: Step) -> Events:
    say(dispatcher, result.reply)
    for extra in result.extra:
        say(dispatcher, extra)
    for cmd in result.commands:
        command(dispatcher, cmd)
    return [
        SlotSet("negotiation", result.state.to_slot()),
        SlotSet("pending_offer", result.pending),
        SlotSet("awaiting", None),
        SlotSet("misunderstood", 0.0),
    ]


# With a plan agreed: keep it as it is ("不要改", "就按刚才确认的那个"), or something said about it was misremembered.
_KEEP_AS_AGREED = re.compile(r"不要改|别改|不用改|不改了|就按(?:刚才|原来|之前|已经)(?:确认|定|说)|记错|不是这个意思")


async def negotiate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    context: Context,
    *,
    intent: Optional[str] = None,
    text: Optional[str] = None,
    recorded: Optional[bool] = None,
) -> Events:
    state = State.from_slot(tracker.get_slot("negotiation"))
    said = Said(intent or intent_of(tracker), text if text is not None else text_of(tracker))
    if said.text and asks_fee_relief(said.text):
        # "一次性还5000，利息能不能免了": about fees, not an installment amount.
        from actions.hardship import handle_fee_relief

        return await handle_fee_relief(dispatcher, tracker, context)
    if (
        said.text
        and context.plan is None
        and (
            pays_all_on_a_day(said.text, context.today)
            or pays_it_all_later(said.text)
            or (refuses_installments(said.text) and not wants_holiday(said.text))
        )
    ):
        # "20号一次还清", "不用分期，工钱一下来我一次还清", "分期我不要，说了不要": everything at once is a promise to
        # pay (its day asked if not said), not a plan of one installment.
        from actions.contact import follow_up

        return await follow_up(dispatcher, tracker, context, promise=True)
    told: Events = []
    if said.text and not hardship_of(tracker, context) and mentions_hardship(said.text):
        # A hardship told in passing ("我刚做完手术，想暂停还款") counts as disclosed: reminders pause,
        # and a holiday is understood at once. Nothing is recorded without the Borrower's consent.
        command(dispatcher, PauseReminders("hardship"))
        told = [SlotSet("hardship_disclosed", True)]
    if context.plan is not None and state == State():
        # A plan is agreed and the Borrower changes something ("每期放在10号"): start from its terms.
        # Its own dates too: "这个6期的计划还算数吗" must not come back on another day of the month.
        unpaid = [i for i in context.plan.installments if i.outstanding > 0]
        if unpaid:
            due = unpaid[0].due.isoformat()
            state = State(
                amount=str(unpaid[0].amount),
                count=len(unpaid),
                first_date=due,
                earliest=due,
                frequency=context.plan.frequency.value,
                holiday_days=context.plan.holiday_days,  # moving the day keeps the holiday agreed with it
            )
    on_record = recorded_hardship(tracker, context) if recorded is None else recorded
    if not on_record and (told or hardship_of(tracker, context)) and said.text and consents_to_record(said.text):
        # "申请一下三个月行吗？困难情况可以登记": consent given with the request; record it first.
        from actions.runtime import record_told_hardship

        on_record = True
        told = [*told, *record_told_hardship(dispatcher, tracker)]
    if context.plan is not None and said.text and _KEEP_AS_AGREED.search(said.text):
        # "不要改！就按刚才确认的那个", "你说我6号还款那个，是不是记错了": the agreed plan stands, said so; no new offer.
        say(dispatcher, texts.already_agreed(context.plan, context.today))
        return [SlotSet("negotiation", None), SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0), *told]
    result = step(state, said, account_of(context, on_record, disclosed=bool(told) or hardship_of(tracker, context)))
    if context.plan is not None and result.state.draft and is_active_plan(result.state.draft, context):
        # The plan on the table is the one already agreed ("不对吧，刚才已经确认过了"): said so, never offered again.
        say(dispatcher, texts.already_agreed(context.plan, context.today))
        return [SlotSet("negotiation", None), SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0), *told]
    if said.text and asks_time_zone(said.text):
        # "每月15号扣…是按纽约时间还是北京时间算15号？": the day taken, and the zone said.
        from kuanxian.replies import account as account_texts

        result = replace(result, extra=(*result.extra, account_texts.time_zone(context.borrower.timezone)))
    interest = bool(said.text) and asks_plan_interest(said.text)
    if interest and state.draft and result.state.draft and draft_fingerprint(state.draft) == draft_fingerprint(result.state.draft):
        # "我按这个600一个月还 总数是不是就12000 不会再加了？": the plan on the table, asked about; answered, not offered again.
        say(dispatcher, draft_interest(state.draft, context.borrower.balance, context.borrower.policy, recorded=on_record))
        return [SlotSet("pending_offer", "plan_confirm"), SlotSet("misunderstood", 0.0), *told]
    if interest and result.state.draft:
        # "那先按六十天吧 可是停的这段时间利息还算不算啊": the terms taken, and the interest question answered too.
        draft = result.state.draft
        policy = context.borrower.policy
        note = texts.interest_note(
            frozen=draft_frozen(draft, policy),
            freeze_on_hardship=policy.interest_freeze_on_hardship and not on_record,
            holiday_days=int(draft.get("holiday_days") or 0),
        )
        result = replace(result, extra=(*result.extra, Reply(note)))
    if result.accept:
        from actions.decisions import confirm_plan

        agreed = await confirm_plan(dispatcher, tracker, context, state=result.state)
        for extra in result.extra:  # the interest or time-zone answer asked for in the same message
            say(dispatcher, extra)
        return [*agreed, *told]
    return [*emit(dispatcher, result), *told]


class ActionNegotiate(BorrowerAction):
    """Installments, amounts, counts, dates, holidays, "too much": one conversation, remembered."""

    def name(self) -> str:
        return "action_negotiate"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        text = text_of(tracker)
        if context.plan is not None and intent_of(tracker) == "request_installment" and not names_plan_terms(text, context.today):
            # "我现在的分期是怎么安排的" with a plan already agreed: the plan, not a new negotiation.
            from kuanxian.replies import plans as plan_texts

            say(dispatcher, plan_texts.plan_details(context.plan, context.today))
            return [SlotSet("misunderstood", 0.0)]
        return await negotiate(dispatcher, tracker, context)


class ActionInform(BorrowerAction):
    """A bare answer ("3", "15号", "两个月") goes to whatever was asked last."""

    def name(self) -> str:
        return "action_inform"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        if tracker.get_slot("awaiting") in ("promise_date", "reminder_date"):
            from actions.contact import follow_up

            return await follow_up(dispatcher, tracker, context, promise=tracker.get_slot("awaiting") == "promise_date")
        return await negotiate(dispatcher, tracker, context)


class ActionKeepDraft(KuanxianAction):
    """ "Let me think" is respected; the offer is kept for later."""

    needs_borrower = False

    def name(self) -> str:
        return "action_keep_draft"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from actions.decisions import confirm_if_taken

        confirmed = await confirm_if_taken(dispatcher, tracker, context, whatever_pending=True)
        if confirmed is not None:
            return confirmed  # "适合啊！！我同意了 确认 确认 确认" heard as "let me think"
        state = State.from_slot(tracker.get_slot("negotiation"))
        say(dispatcher, texts.keep_draft(bool(state.draft)))
        return [SlotSet("pending_offer", "plan_confirm" if state.draft else None), SlotSet("misunderstood", 0.0)]
