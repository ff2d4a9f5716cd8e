"""Crisis and distress support: safety first, a person at once, contact paused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, borrower_id_of, now, emit, repository, say
from kuanxian.accounts import Borrower
from kuanxian.handoff import HandoffRequest
from kuanxian.replies import Reply
from kuanxian.safety import crisis


def _said(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "")[:200]


async def _pause(tracker: Tracker, flag: str, days: int) -> None:
    borrower_id = borrower_id_of(tracker)
    if borrower_id:
        await (await repository()).update_flags(borrower_id, **{flag: now() + timedelta(days=days)})


class ActionCrisisSupport(KuanxianAction):
    """No word about the debt: crisis lines, 'are you safe', urgent handoff, 30-day pause."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_crisis_support"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        for text in crisis.crisis_messages():
            say(dispatcher, Reply(text), action=self.name())
        emit(dispatcher, HandoffRequest("crisis", "urgent", f"危机信号：{_said(tracker)}"))
        await _pause(tracker, "crisis_pause_until", crisis.CRISIS_PAUSE_DAYS)
        return [SlotSet("pending_offer", None), ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionDistressSupport(KuanxianAction):
    """Empathy, an offer of a person (high priority), a 7-day pause of reminders."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_distress_support"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        for text in crisis.distress_messages():
            say(dispatcher, Reply(text), action=self.name())
        emit(dispatcher, HandoffRequest("distress", "high", f"情绪困扰：{_said(tracker)}"))
        await _pause(tracker, "hardship_pause_until", crisis.hardship_pause_days())
        return [SlotSet("pending_offer", None), ActiveLoop(None), SlotSet("requested_slot", None)]
