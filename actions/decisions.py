"""'Yes' and 'no' answer whatever was last offered: a plan, recording a hardship, a reminder."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import ActionScheduleFollowUp
from actions.hardship import ActionRecordHardship, ActionSkipHardshipRecord
from actions.plans import ActionConfirmPlan, ActionDeclinePlan
from actions.runtime import KuanxianAction, authenticated_borrower, say
from kuanxian import replies
from kuanxian.accounts import Borrower

YES_HANDLERS = {
    "plan_confirm": ActionConfirmPlan,
    "hardship_consent": ActionRecordHardship,
    "reminder_offer": ActionScheduleFollowUp,
}
NO_HANDLERS = {
    "plan_confirm": ActionDeclinePlan,
    "hardship_consent": ActionSkipHardshipRecord,
}


async def _dispatch(
    handlers: Dict[str, Any], fallback: replies.Reply, name: str,
    dispatcher: CollectingDispatcher, tracker: Tracker,
) -> List[Dict[Text, Any]]:
    handler = handlers.get(tracker.get_slot("pending_offer") or "")
    if handler is None:
        say(dispatcher, fallback, action=name)
        return [SlotSet("pending_offer", None)]
    action = handler()
    borrower = await authenticated_borrower(tracker)
    if borrower is None and action.needs_borrower:
        return await action.run(dispatcher, tracker, {})
    return await action.act(dispatcher, tracker, borrower)


class ActionHandleAffirm(KuanxianAction):
    needs_borrower = False

    def name(self) -> Text:
        return "action_handle_affirm"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        return await _dispatch(YES_HANDLERS, replies.acknowledged(), self.name(), dispatcher, tracker)


class ActionHandleDeny(KuanxianAction):
    needs_borrower = False

    def name(self) -> Text:
        return "action_handle_deny"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("pending_offer") == "reminder_offer":
            say(dispatcher, replies.no_reminder(), action=self.name())
            return [SlotSet("pending_offer", None), SlotSet("follow_date", None)]
        return await _dispatch(NO_HANDLERS, replies.acknowledged(), self.name(), dispatcher, tracker)
