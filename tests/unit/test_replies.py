"""Every text the assistant or the hub can compose passes the guard, and says what it should.

This is the pre-check the hub relies on (the guard runs once per text at
delivery): every reply function is rendered with realistic inputs, and every
response in domain.yml is read, and each must pass the guard.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from kuanxian import notices
from kuanxian.dates import Frequency
from kuanxian.demo import DEMO_BORROWERS
from kuanxian.domain.hardship import HardshipCategory
from kuanxian.plans import PlanError, Proposal, evaluate
from kuanxian.replies import ReminderOutlook, Reply, account, contact, hardship, plans
from kuanxian.safety import review_message
from kuanxian.safety.crisis import PRESENCE_LINES, RISK_DENIED, crisis_messages, crisis_presence, distress_messages, risk_confirmed

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 6)
BORROWER = DEMO_BORROWERS[0]
DECISION_ACCEPT = evaluate(BORROWER.balance, BORROWER.policy, Proposal(count=12), today=TODAY)
DECISION_COUNTER = evaluate(BORROWER.balance, BORROWER.policy, Proposal(amount=Decimal("200")), today=TODAY)
OUTLOOKS = (
    ReminderOutlook(True),
    ReminderOutlook(False, "opted_out"),
    ReminderOutlook(False, "hardship_pause", date(2026, 12, 13)),
    ReminderOutlook(False, "crisis_pause", date(2027, 1, 5)),
    ReminderOutlook(False, "dispute_open"),
)


def _samples() -> Iterator[tuple[str, Reply]]:
    yield "not_authenticated", account.not_authenticated()
    yield "person_will_read", account.person_will_read()
    yield "understood", account.understood()
    yield "you_are_welcome", account.you_are_welcome()
    yield "wrong_person_guard", account.wrong_person_guard()
    yield "greeting", account.greeting(BORROWER)
    yield "greeting_anonymous", account.greeting(None)
    yield "welcome_back", account.welcome_back(BORROWER)
    yield "still_here", account.still_here()
    yield "back_to_business", account.back_to_business()
    yield "balance", account.balance(BORROWER, TODAY)
    yield "fees_explained", account.fees_explained(BORROWER)
    yield "balance_with_plan", account.balance(BORROWER, TODAY, DECISION_ACCEPT.plan)
    yield "due_date", account.due_date(BORROWER, TODAY)
    yield "due_date_with_plan", account.due_date(BORROWER, TODAY, DECISION_ACCEPT.plan)
    yield "payment_method", account.payment_method(BORROWER)
    yield "payment_reminder", account.payment_reminder(BORROWER, Decimal("1000.00"), date(2026, 12, 15), TODAY)
    yield "installment_reminder", account.payment_reminder(BORROWER, Decimal("1000.00"), date(2026, 12, 15), TODAY, installment=True)
    yield "consequences", account.consequences()
    yield "consequences_with_fees", account.consequences(BORROWER)
    yield "early_repayment", account.early_repayment()
    yield "late_explained", account.late_explained()
    yield "fears", account.fears()
    yield "out_of_scope", account.out_of_scope()
    yield "not_understood_1", account.not_understood(1)
    yield "not_understood_2", account.not_understood(2)
    yield "acknowledged", account.acknowledged()
    yield "noted", account.noted()
    yield "kind_listen", account.kind_listen()
    for n in (1, 2):
        yield f"ask_terms_{n}", plans.ask_terms(n)
    yield "offer_accept", plans.offer(DECISION_ACCEPT, TODAY)
    yield "offer_counter", plans.offer(DECISION_COUNTER, TODAY)
    yield "offer_repeated", plans.offer(DECISION_ACCEPT, TODAY, repeated=True)
    yield "plan_error", plans.plan_error(PlanError("missing_terms", "请告诉我您每期大概能还多少。"), BORROWER.balance)
    yield "plan_error_exceeds", plans.plan_error(PlanError("amount_exceeds_balance", "x"), BORROWER.balance)
    for n, outlook in enumerate(OUTLOOKS):
        yield f"confirmed_{n}", plans.confirmed(DECISION_ACCEPT.plan, TODAY, outlook)
        yield f"handback_confirmed_{n}", plans.handback_confirmed(DECISION_ACCEPT.plan, TODAY, outlook)
        yield f"promise_noted_{n}", contact.promise_noted(date(2026, 12, 20), TODAY, outlook)
        yield f"resume_contact_{n}", contact.resume_contact(outlook, TODAY)
        yield f"reminder_not_possible_{n}", contact.reminder_not_possible(outlook, TODAY)
    yield "change_card", account.change_card()
    yield "promise_stands", contact.promise_stands(date(2026, 12, 20), TODAY, plan_refused=True)
    yield "promise_said_again", contact.promise_stands(date(2026, 12, 20), TODAY, plan_refused=False)
    yield "still_listening", account.still_listening()
    yield "genuine", account.genuine()
    for zone in ("Asia/Shanghai", "America/New_York", "Europe/London"):
        yield f"time_zone_{zone}", account.time_zone(zone)
    yield "person_status_waiting", account.person_status(True)
    yield "person_status_none", account.person_status(False)
    yield "goodbye", account.goodbye()
    yield "goodbye_again", account.goodbye_again()
    yield "reminders_too_many", contact.reminders_too_many()
    yield "complaint_added", contact.complaint_added()
    yield "quiet_hours", contact.quiet_hours()
    yield "quiet_hours_sleeps_by_day", contact.quiet_hours(sleeps_by_day=True)
    yield "offer_resume", contact.offer_resume()
    yield "how_to_resume", contact.how_to_resume()
    yield "dispute_added", contact.dispute_added()
    yield "after_payoff_reminders", contact.after_payoff_reminders()
    yield "reminder_limits", contact.reminder_limits()
    yield "no_calls", contact.no_calls()
    yield "keep_stopped", contact.keep_stopped()
    yield "draft_still_open", plans.draft_still_open()
    yield "holiday_record_reminder", plans.holiday_record_reminder(60)
    yield "dispute_withdrawn", contact.dispute_withdrawn()
    yield "record_explained", hardship.record_explained()
    yield "reminders_state_off", contact.reminders_state(True, OUTLOOKS[0], TODAY)
    for n, outlook in enumerate(OUTLOOKS):
        yield f"reminders_state_{n}", contact.reminders_state(False, outlook, TODAY)
    yield "hours_after_resume", contact.hours_after_resume()
    yield "reminder_too_late_today", contact.reminder_too_late(TODAY, TODAY)
    yield "reminder_too_late", contact.reminder_too_late(TODAY - timedelta(days=1), TODAY)
    yield "follow_up_scheduled", contact.follow_up_scheduled(date(2026, 12, 20), TODAY)
    yield "declined", plans.declined()
    yield "confirm_again", plans.confirm_again()
    yield "keep_draft", plans.keep_draft(True)
    yield "keep_nothing", plans.keep_draft(False)
    yield "resume_draft", plans.resume_draft(DECISION_ACCEPT.plan, TODAY)
    yield "ask_day", plans.ask_first_date_or_day()
    yield "ask_income_consent", plans.ask_income_consent()
    yield "ask_income", plans.ask_income()
    yield "ask_essentials", plans.ask_essentials()
    yield "affordable_offer", plans.affordable_offer(Decimal("800"), DECISION_ACCEPT, TODAY)
    yield "unaffordable_all", plans.unaffordable_options(True, 60, True)
    yield "unaffordable_none", plans.unaffordable_options(False, 0, False)
    yield "no_repeat_offer", plans.no_repeat_offer()
    yield "holiday_needs_hardship", plans.holiday_needs_hardship(60)
    yield "holiday_granted", plans.holiday_granted(60, 24)
    yield "holiday_granted_at_limit", plans.holiday_granted(30, 12, at_limit=True)
    yield "holiday_beyond_policy", plans.holiday_beyond_policy(120, 60)
    yield "holiday_only", plans.holiday_only(60)
    yield "holiday_needs_record", plans.holiday_needs_record(60)
    yield "holiday_kept_freeze", plans.holiday_kept(60, True)
    yield "holiday_kept", plans.holiday_kept(30, False)
    yield "plan_details", plans.plan_details(DECISION_ACCEPT.plan, TODAY)
    yield "longest_term", plans.longest_term(24, DECISION_ACCEPT, TODAY)
    yield "plan_answer", plans.plan_answer(DECISION_ACCEPT.plan, TODAY)
    yield "holiday_to_person", plans.holiday_to_person(90)
    yield "holiday_record_or_person", plans.holiday_record_or_person()
    yield "already_agreed", plans.already_agreed(DECISION_ACCEPT.plan, TODAY)
    yield "stuck_to_person", plans.stuck_to_person()
    yield "plan_with_person", plans.plan_with_person()
    for frozen, freeze, agreed in itertools.product((False, True), repeat=3):
        yield (
            f"interest_during_plan_{frozen}_{freeze}_{agreed}",
            plans.interest_during_plan(
                total=Decimal("5350.00"), regular=Decimal("446.00"), count=12, frozen=frozen, freeze_on_hardship=freeze, agreed=agreed
            ),
        )
    yield "if_cannot_pay", plans.if_cannot_pay()
    yield "check_in", plans.check_in()
    yield "reassess_first", plans.reassess_first()
    yield "payment_thanks", plans.payment_thanks(Decimal("1000.00"), Decimal("11000.00"), date(2027, 1, 6), TODAY)
    yield "paid_off", plans.paid_off()
    for category in HardshipCategory:
        yield f"hardship_{category.value}", hardship.acknowledge(category)
    yield "hardship_options_recorded", hardship.options(BORROWER, True, 7)
    yield "heard_more", hardship.heard_more(BORROWER)
    yield "hardship_recorded_with_plan", hardship.recorded_with_plan()
    yield "hardship_recorded_with_plan_frozen", hardship.recorded_with_plan(interest_frozen=True)
    yield "after_payoff", account.after_payoff()
    yield "personal_data", account.personal_data()
    yield "hardship_options_not_recorded", hardship.options(DEMO_BORROWERS[1], False, 7)
    yield "fee_relief_offer", hardship.fee_relief_offer()
    yield "fee_relief_needs_hardship", hardship.fee_relief_needs_hardship()
    yield "needs_a_person", hardship.needs_a_person("减免利息或费用")
    for name, fn in inspect.getmembers(contact, inspect.isfunction):
        if fn.__module__ == contact.__name__ and not inspect.signature(fn).parameters:
            yield f"contact.{name}", fn()


def _texts() -> Iterator[tuple[str, str]]:
    for name, reply in _samples():
        yield name, reply.text
    for zone in ("Asia/Shanghai", "America/New_York", "Europe/London"):
        for n, text in enumerate(crisis_messages(zone)):
            yield f"crisis_{zone}_{n}", text
        yield f"crisis_{zone}_off_duty", crisis_messages(zone, person_back="北京时间12月7日 09:00")[2]
        yield f"crisis_presence_{zone}", crisis_presence(zone, with_lines=True)
        for n in range(4):
            yield f"crisis_presence_{zone}_{n}", crisis_presence(zone, recent=PRESENCE_LINES[:n])
        yield f"risk_confirmed_{zone}", risk_confirmed(zone)
    for n, text in enumerate(distress_messages(7)):
        yield f"distress_{n}", text
    yield "risk_denied", RISK_DENIED
    yield "notice.unavailable", notices.ASSISTANT_UNAVAILABLE
    yield "notice.resolved", notices.RESOLVED
    yield "notice.joined", notices.collector_joined("小李")
    yield "notice.handed_back", notices.handed_back("小李")
    yield "notice.third_party_first", notices.third_party_first()
    yield "notice.third_party_again", notices.third_party_again()
    yield "notice.third_party_stop", notices.third_party_stop()
    yield "notice.third_party_again_short", notices.third_party_again_short()
    yield "notice.third_party_how_to_reach", notices.third_party_how_to_reach()
    yield "notice.third_party_bye", notices.third_party_bye()
    yield "notice.waiting", notices.waiting(2, 10)
    yield "notice.care_offer", notices.care_offer()
    yield "notice.outside_hours", notices.outside_hours(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    yield "notice.outside_hours_crisis", notices.outside_hours(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), crisis=True)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain.get("responses", {}).items():
        for n, variant in enumerate(variants):
            yield f"domain.{name}.{n}", variant["text"]
            for button in variant.get("buttons", []):
                yield f"domain.{name}.{n}/button", button["title"]


TEXTS = list(_texts())


@pytest.mark.parametrize("name,text", TEXTS, ids=[n for n, _ in TEXTS])
def test_every_composable_text_passes_the_guard(name: str, text: str) -> None:
    review = review_message(text)
    assert review.allowed, f"{name}: {[(v.rule_id, v.matched) for v in review.violations]}"


@pytest.mark.parametrize("name,text", TEXTS, ids=[n for n, _ in TEXTS])
def test_every_text_reads_cleanly(name: str, text: str) -> None:
    """No doubled units or punctuation from composed parts ("120.00元元", "。。")."""
    for doubled in ("元元", "。。", "，，", "？？"):
        assert doubled not in text, f"{name}: {doubled!r} in {text!r}"


BUTTONS = sorted({b.title for _, reply in _samples() for b in reply.buttons})


@pytest.mark.parametrize("title", BUTTONS)
def test_every_button_title_passes_the_rules(title: str) -> None:
    """Buttons speak in the Borrower's voice; the hub checks them with the rules (kuanxian.hub.delivery)."""
    from kuanxian.safety.rules import review_rules

    assert review_rules(title).allowed


