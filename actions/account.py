"""Account questions and the proactive payment reminder."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import KuanxianAction, local_today, say
from kuanxian import replies
from kuanxian.accounts import Borrower
from kuanxian.money import parse_amount


class ActionAnswerBalance(KuanxianAction):
    def name(self) -> Text:
        return "action_answer_balance"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        say(dispatcher, replies.balance(borrower, local_today(borrower)), action=self.name())
        return []


class ActionAnswerDueDate(KuanxianAction):
    def name(self) -> Text:
        return "action_answer_due_date"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        say(dispatcher, replies.due_date(borrower, local_today(borrower)), action=self.name())
        return []


class ActionAnswerPaymentMethod(KuanxianAction):
    def name(self) -> Text:
        return "action_answer_payment_method"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        say(dispatcher, replies.payment_method(borrower), action=self.name())
        return []


class ActionPaymentReminder(KuanxianAction):
    """The calm proactive reminder, triggered by the hub with amount and due date."""

    def name(self) -> Text:
        return "action_payment_reminder"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        amount = parse_amount(str(next(tracker.get_latest_entity_values("amount"), "") or "")) or borrower.balance
        due = _parse_iso_date(next(tracker.get_latest_entity_values("due_date"), None))
        say(dispatcher, replies.payment_reminder(borrower, amount, due, local_today(borrower)), action=self.name())
        return []


def _parse_iso_date(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
