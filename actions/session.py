"""Session start and greeting."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, say
from kuanxian import replies
from kuanxian.accounts import Borrower

# Slots that describe the account, not the moment: kept across sessions.
CARRIED_SLOTS = ("borrower_id", "wrong_person", "hardship_disclosed", "hardship_type", "plan_draft")


class ActionSessionStart(Action):
    """Start a session with the identity from the authenticated message metadata."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events: List[Dict[Text, Any]] = [SessionStarted()]
        for slot in CARRIED_SLOTS:
            value = tracker.get_slot(slot)
            if value is not None:
                events.append(SlotSet(slot, value))
        metadata = tracker.get_slot("session_started_metadata") or {}
        if isinstance(metadata, dict) and metadata.get("borrower_id"):
            events.append(SlotSet("borrower_id", str(metadata["borrower_id"])))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(KuanxianAction):
    """Greet by name when authenticated, generically otherwise."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_greet"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]
    ) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.greeting(borrower), action=self.name())
        return []
