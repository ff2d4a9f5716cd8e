"""Turns the hub starts: a reminder, a thank-you for a payment, a check-in after a miss, a hand-back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import BorrowerAction, Context, Events, KuanxianAction, engine, say
from kuanxian.dialogue.negotiation import State
from kuanxian.dialogue.outlook import reminder_outlook
from kuanxian.replies import account as account_texts
from kuanxian.replies import contact as contact_texts
from kuanxian.replies import plans as plan_texts


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value not in (None, "") else None


def _amount(value: Optional[str], fallback: Decimal) -> Decimal:
    try:
        return Decimal(value) if value else fallback
    except InvalidOperation:
        return fallback


def _date(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


class ActionPaymentReminder(BorrowerAction):
    def name(self) -> str:
        return "action_payment_reminder"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        amount = _amount(_entity(tracker, "amount"), context.borrower.balance)
        installment = _entity(tracker, "reminder_kind") == "installment_due"
        say(
            dispatcher,
            account_texts.payment_reminder(
                context.borrower, amount, _date(_entity(tracker, "due_date")), context.today, installment=installment
            ),
        )
        return []


class ActionPaymentThanks(BorrowerAction):
    def name(self) -> str:
        return "action_payment_thanks"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        amount = _amount(_entity(tracker, "amount"), Decimal("0.00"))
        say(dispatcher, plan_texts.payment_thanks(amount, context.borrower.balance, _date(_entity(tracker, "due_date")), context.today))
        return []


class ActionCheckIn(BorrowerAction):
    """After a missed installment or promise: ask what changed; the next plan talk reassesses first (FCA)."""

    def name(self) -> str:
        return "action_check_in"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        say(dispatcher, plan_texts.check_in())
        state = replace(State.from_slot(tracker.get_slot("negotiation")), reassess=True, draft=None, offers={})
        return [SlotSet("negotiation", state.to_slot()), SlotSet("pending_offer", None)]


class ActionHandback(KuanxianAction):
    """Back from a person: confirm the plan they agreed in the assistant's own words, never their note."""

    needs_borrower = False

    def name(self) -> str:
        return "action_handback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        plan_id = _entity(tracker, "plan_id")
        if context is not None and plan_id and plan_id.isdigit():
            from kuanxian.storage import plans

            async with engine().connect() as conn:
                plan = await plans.get_plan(conn, int(plan_id))
            if plan is not None:
                from datetime import datetime, time

                notice = datetime.combine(plan.first_date - timedelta(days=3), time(10), tzinfo=context.borrower.zone)
                say(dispatcher, plan_texts.handback_confirmed(plan, context.today, reminder_outlook(context.borrower, notice)))
                return [SlotSet("negotiation", None), SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        say(dispatcher, contact_texts.handback())
        return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
