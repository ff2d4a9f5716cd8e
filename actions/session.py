"""Session start and greeting."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Context, Events, KuanxianAction, say, text_of
from kuanxian.dialogue.negotiation import Account, State, resume
from kuanxian.dialogue.outlook import reminder_outlook
from kuanxian.replies import account as texts

# Slots that describe the account and the negotiation, not the moment: kept across sessions.
CARRIED_SLOTS = ("borrower_id", "wrong_person", "hardship_disclosed", "hardship_type", "negotiation")
_RETURNING = re.compile(r"又来|回来了|上次|之前|不好意思|抱歉|对不起")
# "还在吗", "在不在", "人呢": checking the chat is still there, mid-conversation.
_STILL_THERE = re.compile(r"(?:你|您)?(?:还在|在不在|在吗|在么|在嘛)(?:吗|嘛|么|不)?|人呢|有人吗|有人在吗")


class ActionSessionStart(Action):
    """Start a session with the identity from the authenticated message metadata."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = [SessionStarted()]
        for slot in CARRIED_SLOTS:
            value = tracker.get_slot(slot)
            if value is not None:
                events.append(SlotSet(slot, value))
        metadata = tracker.get_slot("session_started_metadata") or {}
        if isinstance(metadata, dict) and metadata.get("borrower_id"):
            events.append(SlotSet("borrower_id", str(metadata["borrower_id"])))
        events.append(ActionExecuted("action_listen"))
        return events


def recorded_hardship(tracker: Tracker, context: Context) -> bool:
    """Hardship terms (a holiday, an interest freeze) need a Hardship on record: the hub refuses them otherwise."""
    return bool(context.hardships) or bool(tracker.get_slot("hardship_recorded"))


def account_of(context: Context, hardship: bool, *, disclosed: bool = False) -> Account:
    from datetime import timedelta

    return Account(
        context.borrower.balance,
        context.borrower.policy,
        context.today,
        hardship,
        reminder_outlook(context.borrower, context.now + timedelta(days=30)),
        disclosed=disclosed or hardship,
        due_day=context.borrower.due_day,
    )


class ActionGreet(KuanxianAction):
    """Greet by name (or welcome back kindly); offer to pick up a kept draft."""

    needs_borrower = False

    def name(self) -> str:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        borrower = context.borrower if context else None
        said = text_of(tracker).strip().rstrip("？?。.!！~～ ")
        returning = bool(_RETURNING.search(said))
        if _STILL_THERE.fullmatch(said):
            # Not an answer: the question on the table stays open for the next message.
            say(dispatcher, texts.still_here())
            return [
                SlotSet("pending_offer", tracker.get_slot("pending_offer")),
                SlotSet("awaiting", tracker.get_slot("awaiting")),
                SlotSet("misunderstood", 0.0),
            ]
        say(dispatcher, texts.welcome_back(borrower) if returning else texts.greeting(borrower))
        return resume_negotiation(dispatcher, tracker, context)


def resume_negotiation(dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
    """The negotiation's open question (or kept draft) asked again, if there is one."""
    state = State.from_slot(tracker.get_slot("negotiation"))
    if context is not None and not (state.draft and is_active_plan(state.draft, context)):
        pending = resume(
            state,
            account_of(context, recorded_hardship(tracker, context), disclosed=bool(tracker.get_slot("hardship_disclosed"))),
        )
        if pending is not None:
            say(dispatcher, pending.reply)
            return [SlotSet("pending_offer", pending.pending), SlotSet("misunderstood", 0.0)]
    return [SlotSet("misunderstood", 0.0)]


def is_active_plan(draft: Mapping[str, Any], context: Context) -> bool:
    """Whether a draft's terms are what is still to pay on the agreed plan."""
    if context.plan is None:
        return False
    unpaid = [i for i in context.plan.installments if i.outstanding > 0]
    if not unpaid:
        return False
    return (
        str(draft.get("amount")) == str(unpaid[0].amount)
        and int(draft.get("count") or 0) == len(unpaid)
        and str(draft.get("first_date")) == unpaid[0].due.isoformat()
    )
