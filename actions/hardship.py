"""Hardship disclosure (TEXAS), deferral and fee relief, decided by policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, now, emit, repository, say
from kuanxian import replies
from kuanxian.accounts import HARDSHIP_CATEGORIES, Borrower, Hardship
from kuanxian.handoff import HandoffRequest
from kuanxian.safety.crisis import hardship_pause_days



def category_of(tracker: Tracker) -> str:
    value = tracker.get_slot("hardship_type") or next(tracker.get_latest_entity_values("hardship_type"), None)
    return value if value in HARDSHIP_CATEGORIES else "other"


class ActionAcknowledgeHardship(KuanxianAction):
    """Thank, Explain, ask eXplicit consent before recording anything."""

    def name(self) -> Text:
        return "action_acknowledge_hardship"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        category = category_of(tracker)
        # Reminders pause while someone is in hardship; no category is stored without consent.
        await (await repository()).update_flags(
            borrower.borrower_id, hardship_pause_until=now() + timedelta(days=hardship_pause_days())
        )
        say(dispatcher, replies.hardship_acknowledge(category), action=self.name())
        return [
            SlotSet("hardship_type", category),
            SlotSet("hardship_disclosed", True),
            SlotSet("pending_offer", "hardship_consent"),
        ]


class ActionRecordHardship(KuanxianAction):
    """With consent: record the category, then Ask about impact and Signpost help."""

    def name(self) -> Text:
        return "action_record_hardship"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        await (await repository()).record_hardship(
            Hardship(borrower.borrower_id, category_of(tracker), now(), tracker.sender_id)
        )
        say(dispatcher, replies.hardship_options(borrower, recorded=True), action=self.name())
        return [SlotSet("pending_offer", None)]


class ActionSkipHardshipRecord(KuanxianAction):
    """No consent: record nothing, still offer every option."""

    def name(self) -> Text:
        return "action_skip_hardship_record"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        say(dispatcher, replies.hardship_options(borrower, recorded=False), action=self.name())
        return [SlotSet("pending_offer", None)]


class ActionHandleDeferral(KuanxianAction):
    """A payment holiday within policy on hardship; otherwise ask, or hand to a person."""

    def name(self) -> Text:
        return "action_handle_deferral"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        days = borrower.policy.payment_holiday_days
        if days <= 0:
            say(dispatcher, replies.needs_a_person("延期还款"), action=self.name())
            emit(dispatcher, HandoffRequest("deferral", "normal", "借款人申请延期还款，政策无暂缓期，需人工评估"))
            return []
        if not tracker.get_slot("hardship_disclosed"):
            say(dispatcher, replies.deferral_needs_hardship(days), action=self.name())
            return []
        say(dispatcher, replies.deferral_offer(days), action=self.name())
        return [SlotSet("holiday_requested", True)]


class ActionHandleFeeRelief(KuanxianAction):
    """Interest freeze within policy on hardship; waivers need a person."""

    def name(self) -> Text:
        return "action_handle_fee_relief"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        hardship = bool(tracker.get_slot("hardship_disclosed"))
        if hardship and borrower.policy.interest_freeze_on_hardship:
            say(dispatcher, replies.fee_relief_offer(), action=self.name())
            return []
        if hardship:
            say(dispatcher, replies.needs_a_person("减免利息或费用"), action=self.name())
            emit(dispatcher, HandoffRequest("fee_relief", "normal", "借款人有困难，申请减免利息/费用，需人工审核"))
            return []
        say(dispatcher, replies.fee_relief_needs_hardship(), action=self.name())
        return []
