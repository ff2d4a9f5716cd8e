"""Promises to pay and "remind me later"; reminders off and on; disputes; the wrong person."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import (
    BorrowerAction,
    Context,
    Events,
    KuanxianAction,
    borrower_id_of,
    command,
    draft_on_the_table,
    intent_of,
    say,
    text_of,
)
from kuanxian.commands import (
    MarkWrongContact,
    OpenDispute,
    OptIn,
    OptOut,
    RecordPromise,
    RequestHandoff,
    ScheduleReminder,
    WithdrawDispute,
)
from kuanxian.dialogue.outlook import reminder_outlook
from kuanxian.dialogue.parse import promise_date, refuses_installments
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.money import parse_amount
from kuanxian.replies import contact as texts

FOLLOW_UP_TIME = time(10, 0)


async def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, context: Context, *, promise: bool) -> Events:
    """A day in the message becomes a Promise (or a reminder); no day, ask once (a payday, ask which day)."""
    text = text_of(tracker)
    found = promise_date(text, context.today) if text else None
    awaiting = "promise_date" if promise else "reminder_date"
    promised = tracker.get_slot("follow_date")
    if not promise and (found is None or found.date is None) and promised:
        # "到时候提醒我一下" after a promise: the promised day is the day.
        return remind_on(dispatcher, context, date.fromisoformat(str(promised)))
    if promise and (found is None or found.date is None) and promised and refuses_installments(text):
        # "分期我不要，说了不要" after "下个月二十号一次还": the promise stands, not its day asked again.
        say(dispatcher, texts.promise_stands(date.fromisoformat(str(promised)), context.today, plan_refused=True))
        return [SlotSet("awaiting", None), SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
    if found is None or found.date is None:
        asked_before = tracker.get_slot("awaiting") == awaiting
        if found is not None and found.needs_clarification == "payday":
            say(dispatcher, texts.ask_payday())
        elif asked_before:
            say(dispatcher, texts.no_date_yet())
            return [SlotSet("awaiting", None), SlotSet("misunderstood", 0.0)]
        else:
            say(dispatcher, texts.ask_follow_date())
        return [SlotSet("awaiting", awaiting), SlotSet("misunderstood", 0.0)]
    day = found.date
    send_at = datetime.combine(day, FOLLOW_UP_TIME, tzinfo=context.borrower.zone)
    outlook = reminder_outlook(context.borrower, send_at)
    if promise and promised and str(promised) == day.isoformat():
        # "好，那你记一下，1月10号我把剩下的全部还了" once more: noted already, not noted (nor a reminder offered) again.
        say(dispatcher, texts.promise_stands(day, context.today, plan_refused=False))
        return [SlotSet("awaiting", None), SlotSet("misunderstood", 0.0)]
    if promise:
        command(dispatcher, RecordPromise(day, parse_amount(text), remind=False))
        say(dispatcher, texts.promise_noted(day, context.today, outlook))
        pending = "reminder_offer" if outlook.allowed else None
        return [
            SlotSet("awaiting", None),
            SlotSet("follow_date", day.isoformat()),
            SlotSet("pending_offer", pending),
            SlotSet("misunderstood", 0.0),
        ]
    return remind_on(dispatcher, context, day)


def remind_on(dispatcher: CollectingDispatcher, context: Context, day: date) -> Events:
    """A follow-up on `day` at 10:00 in the Borrower's zone, if that is still ahead and the contact rules allow it."""
    send_at = datetime.combine(day, FOLLOW_UP_TIME, tzinfo=context.borrower.zone)
    outlook = reminder_outlook(context.borrower, send_at)
    if send_at <= context.now:
        say(dispatcher, texts.reminder_too_late(day, context.today))
    elif outlook.allowed:
        command(dispatcher, ScheduleReminder(send_at, "follow_up", "borrower_request"))
        say(dispatcher, texts.follow_up_scheduled(day, context.today))
    else:
        say(dispatcher, texts.reminder_not_possible(outlook, context.today))
    return [SlotSet("awaiting", None), SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]


