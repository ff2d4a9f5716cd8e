"""Hardship disclosure (TEXAS) and fee relief, decided by policy."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import BorrowerAction, Context, Events, command, say, text_of
from kuanxian.commands import AgreePlan, PauseReminders, RecordHardship, RequestHandoff
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.hardship import HardshipCategory
from kuanxian.replies import Reply
from kuanxian.replies import hardship as texts

HARDSHIP_PAUSE_DAYS_DEFAULT = 7


def pause_days(tracker: Tracker) -> int:
    """How long the hub pauses reminders after a hardship (it sends KUANXIAN_HARDSHIP_PAUSE_DAYS with each turn)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    days = metadata.get("hardship_pause_days") if isinstance(metadata, dict) else None
    return days if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 90 else HARDSHIP_PAUSE_DAYS_DEFAULT


def category_of(tracker: Tracker) -> HardshipCategory:
    value = next(tracker.get_latest_entity_values("hardship_type"), None) or tracker.get_slot("hardship_type")
    return HardshipCategory.parse(value)


def interest_frozen_plan(context: Context) -> Optional[AgreePlan]:
    """The agreed plan again with interest frozen, when a hardship now on record allows it (same amounts and days)."""
    plan = context.plan
    if plan is None or plan.interest_frozen or not context.borrower.policy.interest_freeze_on_hardship:
        return None
    unpaid = [i for i in plan.installments if i.outstanding > 0]
    if not unpaid or unpaid[0].due < context.today:
        return None
    return AgreePlan(unpaid[0].amount, len(unpaid), plan.frequency, unpaid[0].due, plan.holiday_days, True)


def keep_plan_on_hardship_terms(dispatcher: CollectingDispatcher, context: Context) -> None:
    """A hardship just recorded with a plan agreed: the plan stands, without interest from now on where the record
    allows it ("你们利息能不能别再涨了" … "行，困难情况你们记录吧"), and the Borrower is told which."""
    frozen = interest_frozen_plan(context)
    if frozen is not None:
        command(dispatcher, frozen)
    say(dispatcher, texts.recorded_with_plan(interest_frozen=frozen is not None))


class ActionAcknowledgeHardship(BorrowerAction):
    """Thank, Explain, ask eXplicit consent before recording anything; reminders pause meanwhile."""

    def name(self) -> str:
        return "action_acknowledge_hardship"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue.parse import consents_to_record, names_plan_terms

        text = text_of(tracker)
        if tracker.get_slot("hardship_disclosed") or context.hardships:
            # More of the same story ("我是独生女，只能辞了工作照顾他"): no second consent question.
            if text and names_plan_terms(text, context.today):
                from actions.negotiation import negotiate

                return await negotiate(dispatcher, tracker, context, intent="request_deferral")
            if text and consents_to_record(text) and not (context.hardships or tracker.get_slot("hardship_recorded")):
                # "那你帮我记上吧 我家里是真的困难": the consent asked for a few turns ago, given now.
                if context.plan is None:
                    return [*await record_consent(dispatcher, tracker, context, consent=True), SlotSet("misunderstood", 0.0)]
                command(dispatcher, RecordHardship(category_of(tracker), True))
                keep_plan_on_hardship_terms(dispatcher, context)
                return [SlotSet("hardship_recorded", True), SlotSet("misunderstood", 0.0)]
            say(dispatcher, texts.heard_more(context.borrower))
            return [SlotSet("misunderstood", 0.0)]
        category = category_of(tracker)
        command(dispatcher, PauseReminders("hardship"))
        if text and consents_to_record(text):
            # "可以 你们记下来嘛 我没得骗你 医院的单子都在抽屉里头": told and consented in one breath; not asked again.
            recorded = await record_consent(dispatcher, tracker, context, consent=True)
            return [SlotSet("hardship_type", category.value), *recorded, SlotSet("misunderstood", 0.0)]
        say(dispatcher, texts.acknowledge(category))
        return [
            SlotSet("hardship_type", category.value),
            SlotSet("hardship_disclosed", True),
            SlotSet("pending_offer", "hardship_consent"),
            SlotSet("misunderstood", 0.0),
        ]


