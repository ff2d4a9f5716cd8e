"""Promises to pay and 'remind me later': capture a day, confirm it, schedule a Reminder."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, datetime, time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import KuanxianAction, now, emit, say
from kuanxian import replies
from kuanxian.accounts import Borrower
from kuanxian.dates import parse_date
from kuanxian.handoff import ReminderRequest

# A follow-up fires mid-morning in the Borrower's own time zone.
FOLLOW_UP_TIME = time(10, 0)


def today_for(borrower: Optional[Borrower]) -> date:
    if borrower is None:
        return now().date()
    return borrower.local_now(now()).date()


class ActionExtractFollowDate(KuanxianAction):
    """Read a day already in the message ('15号还', '下周一提醒我')."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_extract_follow_date"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        found = None if text.startswith("/") else parse_date(text, today=today_for(borrower))
        if found and found.date:
            return [SlotSet("follow_date", found.date.isoformat())]
        if found and found.needs_clarification == "payday":
            say(dispatcher, replies.ask_payday(), action=self.name())
        return [SlotSet("follow_date", None)]


class ActionAskFollowDate(KuanxianAction):
    """The promise and reminder forms' question: which day."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_ask_follow_date"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.ask_follow_date(), action=self.name())
        return []


class _ValidateFollowDate(FormValidationAction, ABC):
    """Turn the Borrower's words into a concrete day, asking when it's vague."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form>."""

    async def validate_follow_date(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        from actions.runtime import authenticated_borrower

        borrower = await authenticated_borrower(tracker)
        text = str(slot_value or "")
        try:
            return {"follow_date": date.fromisoformat(text).isoformat()}
        except ValueError:
            pass
        found = parse_date(text, today=today_for(borrower))
        if found.date:
            return {"follow_date": found.date.isoformat()}
        reply = replies.ask_payday() if found.needs_clarification == "payday" else replies.ask_concrete_date()
        say(dispatcher, reply, action=self.name())
        return {"follow_date": None}


class ValidatePromiseForm(_ValidateFollowDate):
    def name(self) -> Text:
        return "validate_promise_form"


class ValidateReminderForm(_ValidateFollowDate):
    def name(self) -> Text:
        return "validate_reminder_form"


class ActionConfirmPromise(KuanxianAction):
    """Confirm the promised day back and offer a reminder on it."""

    def name(self) -> Text:
        return "action_confirm_promise"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        day = date.fromisoformat(tracker.get_slot("follow_date"))
        say(dispatcher, replies.promise_confirm(day, today_for(borrower)), action=self.name())
        return [SlotSet("pending_offer", "reminder_offer")]


class ActionScheduleFollowUp(KuanxianAction):
    """Ask the hub to schedule a follow_up Reminder on the agreed day."""

    def name(self) -> Text:
        return "action_schedule_follow_up"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        value = tracker.get_slot("follow_date")
        if not value:
            say(dispatcher, replies.ask_concrete_date(), action=self.name())
            return [SlotSet("pending_offer", None)]
        day = date.fromisoformat(value)
        send_at = datetime.combine(day, FOLLOW_UP_TIME, tzinfo=borrower.zone)
        say(dispatcher, replies.follow_up_scheduled(day, today_for(borrower)), action=self.name())
        emit(dispatcher, ReminderRequest(send_at=send_at, note="borrower_request"))
        return [SlotSet("pending_offer", None), SlotSet("follow_date", None)]