class ActionPromise(BorrowerAction):
    def name(self) -> str:
        return "action_promise"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse

        text = text_of(tracker)
        talking_plan = draft_on_the_table(tracker) or context.plan is not None
        if talking_plan and (parse.day_of_month(text) is not None or _FIRST_INSTALLMENT.search(text) or parse.moves_to_a_month(text)):
            # "能不能改到每个月20号", "第一期就下个月28号", "改成1月10号": the plan's dates, not a promise to pay on a day.
            from actions.negotiation import negotiate

            return await negotiate(dispatcher, tracker, context, intent="propose_installment")
        if _WHAT_IF.search(text):
            # "30天后还没找到工作咋办": a worry about later, not a promise to pay on that day.
            from actions.account import ActionAnswerMissedPayment

            return await ActionAnswerMissedPayment().act(dispatcher, tracker, context)
        if parse.asks_fee_relief(text):
            # "这350你们给我免了，我这个月就把5000凑齐": the fees questioned first; a person decides them.
            from actions.hardship import handle_fee_relief

            return await handle_fee_relief(dispatcher, tracker, context)
        if parse.wants_holiday(text) and parse.holiday_days(text, context.today) is not None:
            # "过两个月再还": a payment holiday asked for, not a date promised.
            from actions.negotiation import negotiate

            return await negotiate(dispatcher, tracker, context, intent="request_deferral")
        found = promise_date(text, context.today) if text else None
        if found is None or found.date is None:
            if parse.mentions_hardship(text):
                # "这3000我会还的，就是现在真的没有收入": the will to pay, and a hardship; no date to ask for.
                from actions.hardship import ActionAcknowledgeHardship

                return await ActionAcknowledgeHardship().act_for(dispatcher, tracker, context)
            if parse.cant_pay_now(text):
                # "我会还的 就是现在拿不出来": what can be afforded comes first, not a date.
                from actions.negotiation import negotiate

                return await negotiate(dispatcher, tracker, context, intent="cant_afford")
        return await follow_up(dispatcher, tracker, context, promise=True)


# A worry about later ("要是…还不上咋办", "万一…"), not a date promised.
_WHAT_IF = re.compile(r"咋办|怎么办|万一|如果.{0,12}(?:还不上|没钱|找不到|凑不齐)|要是.{0,12}(?:还不上|没钱|找不到|凑不齐)")

# The first installment named: its date is a plan term.
_FIRST_INSTALLMENT = re.compile(r"第一期|首期|第一笔|第一次还|头一期")


class ActionRemindLater(BorrowerAction):
    def name(self) -> str:
        return "action_remind_later"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse

        text = text_of(tracker)
        if parse.wants_holiday(text) and parse.holiday_days(text, context.today) is not None:
            # "那到时候再说吧 先停3个月": a payment holiday asked for, not a reminder date.
            from actions.negotiation import negotiate

            return await negotiate(dispatcher, tracker, context, intent="request_deferral")
        return await follow_up(dispatcher, tracker, context, promise=False)


class ActionStopContact(BorrowerAction):
    def name(self) -> str:
        return "action_stop_contact"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse
        from kuanxian.dialogue.parse import reminders

        if parse.asks_fewer_reminders(text_of(tracker)):
            # "能不能一个月就提醒一次,别太多": how few there are; nothing is turned off.
            say(dispatcher, texts.reminder_limits())
            return [SlotSet("misunderstood", 0.0)]
        if parse.about_reminders_after_payoff(text_of(tracker)):
            # "还清以后请停止提醒": they stop by themselves then; nothing is turned off now.
            say(dispatcher, texts.after_payoff_reminders())
            return [SlotSet("misunderstood", 0.0)]
        if parse.asks_quiet_hours(text_of(tracker)):
            # "别半夜发" is about when reminders come, not whether: nothing is turned off. "确认。还有，提醒白天发"
            # also confirms the plan on the table first.
            events: Events = []
            if tracker.get_slot("pending_offer") == "plan_confirm" and parse.starts_yes(text_of(tracker)):
                from actions.decisions import ActionHandleAffirm

                events = await ActionHandleAffirm().act(dispatcher, tracker, context)
            text = text_of(tracker)
            # (A particular hour asked for gets the honest answer that it cannot be set per person.)
            say(dispatcher, texts.quiet_hours(sleeps_by_day=parse.sleeps_by_day(text) or reminders.names_clock_hour(text)))
            return [*events, SlotSet("misunderstood", 0.0)]
        if not text_of(tracker).startswith("/") and not parse.says_stop(text_of(tracker)):
            # "收到你们短信了，我知道逾期了": a message mentioned, no stop asked for; nothing is turned off.
            return await misheard(dispatcher, tracker, context)
        if context.borrower.flags.opted_out:
            # Off already ("算了 全部停掉", "行吧 那先停"): said so, not turned off a second time.
            say(dispatcher, texts.keep_stopped())
            return [SlotSet("misunderstood", 0.0)]
        command(dispatcher, OptOut())
        say(dispatcher, texts.stop_contact())
        return [SlotSet("misunderstood", 0.0)]


