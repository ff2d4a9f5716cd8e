"""Disputes, wrong person, opting out of and back into proactive contact."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, borrower_id_of, emit, repository, say
from kuanxian import replies
from kuanxian.accounts import Borrower
from kuanxian.handoff import HandoffRequest


class ActionOpenDispute(KuanxianAction):
    """Record the dispute, stop collection messages, hand off for verification."""

    def name(self) -> Text:
        return "action_open_dispute"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        await (await repository()).update_flags(borrower.borrower_id, dispute_open=True)
        say(dispatcher, replies.dispute_opened(), action=self.name())
        text = (tracker.latest_message or {}).get("text") or ""
        emit(dispatcher, HandoffRequest("dispute", "high", f"借款人对欠款有异议：{text[:200]}"))
        return []


class ActionWrongPerson(KuanxianAction):
    """Apologise, reveal nothing, mark the contact as wrong."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_wrong_person"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        borrower_id = borrower_id_of(tracker)
        if borrower_id:
            await (await repository()).update_flags(borrower_id, wrong_contact=True)
        say(dispatcher, replies.wrong_person(), action=self.name())
        return [SlotSet("wrong_person", True), SlotSet("pending_offer", None)]


class ActionStopContact(KuanxianAction):
    """Opt out of proactive reminders and say how to opt back in."""

    def name(self) -> Text:
        return "action_stop_contact"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        await (await repository()).update_flags(borrower.borrower_id, opted_out=True)
        say(dispatcher, replies.stop_contact(), action=self.name())
        return []


class ActionResumeContact(KuanxianAction):
    """Opt back in."""

    def name(self) -> Text:
        return "action_resume_contact"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        await (await repository()).update_flags(borrower.borrower_id, opted_out=False)
        say(dispatcher, replies.resume_contact(), action=self.name())
        return []
