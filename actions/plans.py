"""Installment negotiation: collect terms, ask the plan engine, confirm a PaymentPlan."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import KuanxianAction, emit, local_today, repository, say
from kuanxian import replies
from kuanxian.accounts import Borrower
from kuanxian.dates import Frequency, parse_frequency
from kuanxian.handoff import PlanConfirmed
from kuanxian.money import parse_amount, parse_count
from kuanxian.plans import Decision, PlanError, Proposal, evaluate

logger = logging.getLogger(__name__)


def terms_from_text(text: str) -> Dict[Text, Any]:
    """Amount per period, number of installments and frequency found in `text`."""
    found: Dict[Text, Any] = {}
    count = parse_count(text)
    amount = parse_amount(text)
    frequency = parse_frequency(text)
    if amount is not None:
        found["plan_amount"] = str(amount)
    if count is not None:
        found["plan_count"] = float(count)
    if frequency is not None:
        found["plan_frequency"] = frequency.value
    return found


def proposal_from_slots(tracker: Tracker, borrower: Borrower) -> Proposal:
    amount = _decimal(tracker.get_slot("plan_amount"))
    count = tracker.get_slot("plan_count")
    frequency = Frequency(tracker.get_slot("plan_frequency") or Frequency.MONTHLY.value)
    hardship = bool(tracker.get_slot("hardship_disclosed"))
    holiday = borrower.policy.payment_holiday_days if hardship and tracker.get_slot("holiday_requested") else 0
    return Proposal(
        amount=amount,
        count=int(count) if count else None,
        frequency=frequency,
        hardship=hardship,
        holiday_days=holiday,
    )


def _decimal(value: Any) -> Optional[Decimal]:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def draft_of(proposal: Proposal, decision: Decision) -> Dict[Text, Any]:
    """What is kept while the Borrower thinks: the offered terms, not the dates."""
    schedule = decision.schedule
    return {
        "amount": str(schedule.regular_amount),
        "count": schedule.count,
        "frequency": schedule.frequency.value,
        "hardship": proposal.hardship,
        "holiday_days": schedule.holiday_days,
    }


def proposal_from_draft(draft: Dict[Text, Any]) -> Proposal:
    return Proposal(
        amount=Decimal(draft["amount"]),
        count=int(draft["count"]),
        frequency=Frequency(draft["frequency"]),
        hardship=bool(draft.get("hardship")),
        holiday_days=int(draft.get("holiday_days", 0)),
    )


class ActionExtractPlanTerms(KuanxianAction):
    """Read terms already in the message that started the negotiation."""

    def name(self) -> Text:
        return "action_extract_plan_terms"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        found = {} if text.startswith("/") else terms_from_text(text)
        events = [SlotSet("plan_amount", None), SlotSet("plan_count", None), SlotSet("plan_frequency", None)]
        events += [SlotSet(k, v) for k, v in found.items()]
        has_terms = "plan_amount" in found or "plan_count" in found
        events.append(SlotSet("plan_terms", text if has_terms else None))
        return events


class ActionAskPlanTerms(KuanxianAction):
    """The plan form's question: an amount or a number of installments."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_ask_plan_terms"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.ask_plan_terms(), action=self.name())
        return []


class ValidatePlanForm(FormValidationAction):
    """Understand the amount, count and frequency the Borrower offers."""

    def name(self) -> Text:
        return "validate_plan_form"

    async def validate_plan_terms(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        found = terms_from_text(str(slot_value or ""))
        if "plan_amount" in found or "plan_count" in found:
            return {"plan_terms": str(slot_value), **found}
        say(
            dispatcher,
            replies.Reply("抱歉，我没太明白。您可以说一个每期能还的金额，比如“每月500”，或者想分几期，比如“分12期”。"),
            action=self.name(),
        )
        return {"plan_terms": None}


class ActionEvaluatePlan(KuanxianAction):
    """Ask the plan engine and offer the plan or the nearest one the policy allows."""

    def name(self) -> Text:
        return "action_evaluate_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        today = local_today(borrower)
        proposal = proposal_from_slots(tracker, borrower)
        reset = [SlotSet("plan_terms", None), SlotSet("plan_amount", None), SlotSet("plan_count", None)]
        try:
            decision = evaluate(borrower.balance, borrower.policy, proposal, today=today)
        except PlanError as error:
            say(dispatcher, replies.plan_error(error, borrower), action=self.name())
            return reset + [SlotSet("pending_offer", None)]
        say(dispatcher, replies.plan_offer(decision, today), action=self.name())
        return reset + [
            SlotSet("plan_draft", draft_of(proposal, decision)),
            SlotSet("pending_offer", "plan_confirm"),
        ]


class ActionConfirmPlan(KuanxianAction):
    """Store the confirmed PaymentPlan and its Installments."""

    def name(self) -> Text:
        return "action_confirm_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        assert borrower is not None
        draft = tracker.get_slot("plan_draft")
        if not draft:
            say(dispatcher, replies.plan_declined(), action=self.name())
            return [SlotSet("pending_offer", None)]
        today = local_today(borrower)
        try:
            decision = evaluate(borrower.balance, borrower.policy, proposal_from_draft(draft), today=today)
        except PlanError as error:
            say(dispatcher, replies.plan_error(error, borrower), action=self.name())
            return [SlotSet("pending_offer", None), SlotSet("plan_draft", None)]
        plan_id = await (await repository()).save_payment_plan(
            borrower.borrower_id, decision.schedule, conversation_id=tracker.sender_id
        )
        logger.info("payment plan %s confirmed for %s", plan_id, borrower.borrower_id)
        say(dispatcher, replies.plan_confirmed(decision.schedule, today), action=self.name())
        emit(dispatcher, PlanConfirmed(plan_id))
        return [SlotSet("pending_offer", None), SlotSet("plan_draft", None), SlotSet("holiday_requested", None)]


class ActionDeclinePlan(KuanxianAction):
    """'No' to an offer is fine: ask what would work, keep the door open."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_decline_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        say(dispatcher, replies.plan_declined(), action=self.name())
        return [SlotSet("pending_offer", None)]


class ActionKeepDraft(KuanxianAction):
    """'Let me think' is respected; the draft stays for later."""

    needs_borrower = False

    def name(self) -> Text:
        return "action_keep_draft"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]) -> List[Dict[Text, Any]]:
        draft = tracker.get_slot("plan_draft")
        say(dispatcher, replies.keep_draft(bool(draft)), action=self.name())
        return [SlotSet("pending_offer", "plan_confirm" if draft else None)]
