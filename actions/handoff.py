"""Reaching a person: requests, complaints, and the hand-back from a Collector."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, emit, say
from kuanxian import replies
from kuanxian.accounts import Borrower
from kuanxian.handoff import HandoffRequest


def _said(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text[:200]


class ActionRequestHuman(KuanxianAction):
    needs_borrower = False

    def name(self) -> Text:
        return "action_request_human"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.request_human(), action=self.name())
        emit(dispatcher, HandoffRequest("request_human", "normal", _said(tracker) or "借款人要求人工服务"))
        return [SlotSet("pending_offer", None)]


class ActionHandleComplaint(KuanxianAction):
    needs_borrower = False

    def name(self) -> Text:
        return "action_handle_complaint"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.complaint(), action=self.name())
        emit(dispatcher, HandoffRequest("complaint", "high", _said(tracker) or "借款人投诉"))
        return [SlotSet("pending_offer", None)]


class ActionHandback(KuanxianAction):
    """The hub returns the Conversation to the bot with what the Collector agreed."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_handback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        note = next(tracker.get_latest_entity_values("agreed_note"), "") or ""
        say(dispatcher, replies.handback(str(note)), action=self.name())
        return [SlotSet("pending_offer", None)]