class ActionResumeContact(BorrowerAction):
    """Reminders back on for real: the opt-out and the Borrower's own hardship pause end (a crisis pause does not).
    Only the fear of forgetting after a stop ("停了我又怕忘记了") offers them back and lets the Borrower say."""

    def name(self) -> str:
        return "action_resume_contact"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse

        text = text_of(tracker)
        if parse.asks_how_to_resume(text):
            # "以后要再打开的话在哪弄？先别开，问问": the how, for later; nothing changes now.
            say(dispatcher, texts.how_to_resume())
            return [SlotSet("misunderstood", 0.0)]
        if parse.checks_reminders_stopped(text) and not parse.wants_reminders_back(text):
            # "那下次还款日你也不提醒了是吧": asking whether they are off is no wish to turn them on.
            at = datetime.combine(context.today + timedelta(days=1), FOLLOW_UP_TIME, tzinfo=context.borrower.zone)
            outlook = reminder_outlook(context.borrower, at)
            say(dispatcher, texts.reminders_state(context.borrower.flags.opted_out, outlook, context.today))
            return [SlotSet("misunderstood", 0.0)]
        if intent_of(tracker) != "resume_contact" and parse.fears_forgetting(text) and not parse.wants_reminders_back(text):
            say(dispatcher, texts.offer_resume())
            return [SlotSet("pending_offer", "resume_offer"), SlotSet("misunderstood", 0.0)]
        if parse.says_stop(text) and not parse.wants_reminders_back(text):
            # "电话也别打，我耳朵背" heard as "turn them back on": the words ask for less contact, never more.
            return await ActionStopContact().act_for(dispatcher, tracker, context)
        return resume(dispatcher, context, text)


def resume(dispatcher: CollectingDispatcher, context: Context, text: str) -> Events:
    """OptIn, said with when reminders will come (and at which hours, when the Borrower asked about them)."""
    from kuanxian.dialogue import parse

    command(dispatcher, OptIn())
    after = context.borrower.with_flags(opted_out=False, hardship_pause_until=None)
    at = datetime.combine(context.today, FOLLOW_UP_TIME, tzinfo=after.zone)
    say(dispatcher, texts.resume_contact(reminder_outlook(after, at + timedelta(days=1)), context.today))
    if parse.asks_quiet_hours(text):
        say(dispatcher, texts.hours_after_resume())
    return [SlotSet("misunderstood", 0.0)]


async def misheard(dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
    """The classifier heard a dispute or a wrong number the words don't say: change nothing on the account.
    "你们记吧，我同意" after a hardship is consent; anything else is not understood (asked again, then a person)."""
    from actions.account import ActionFallback
    from kuanxian.dialogue import parse

    if context is not None and tracker.get_slot("hardship_disclosed") and parse.consents_to_record(text_of(tracker)):
        from actions.hardship import record_consent

        return await record_consent(dispatcher, tracker, context, consent=True)
    return await ActionFallback().act(dispatcher, tracker, context)


class ActionOpenDispute(BorrowerAction):
    def name(self) -> str:
        return "action_open_dispute"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse

        if context.borrower.flags.dispute_open and parse.withdraws_dispute(text_of(tracker)):
            # "我没得异议 账是对的": a dispute opened by mistake, taken back (the hub checks this conversation opened it).
            command(dispatcher, WithdrawDispute())
            say(dispatcher, texts.dispute_withdrawn())
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        if not parse.says_dispute(text_of(tracker)):
            return await misheard(dispatcher, tracker, context)
        said = text_of(tracker)[:200]
        command(dispatcher, OpenDispute(said))
        if context.borrower.flags.dispute_open:
            # Recorded already, a person asked for then: what they add is kept with it.
            say(dispatcher, texts.dispute_added())
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        command(dispatcher, RequestHandoff(HandoffReason.DISPUTE, Priority.HIGH, f"借款人对欠款有异议：{said}"))
        say(dispatcher, texts.dispute_opened())
        return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]


class ActionWrongPerson(KuanxianAction):
    """Apologise, reveal nothing, mark the contact as wrong."""

    needs_borrower = False

    def name(self) -> str:
        return "action_wrong_person"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from kuanxian.dialogue import parse

        if not parse.says_wrong_person(text_of(tracker)):
            if context is not None and parse.says_dispute(text_of(tracker)):
                # "你们是不是弄错了，我三号就交了": the debt is questioned, by the Borrower, not a wrong number.
                return await ActionOpenDispute().act_for(dispatcher, tracker, context)
            return await misheard(dispatcher, tracker, context)
        if borrower_id_of(tracker):
            command(dispatcher, MarkWrongContact())
        say(dispatcher, texts.wrong_person())
        return [SlotSet("wrong_person", True), SlotSet("pending_offer", None)]