async def record_consent(dispatcher: CollectingDispatcher, tracker: Tracker, context: Context, *, consent: bool) -> Events:
    """Ask about impact and signpost help; record the category only with consent. A holiday asked for
    before the disclosure is taken up again at once."""
    if consent and not tracker.get_slot("hardship_recorded"):
        command(dispatcher, RecordHardship(category_of(tracker), True))
    from actions.negotiation import negotiate
    from kuanxian.dialogue import parse
    from kuanxian.dialogue.negotiation import HOLIDAY_QUESTIONS, State

    state = State.from_slot(tracker.get_slot("negotiation"))
    text = text_of(tracker)
    if state.holiday_days and state.asked in HOLIDAY_QUESTIONS:
        say(dispatcher, Reply("已经记录好了，谢谢您。" if consent else "好的，我们不做记录。"))
        taken = await negotiate(dispatcher, tracker, context, intent="request_deferral", text="", recorded=consent or None)
        return [*taken, SlotSet("hardship_disclosed", True), SlotSet("hardship_recorded", consent)]
    if text and parse.names_plan_terms(text, context.today):
        # "可以记 就是起码俩月没收入 能不能先停俩月不还 之后再分期": the consent, and in the same breath a holiday or
        # terms asked for: recorded, then the request is taken up (not the general options).
        say(dispatcher, Reply("已经记录好了，谢谢您。" if consent else "好的，我们不做记录。"))
        intent = "request_deferral" if parse.wants_holiday(text) else "propose_installment"
        taken = await negotiate(dispatcher, tracker, context, intent=intent, text=text, recorded=consent or None)
        return [*taken, SlotSet("hardship_disclosed", True), SlotSet("hardship_recorded", consent)]
    if consent and context.plan is None and state.draft:
        # A plan on the table ("店里生意不好这个事你可以记下来 立息能停的话就停嘛"): offered again on hardship terms
        # (interest frozen where the policy allows), for the Borrower's yes.
        from dataclasses import replace

        from actions.session import account_of
        from kuanxian.dialogue.negotiation import resume

        kept = replace(state, draft={**state.draft, "hardship": True})
        again = resume(kept, account_of(context, True, disclosed=True))
        if again is not None:
            say(dispatcher, Reply("已经记录好了，谢谢您。"))
            say(dispatcher, again.reply)
            return [
                SlotSet("negotiation", kept.to_slot()),
                SlotSet("pending_offer", again.pending),
                SlotSet("hardship_disclosed", True),
                SlotSet("hardship_recorded", True),
            ]
    if consent and context.plan is not None:
        keep_plan_on_hardship_terms(dispatcher, context)
        return [SlotSet("pending_offer", None), SlotSet("hardship_disclosed", True), SlotSet("hardship_recorded", True)]
    say(dispatcher, texts.options(context.borrower, consent, pause_days(tracker)))
    return [SlotSet("pending_offer", None), SlotSet("hardship_disclosed", True), SlotSet("hardship_recorded", consent)]


async def handle_fee_relief(dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
    """Interest frozen within policy on hardship; a waiver needs a person (offered; the request noted as the topic)."""
    from actions.session import recorded_hardship

    hardship = bool(tracker.get_slot("hardship_disclosed")) or bool(context.hardships)
    if recorded_hardship(tracker, context) and context.borrower.policy.interest_freeze_on_hardship:
        say(dispatcher, texts.fee_relief_offer())
        return [SlotSet("misunderstood", 0.0)]
    if hardship:
        say(dispatcher, texts.needs_a_person("减免利息或费用"))
        command(dispatcher, RequestHandoff(HandoffReason.FEE_RELIEF, Priority.NORMAL, "借款人有困难，申请减免利息/费用，需人工审核"))
        return [SlotSet("misunderstood", 0.0)]
    if tracker.get_slot("topic") == "fee_relief":
        # Asked again ("免个零头不过分吧"): a person decides waivers, so bring one in rather than repeat.
        say(dispatcher, texts.needs_a_person("减免利息或费用"))
        command(dispatcher, RequestHandoff(HandoffReason.FEE_RELIEF, Priority.NORMAL, "借款人申请减免利息/费用，需人工审核"))
        return [SlotSet("misunderstood", 0.0)]
    say(dispatcher, texts.fee_relief_needs_hardship())
    # "Yes, a person" or a later "转人工" asks a person to review the waiver.
    return [SlotSet("misunderstood", 0.0), SlotSet("topic", "fee_relief"), SlotSet("pending_offer", "transfer_offer")]


class ActionHandleFeeRelief(BorrowerAction):
    """Fee relief asked for (see handle_fee_relief)."""

    def name(self) -> str:
        return "action_handle_fee_relief"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        from kuanxian.dialogue import parse
        from kuanxian.replies import account

        text = text_of(tracker)
        if not parse.asks_fee_relief(text) and parse.says_understood(text):
            # "哦 是利息和手续费 懂了": the fees were explained and understood; no waiver was asked for.
            say(dispatcher, account.understood())
            return [SlotSet("misunderstood", 0.0)]
        return await handle_fee_relief(dispatcher, tracker, context)
