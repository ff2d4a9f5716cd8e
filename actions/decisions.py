"""'Yes' and 'no' answer whatever was last offered: a plan, recording a hardship, a reminder, a person, the money questions."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.hardship import record_consent
from actions.runtime import Context, Events, KuanxianAction, command, draft_on_the_table, say, text_of
from kuanxian.commands import RequestHandoff
from kuanxian.dialogue.negotiation import State, agree_command, start_income_check, summary_details
from kuanxian.dialogue.outlook import reminder_outlook
from kuanxian.domain.handoff import Priority
from kuanxian.plans import PlanError, Proposal, evaluate
from kuanxian.replies import account as account_texts
from kuanxian.replies import contact as contact_texts
from kuanxian.replies import plans as plan_texts

FOLLOW_UP_TIME = time(10, 0)


def _clear() -> Events:
    return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]


async def confirm_plan(dispatcher: CollectingDispatcher, tracker: Tracker, context: Context, *, state: Optional[State] = None) -> Events:
    """The plan on the table is agreed: confirm it in words and send AgreePlan to the hub."""
    state = state or State.from_slot(tracker.get_slot("negotiation"))
    if not state.draft:
        say(dispatcher, plan_texts.declined())
        return _clear()
    agreed = agree_command(state.draft)
    try:
        decision = evaluate(
            context.borrower.balance,
            context.borrower.policy,
            Proposal(
                amount=agreed.amount, count=agreed.count, frequency=agreed.frequency, start=agreed.first_date, hardship=agreed.hardship
            ),
            today=context.today,
        )
    except PlanError as error:
        say(dispatcher, plan_texts.plan_error(error, context.borrower.balance))
        return [*_clear(), SlotSet("negotiation", None)]
    first_notice = datetime.combine(decision.plan.first_date - timedelta(days=3), FOLLOW_UP_TIME, tzinfo=context.borrower.zone)
    from dataclasses import replace

    plan = replace(decision.plan, holiday_days=agreed.holiday_days)
    say(dispatcher, plan_texts.confirmed(plan, context.today, reminder_outlook(context.borrower, first_notice)))
    command(dispatcher, agreed)
    return [*_clear(), SlotSet("negotiation", None)]


# Where the negotiation last stood when a plan was the last thing it said: offered, or set aside as offered twice.
_PLAN_LAST_SAID = frozenset({"confirm", "stuck", "stuck_person"})
# Questions on the table that a "同意" answers for itself (recording a hardship, the income questions, reminders).
_OWN_YES = frozenset({"hardship_consent", "ie_consent", "resume_offer", "reminder_offer"})
_CONSENT_WORDS = re.compile(r"记录|登记|记下|记上|记吧")


def takes_the_plan(tracker: Tracker, *, whatever_pending: bool = False) -> Optional[State]:
    """The plan last offered, taken in so many words while another question is on the table ("确认这个计划" after
    "需要我帮您转过去吗？", "我同意了 确认" after "I won't repeat it"): the state to confirm it from, else None.
    Only when the plan was the negotiation's last word: "同意记录" after a question about a hardship is consent."""
    from dataclasses import replace

    from kuanxian.dialogue import parse

    pending = tracker.get_slot("pending_offer")
    text = text_of(tracker)
    if (pending == "plan_confirm" and not whatever_pending) or pending in _OWN_YES or _CONSENT_WORDS.search(text):
        return None
    if not parse.explicitly_accepts(text):
        return None
    state = State.from_slot(tracker.get_slot("negotiation"))
    draft = state.draft or state.set_aside
    return replace(state, draft=draft, set_aside=None) if draft and state.asked in _PLAN_LAST_SAID else None


async def confirm_if_taken(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context], *, whatever_pending: bool = False
) -> Optional[Events]:
    """`confirm_plan` for the plan `takes_the_plan` finds, or None when the words take no plan."""
    taken = takes_the_plan(tracker, whatever_pending=whatever_pending) if context is not None else None
    if taken is None or context is None:
        return None
    return await confirm_plan(dispatcher, tracker, context, state=taken)