def test_every_reply_function_is_rendered() -> None:
    rendered = {name.split("_")[0] for name, _ in _samples()}
    for module in (account, plans, hardship, contact):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if (
                fn.__module__ != module.__name__
                or name.startswith("_")
                or name in ("describe", "reminder_note", "date_adjusted", "plan_confirmed", "options", "acknowledge")
            ):
                continue
            assert (
                any(name.startswith(r) or r in name for r in rendered) or name in dict(_samples()) or f"contact.{name}" in dict(_samples())
            ), f"{module.__name__}.{name} is not rendered by this test"


def test_a_confirmed_plan_is_honest_about_reminders() -> None:
    on = plans.confirmed(DECISION_ACCEPT.plan, TODAY, ReminderOutlook(True)).text
    off = plans.confirmed(DECISION_ACCEPT.plan, TODAY, ReminderOutlook(False, "opted_out")).text
    paused = plans.confirmed(DECISION_ACCEPT.plan, TODAY, ReminderOutlook(False, "hardship_pause", date(2026, 12, 13))).text
    assert "提醒您一次" in on
    assert "不会主动提醒" in off and "恢复提醒" in off
    assert "12月13日" in paused and "提醒暂停" in paused
    assert "提醒您一次" not in off and "提醒您一次" not in paused