class ActionHandleAffirm(KuanxianAction):
    needs_borrower = False

    def name(self) -> str:
        return "action_handle_affirm"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        pending = tracker.get_slot("pending_offer")
        confirmed = await confirm_if_taken(dispatcher, tracker, context)
        if confirmed is not None:
            return confirmed
        if pending == "transfer_offer":
            state = State.from_slot(tracker.get_slot("negotiation"))
            say(dispatcher, contact_texts.request_human())
            from actions.handoff import reason_for_person

            command(dispatcher, RequestHandoff(reason_for_person(tracker), Priority.NORMAL, "借款人同意转人工", summary_details(state)))
            return _clear()
        if context is None:
            say(dispatcher, account_texts.acknowledged())
            return _clear()
        if pending == "plan_confirm":
            return await self._plan_answer(dispatcher, tracker, context)
        if pending == "hardship_consent":
            return await record_consent(dispatcher, tracker, context, consent=True)
        if pending == "ie_consent":
            result = start_income_check(State.from_slot(tracker.get_slot("negotiation")))
            say(dispatcher, result.reply)
            return [SlotSet("negotiation", result.state.to_slot()), SlotSet("pending_offer", None)]
        if pending == "resume_offer":
            from actions.contact import resume

            return [*resume(dispatcher, context, text_of(tracker)), *_clear()]
        if pending == "reminder_offer":
            value = tracker.get_slot("follow_date")
            if value:
                from actions.contact import remind_on

                remind_on(dispatcher, context, date.fromisoformat(str(value)))
                return [*_clear(), SlotSet("follow_date", None)]
        from kuanxian.dialogue import parse

        if tracker.get_slot("hardship_disclosed") and not context.hardships and parse.consents_to_record(text_of(tracker)):
            # "行，那就缓30天，我家这个情况你们可以登记" after a question in between: the consent asked for earlier.
            return await record_consent(dispatcher, tracker, context, consent=True)
        say(dispatcher, account_texts.noted())
        return _clear()

    @staticmethod
    async def _plan_answer(dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        """A plan is agreed only on a clear yes; "免个零头不过分吧" or "改成10号" is not one."""
        from kuanxian.dialogue import parse

        text = text_of(tracker)
        if not text or parse.yes_no(text):
            return await confirm_plan(dispatcher, tracker, context)
        if parse.asks_fee_relief(text):
            from actions.hardship import handle_fee_relief

            return await handle_fee_relief(dispatcher, tracker, context)
        if parse.names_plan_terms(text, context.today):
            # "好，那每期放在10号": a change first (a restated plan is agreed by the negotiation itself).
            from actions.negotiation import negotiate

            return await negotiate(dispatcher, tracker, context, intent="propose_installment")
        if parse.starts_yes(text) or parse.accepts_in_the_end(text):
            return await confirm_plan(dispatcher, tracker, context)
        say(dispatcher, plan_texts.confirm_again())
        return [SlotSet("pending_offer", "plan_confirm"), SlotSet("misunderstood", 0.0)]


def _yes_in_passing(tracker: Tracker) -> bool:
    """ "好，谢谢", "好嘞！确认✅ 拜拜": a yes to the question on the table, said with thanks or a goodbye."""
    from kuanxian.dialogue import parse

    text = text_of(tracker)
    pending = tracker.get_slot("pending_offer")
    return bool(pending and text and (parse.yes_no(text, pending) or parse.starts_yes(text)))


class ActionHandleThank(KuanxianAction):
    """ "好，谢谢" right after a question is a yes to it; otherwise "you're welcome"."""

    needs_borrower = False

    def name(self) -> str:
        return "action_handle_thank"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        if _yes_in_passing(tracker):
            return await ActionHandleAffirm().act(dispatcher, tracker, context)
        say(dispatcher, account_texts.you_are_welcome())
        if context is not None and context.plan is None and draft_on_the_table(tracker):
            # "好，这样我就解脱一点了，谢谢你" after an answer in between: the plan offered is still waiting for a yes,
            # said in a line (never agreed on a thank-you alone).
            say(dispatcher, plan_texts.draft_still_open())
            return [SlotSet("pending_offer", "plan_confirm")]
        return []


# Comfort waved off, the conversation not ended: "我没事 你别安慰了", "说正事吧".
_BACK_TO_BUSINESS = re.compile(r"我没事|别安慰|不用安慰|不用劝|说正事|说正经的|谈正事")


class ActionGoodbye(KuanxianAction):
    """A goodbye: a yes in the same breath ("好嘞！确认✅ 拜拜") confirms what was on the table first; a goodbye
    right after one (the hub sends the Borrower's last messages) gets a shorter line, not the same one again."""

    needs_borrower = False

    def name(self) -> str:
        return "action_goodbye"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from kuanxian.dialogue import parse

        if _yes_in_passing(tracker):
            return await ActionHandleAffirm().act(dispatcher, tracker, context)
        text = text_of(tracker)
        if context is not None and _BACK_TO_BUSINESS.search(text) and not parse.says_goodbye(text):
            # "我没事 你别安慰了 就是这阵子紧": no goodbye; kindness waved off, the matter in hand goes on.
            from actions.session import resume_negotiation

            say(dispatcher, account_texts.back_to_business())
            return resume_negotiation(dispatcher, tracker, context)
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        recent = metadata.get("recent") if isinstance(metadata, dict) else None
        before = recent[-1] if isinstance(recent, list) and recent and isinstance(recent[-1], str) else ""
        say(dispatcher, account_texts.goodbye_again() if parse.says_goodbye(before) else account_texts.goodbye())
        return _clear()


class ActionHandleDeny(KuanxianAction):
    needs_borrower = False

    def name(self) -> str:
        return "action_handle_deny"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from kuanxian.dialogue import parse

        pending = tracker.get_slot("pending_offer")
        confirmed = await confirm_if_taken(dispatcher, tracker, context)  # "适合啊！！我同意了 确认 确认 确认"
        if confirmed is not None:
            return confirmed
        if pending == "resume_offer":
            say(dispatcher, contact_texts.keep_stopped())
            return _clear()
        if pending == "reminder_offer":
            say(dispatcher, contact_texts.no_reminder())
            return [*_clear(), SlotSet("follow_date", None)]
        if pending == "hardship_consent" and context is not None:
            # "可以 受伤这个事你们记嘛 要不要我拍医院的证明给你" heard as a no: the words say yes.
            consent = parse.yes_no(text_of(tracker), pending) is True
            return await record_consent(dispatcher, tracker, context, consent=consent)
        if pending == "plan_confirm":
            if parse.accepts_in_the_end(text_of(tracker)):
                # "500……有点紧，咬咬牙可以": the doubt is said, and the offer taken.
                return await ActionHandleAffirm().act(dispatcher, tracker, context)
            state = State.from_slot(tracker.get_slot("negotiation"))
            from dataclasses import replace

            say(dispatcher, plan_texts.declined())
            return [*_clear(), SlotSet("negotiation", replace(state, asked="terms", asked_times=1, draft=None).to_slot())]
        if pending == "ie_consent" and context is not None:
            policy = context.borrower.policy
            say(
                dispatcher,
                plan_texts.unaffordable_options(
                    policy.payment_holiday_days > 0, policy.payment_holiday_days, policy.interest_freeze_on_hardship
                ),
            )
            return _clear()
        say(dispatcher, account_texts.acknowledged())
        return _clear()