def test_fears_are_answered_plainly_before_the_facts() -> None:
    text = account.fears().text
    assert text.startswith("不会")
    assert text.index("不会上门") < text.index("征信")


def test_crisis_texts_ask_directly_and_give_lines_for_where_the_borrower_lives() -> None:
    shanghai = "\n".join(crisis_messages("Asia/Shanghai"))
    new_york = "\n".join(crisis_messages("America/New_York"))
    assert "结束自己的生命" in shanghai and "12356" in shanghai and "010-82951332" in shanghai
    assert "988" in new_york and "911" in new_york
    assert all(word not in shanghai for word in ("欠款", "还款", "逾期", "元"))


def test_third_party_notices_carry_no_account_detail() -> None:
    from kuanxian.hub.delivery import discloses_account

    for text in (
        notices.third_party_first(),
        notices.third_party_again(),
        notices.third_party_again_short(),
        notices.third_party_how_to_reach(),
        notices.third_party_bye(),
        notices.third_party_stop(),
    ):
        assert not discloses_account(text)
    assert discloses_account(account.balance(BORROWER, TODAY).text)


def _unused(fn: Callable[..., Any]) -> None:  # keeps typing imports honest for mypy in tests
    del fn


del Frequency


def test_when_people_are_back_is_also_said_in_the_borrowers_own_time() -> None:
    back = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert notices.when_back(back, back.astimezone(ZoneInfo("Asia/Shanghai"))) == "12月7日 09:00"
    assert notices.when_back(back, back.astimezone(ZoneInfo("America/New_York"))) == "北京时间12月7日 09:00（您当地时间12月6日 20:00）"
