"""The reminder scheduler in-process: a real Hub and database (SQLite and PostgreSQL), an injected clock.

Rule decisions need no Rasa (delivery would go to a closed port). Tests that
deliver use the `delivering` fixture, whose hub talks to the session stack's
real Rasa and action server; the Borrowers are registered with that stack too,
because the action that words the reminder reads accounts from its own database.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select

from kuanxian.dates import Frequency
from kuanxian.handoff import HandoffRequest, PlanConfirmed, ReminderRequest, to_json_message
from kuanxian.hub.settings import Settings, SettingsError
from kuanxian.plans import Installment, Schedule
from kuanxian.safety.contact import ContactLimits
from kuanxian.storage.schema import messages, reminder_decisions, reminders

from .conftest import START
from .reminder_kit import (
    REMINDER_WORDS,
    FakeClock,
    Scheduler,
    at,
    make_borrower,
    open_scheduler,
    register_with_stack,
)

SH = "Asia/Shanghai"
NY = "America/New_York"


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def local(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def schedule(sched: Scheduler, borrower_id: str, send_at: datetime, kind: str = "upcoming_due", **extra: object) -> dict:
    return await sched.service.schedule(borrower_id, kind, send_at, source="lender", **extra)


# Quiet hours ----------------------------------------------------------------------------
QUIET_CASES = [
    pytest.param(SH, (2027, 3, 1, 23, 0), "deferred", (2027, 3, 2, 8, 0), id="shanghai-23:00-to-next-08:00"),
    pytest.param(SH, (2027, 3, 2, 7, 59), "deferred", (2027, 3, 2, 8, 0), id="shanghai-07:59-to-same-day-08:00"),
    pytest.param(SH, (2027, 3, 1, 21, 0), "deferred", (2027, 3, 2, 8, 0), id="shanghai-21:00-exactly-is-quiet"),
    pytest.param(SH, (2027, 3, 1, 20, 59), "scheduled", (2027, 3, 1, 20, 59), id="shanghai-20:59-is-allowed"),
    pytest.param(SH, (2027, 3, 2, 8, 0), "scheduled", (2027, 3, 2, 8, 0), id="shanghai-08:00-exactly-is-allowed"),
    pytest.param(NY, (2027, 3, 13, 23, 0), "deferred", (2027, 3, 14, 8, 0), id="new-york-across-spring-forward"),
    pytest.param(NY, (2027, 11, 6, 23, 0), "deferred", (2027, 11, 7, 8, 0), id="new-york-across-fall-back"),
]


@pytest.mark.parametrize(("zone", "send", "status", "expected"), QUIET_CASES)
async def test_quiet_hours_defer_to_the_next_08_00_local(
    scheduler: Scheduler, zone: str, send: tuple, status: str, expected: tuple
) -> None:
    send_at = at(zone, *send)
    scheduler.clock.set(send_at - timedelta(hours=2))
    borrower = await scheduler.add(make_borrower(new_id("quiet"), zone))

    result = await schedule(scheduler, borrower.borrower_id, send_at)

    want = at(zone, *expected)
    assert result["status"] == status
    assert result["reason"] == ("quiet_hours" if status == "deferred" else None)
    # Shown in the borrower's own offset (08:00-04:00 after spring forward, 08:00-05:00 after fall back).
    assert result["scheduled_for"] == want.isoformat()
    if status == "deferred":
        scheduler.clock.set(want - timedelta(minutes=1))
        assert await scheduler.service.tick() == 0, "a deferred reminder fired before 08:00"
        assert (await scheduler.row(result["id"]))["status"] == "deferred"


async def test_quiet_hours_are_checked_again_when_the_reminder_falls_due(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("late")))
    result = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 20, 30))
    assert result["status"] == "scheduled"

    scheduler.clock.set(at(SH, 2027, 3, 1, 21, 30))  # the hub was down at 20:30
    assert await scheduler.service.tick() == 1

    row = await scheduler.row(result["id"])
    assert (row["status"], row["reason"]) == ("deferred", "quiet_hours")
    assert row["scheduled_for"] == at(SH, 2027, 3, 2, 8, 0)
    assert await scheduler.bot_messages(borrower.borrower_id) == []


# Suppression ------------------------------------------------------------------------------
async def _opted_out(s: Scheduler, borrower_id: str) -> None:
    await s.accounts.update_flags(borrower_id, opted_out=True)


async def _dispute(s: Scheduler, borrower_id: str) -> None:
    await s.accounts.update_flags(borrower_id, dispute_open=True)


async def _wrong_contact(s: Scheduler, borrower_id: str) -> None:
    await s.accounts.update_flags(borrower_id, wrong_contact=True)


async def _breathing_space(s: Scheduler, borrower_id: str) -> None:
    await s.accounts.update_flags(borrower_id, breathing_space_until=s.clock() + timedelta(days=60))


async def _collector_waiting(s: Scheduler, borrower_id: str) -> None:
    conversation = await s.store.open_conversation(borrower_id)
    await s.hub._handoff(conversation.conversation_id, HandoffRequest("request_human", "normal", "想找人工"))


async def _collector_holds(s: Scheduler, borrower_id: str) -> None:
    await _collector_waiting(s, borrower_id)
    await s.store.ensure_collector("lin", "小林", "not-a-real-hash")
    collector = await s.store.collector_by_username("lin")
    assert collector is not None
    conversation = await s.store.find_open_conversation(borrower_id)
    assert conversation is not None
    await s.hub.claim(conversation.conversation_id, collector["id"])


SUPPRESSIONS = [
    pytest.param(_opted_out, "opted_out", id="opted-out"),
    pytest.param(_dispute, "dispute_open", id="dispute-open"),
    pytest.param(_wrong_contact, "wrong_contact", id="wrong-contact"),
    pytest.param(_breathing_space, "breathing_space", id="breathing-space-from-the-lender"),
    pytest.param(_collector_waiting, "with_collector", id="collector-waiting"),
    pytest.param(_collector_holds, "with_collector", id="collector-holds-the-conversation"),
]


@pytest.mark.parametrize(("situation", "reason"), SUPPRESSIONS)
async def test_each_suppression_is_stored_with_its_reason(scheduler: Scheduler, situation, reason: str) -> None:
    borrower = await scheduler.add(make_borrower(new_id("quiet-please")))
    await situation(scheduler, borrower.borrower_id)

    result = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 15, 0))

    assert (result["status"], result["reason"], result["scheduled_for"]) == ("suppressed", reason, None)
    [listed] = await scheduler.service.list_for(borrower.borrower_id)
    assert (listed["status"], listed["reason"]) == ("suppressed", reason)
    assert [(h["decision"], h["reason"]) for h in listed["history"]] == [("suppressed", reason)]
    scheduler.clock.set(at(SH, 2027, 3, 1, 15, 0))
    assert await scheduler.service.tick() == 0, "a suppressed reminder was picked up for firing"


async def test_crisis_pauses_reminders_for_30_days(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("crisis")))
    conversation = await scheduler.store.open_conversation(borrower.borrower_id)
    await scheduler.hub._crisis(conversation.conversation_id, borrower.borrower_id, "我不想活了")

    right_after = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 15, 0))
    # A person is also waiting now, but the console must see that this is a crisis.
    assert (right_after["status"], right_after["reason"]) == ("suppressed", "crisis_pause")

    await scheduler.store.resolve_waiting(conversation.conversation_id)
    day_29 = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=29, hours=1))
    day_31 = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=31))
    assert (day_29["status"], day_29["reason"]) == ("suppressed", "crisis_pause")
    assert (day_31["status"], day_31["reason"]) == ("scheduled", None)


async def test_distress_pauses_reminders_for_7_days(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("hardship")))
    conversation = await scheduler.store.open_conversation(borrower.borrower_id)
    await scheduler.hub._handoff(conversation.conversation_id, HandoffRequest("distress", "high", "压力很大"))
    await scheduler.store.resolve_waiting(conversation.conversation_id)

    day_6 = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=6))
    day_8 = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=8))

    assert (day_6["status"], day_6["reason"]) == ("suppressed", "hardship_pause")
    assert (day_8["status"], day_8["reason"]) == ("scheduled", None)


async def test_breathing_space_ends_when_the_lender_said(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("breathing")), breathing_space_until=START + timedelta(days=14))

    inside = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=13))
    after = await schedule(scheduler, borrower.borrower_id, START + timedelta(days=15))

    assert (inside["status"], inside["reason"]) == ("suppressed", "breathing_space")
    assert after["status"] == "scheduled"


async def test_a_collector_handing_back_lets_reminders_through_again(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("handback")))
    await _collector_holds(scheduler, borrower.borrower_id)
    held = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 15, 0))

    conversation = await scheduler.store.find_open_conversation(borrower.borrower_id)
    assert conversation is not None and conversation.collector_id is not None
    assert await scheduler.store.release(conversation.conversation_id, conversation.collector_id, outcome="handed_back")
    released = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 16, 0))

    assert (held["status"], held["reason"]) == ("suppressed", "with_collector")
    assert released["status"] == "scheduled"


async def test_an_active_payment_plan_stops_overdue_reminders_and_schedules_installment_notices(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("plan")))
    pending_overdue = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 2, 10, 0), kind="overdue")
    assert pending_overdue["status"] == "scheduled"

    plan = Schedule(
        installments=(
            Installment(1, date(2027, 3, 20), Decimal("600.00")),
            Installment(2, date(2027, 4, 20), Decimal("600.00")),
        ),
        frequency=Frequency.MONTHLY,
        total=Decimal("1200.00"),
    )
    plan_id = await scheduler.accounts.save_payment_plan(borrower.borrower_id, plan)
    conversation = await scheduler.store.open_conversation(borrower.borrower_id)
    # What the hub does when the action reports a confirmed plan.
    await scheduler.hub.deliver(conversation.conversation_id, borrower.borrower_id, [{"custom": to_json_message(PlanConfirmed(plan_id))}])

    listed = {r["id"]: r for r in await scheduler.service.list_for(borrower.borrower_id)}
    cancelled = listed.pop(pending_overdue["id"])
    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "plan_current")
    assert [h["decision"] for h in cancelled["history"]] == ["scheduled", "cancelled"]
    notices = sorted(listed.values(), key=lambda r: r["scheduled_for"])
    assert [(n["kind"], n["status"], n["scheduled_for"], n["amount"]) for n in notices] == [
        ("installment_due", "scheduled", "2027-03-17T10:00:00+08:00", "600.00"),
        ("installment_due", "scheduled", "2027-04-17T10:00:00+08:00", "600.00"),
    ]

    new_overdue = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 3, 10, 0), kind="overdue")
    upcoming = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 3, 11, 0), kind="upcoming_due")
    assert (new_overdue["status"], new_overdue["reason"]) == ("suppressed", "plan_current")
    assert upcoming["status"] == "scheduled"


async def test_a_borrower_asking_to_be_reminded_later_gets_a_follow_up(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("later")))
    conversation = await scheduler.store.open_conversation(borrower.borrower_id)
    payday = at(SH, 2027, 3, 15, 10, 0)

    await scheduler.hub.deliver(
        conversation.conversation_id, borrower.borrower_id, [{"custom": to_json_message(ReminderRequest(payday, note="15号再提醒我"))}]
    )

    [listed] = await scheduler.service.list_for(borrower.borrower_id)
    assert (listed["kind"], listed["source"], listed["status"]) == ("follow_up", "borrower", "scheduled")
    assert listed["scheduled_for"] == "2027-03-15T10:00:00+08:00"


# Opt-out and opt-in; fire-time re-check ----------------------------------------------------
async def test_opt_out_then_opt_in(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("optout")), opted_out=True)
    while_out = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 15, 0))

    await scheduler.accounts.update_flags(borrower.borrower_id, opted_out=False)
    after_in = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 16, 0))

    assert (while_out["status"], while_out["reason"]) == ("suppressed", "opted_out")
    assert (after_in["status"], after_in["reason"]) == ("scheduled", None)
    statuses = {r["id"]: r["status"] for r in await scheduler.service.list_for(borrower.borrower_id)}
    assert statuses == {while_out["id"]: "suppressed", after_in["id"]: "scheduled"}, "opting in must not revive old reminders"


async def _becomes_with_collector(s: Scheduler, borrower_id: str) -> None:
    await _collector_waiting(s, borrower_id)


@pytest.mark.parametrize(
    ("change", "reason"),
    [pytest.param(_opted_out, "opted_out", id="opts-out"), pytest.param(_becomes_with_collector, "with_collector", id="asks-for-a-person")],
)
async def test_rules_are_checked_again_at_fire_time(scheduler: Scheduler, change, reason: str) -> None:
    borrower = await scheduler.add(make_borrower(new_id("recheck")))
    result = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 15, 0))
    assert result["status"] == "scheduled"

    await change(scheduler, borrower.borrower_id)
    scheduler.clock.set(at(SH, 2027, 3, 1, 15, 0))
    assert await scheduler.service.tick() == 1

    row = await scheduler.row(result["id"])
    assert (row["status"], row["reason"]) == ("suppressed", reason)
    assert await scheduler.decisions(result["id"]) == ["scheduled", "suppressed"]
    assert await scheduler.bot_messages(borrower.borrower_id) == []


async def test_rasa_down_retries_the_reminder_and_records_each_failure(scheduler: Scheduler) -> None:
    borrower = await scheduler.add(make_borrower(new_id("rasa-down")))
    result = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 11, 0))
    scheduler.clock.set(at(SH, 2027, 3, 1, 11, 0))

    assert await scheduler.service.tick() == 1

    row = await scheduler.row(result["id"])
    assert (row["status"], row["reason"], row["attempts"]) == ("deferred", "delivery_failed", 1)
    assert row["scheduled_for"] == at(SH, 2027, 3, 1, 11, 5)
    for _ in range(4):
        scheduler.clock.set(row["scheduled_for"])
        assert await scheduler.service.tick() == 1
        row = await scheduler.row(result["id"])
    assert (row["status"], row["reason"], row["attempts"]) == ("suppressed", "delivery_failed", 5)
    assert await scheduler.decisions(result["id"]) == ["scheduled", "failed", "failed", "failed", "failed", "suppressed"]


# Configuration --------------------------------------------------------------------------
@pytest.mark.parametrize(("per_day", "per_7_days"), [(4, 7), (3, 8)])
def test_limits_above_the_ceiling_are_refused(per_day: int, per_7_days: int) -> None:
    with pytest.raises(ValueError, match="ceiling"):
        ContactLimits(per_day=per_day, per_7_days=per_7_days)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [("KUANXIAN_CONTACT_PER_DAY", "4", "per_day=4"), ("KUANXIAN_CONTACT_PER_7_DAYS", "8", "per_7_days=8")],
)
def test_settings_refuse_caps_above_the_ceiling(variable: str, value: str, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env({variable: value})


def test_settings_accept_stricter_caps() -> None:
    settings = Settings.from_env({"KUANXIAN_CONTACT_PER_DAY": "1", "KUANXIAN_CONTACT_PER_7_DAYS": "2"})
    assert settings.contact_limits == ContactLimits(per_day=1, per_7_days=2)


def test_the_hub_refuses_to_start_with_caps_above_the_ceiling(tmp_path) -> None:
    env = {**os.environ, "KUANXIAN_CONTACT_PER_DAY": "4", "KUANXIAN_PORT": "1",
           "KUANXIAN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'never.db'}"}
    done = subprocess.run([sys.executable, "-m", "kuanxian.hub"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "per_day=4" in done.stderr
    assert not (tmp_path / "never.db").exists()


# Delivery through the real Rasa -------------------------------------------------------------
async def reminder_messages(sched: Scheduler, borrower_id: str) -> list[str]:
    return [m.text for m in await sched.bot_messages(borrower_id) if REMINDER_WORDS in m.text]


async def test_caps_one_a_day_and_three_in_seven_days(delivering: Scheduler, stack) -> None:
    s = delivering
    borrower = make_borrower(new_id("caps"))
    await register_with_stack(stack.hub_url, borrower)
    bid = (await s.add(borrower)).borrower_id
    monday = at(SH, 2027, 3, 1, 10, 5)

    # Two reminders due at the same moment: both pass at schedule time, the cap decides at fire time.
    first = await schedule(s, bid, monday)
    second = await schedule(s, bid, monday)
    assert first["status"] == second["status"] == "scheduled"
    s.clock.set(monday)
    assert await s.service.tick() == 2
    assert (await s.row(first["id"]))["status"] == "sent"
    second_row = await s.row(second["id"])
    assert (second_row["status"], second_row["reason"]) == ("deferred", "daily_cap")
    assert second_row["scheduled_for"] == at(SH, 2027, 3, 2, 8, 0)

    # A third asked for later the same day is deferred at once.
    third = await schedule(s, bid, at(SH, 2027, 3, 1, 15, 0))
    assert (third["status"], third["reason"], third["scheduled_for"]) == ("deferred", "daily_cap", "2027-03-02T08:00:00+08:00")

    # Tuesday 08:00: one goes out, the other waits for Wednesday.
    s.clock.set(at(SH, 2027, 3, 2, 8, 0))
    assert await s.service.tick() == 2
    assert (await s.row(second["id"]))["status"] == "sent"
    third_row = await s.row(third["id"])
    assert (third_row["status"], third_row["reason"], third_row["scheduled_for"]) == ("deferred", "daily_cap", at(SH, 2027, 3, 3, 8, 0))
    s.clock.set(at(SH, 2027, 3, 3, 8, 0))
    assert await s.service.tick() == 1
    assert (await s.row(third["id"]))["status"] == "sent"

    # Thursday: a 4th within 7 days waits until Monday's message is 7 days old.
    fourth = await schedule(s, bid, at(SH, 2027, 3, 4, 10, 0))
    assert (fourth["status"], fourth["reason"]) == ("deferred", "weekly_cap")
    assert fourth["scheduled_for"] == "2027-03-08T10:05:00+08:00"
    s.clock.set(at(SH, 2027, 3, 8, 10, 4))
    assert await s.service.tick() == 0
    s.clock.set(at(SH, 2027, 3, 8, 10, 5))
    assert await s.service.tick() == 1
    assert (await s.row(fourth["id"]))["status"] == "sent"

    texts = await reminder_messages(s, bid)
    assert len(texts) == 4
    assert all("12,000.00元" in t for t in texts)
    sent = sorted([(await s.row(r["id"]))["sent_at"] for r in (first, second, third, fourth)])
    local_days = [t.astimezone(borrower.zone).date() for t in sent]
    assert len(set(local_days)) == 4, f"two reminders on one local day: {local_days}"
    for i, start in enumerate(sent):
        assert sum(1 for t in sent[i:] if t - start < timedelta(days=7)) <= 3


async def test_a_stricter_lender_cap_is_enforced(stack, database_url: str) -> None:
    s = await open_scheduler(database_url, FakeClock(START), rasa_url=stack.rasa_url, actions_url=stack.actions_url,
                             limits=ContactLimits(per_day=1, per_7_days=2))
    try:
        borrower = make_borrower(new_id("strict"))
        await register_with_stack(stack.hub_url, borrower)
        bid = (await s.add(borrower)).borrower_id
        for day in (1, 2):
            result = await schedule(s, bid, at(SH, 2027, 3, day, 10, 0))
            s.clock.set(at(SH, 2027, 3, day, 10, 0))
            assert await s.service.tick() == 1
            assert (await s.row(result["id"]))["status"] == "sent"
        third = await schedule(s, bid, at(SH, 2027, 3, 3, 10, 0))
        assert (third["status"], third["reason"], third["scheduled_for"]) == ("deferred", "weekly_cap", "2027-03-08T10:00:00+08:00")
    finally:
        await s.close()


async def test_a_reminder_with_an_amount_reaches_the_conversation(delivering: Scheduler, stack) -> None:
    s = delivering
    borrower = make_borrower(new_id("amount"))
    await register_with_stack(stack.hub_url, borrower)
    bid = (await s.add(borrower)).borrower_id
    result = await schedule(s, bid, at(SH, 2027, 3, 1, 10, 30), kind="installment_due", amount_fen=30_000, due_date=date(2027, 3, 4))

    s.clock.set(at(SH, 2027, 3, 1, 10, 30))
    assert await s.service.tick() == 1

    [text] = await reminder_messages(s, bid)
    assert "300.00元" in text and "3月4日" in text
    [listed] = await s.service.list_for(bid)
    assert listed["status"] == "sent" and listed["sent_at"] == "2027-03-01T10:30:00+08:00"
    assert [h["decision"] for h in listed["history"]] == ["scheduled", "sent"]


async def test_a_restart_mid_schedule_fires_once(delivering: Scheduler, stack) -> None:
    borrower = make_borrower(new_id("restart"))
    await register_with_stack(stack.hub_url, borrower)
    await delivering.add(borrower)
    night = await schedule(delivering, borrower.borrower_id, at(SH, 2027, 3, 1, 23, 30))
    assert (night["status"], night["scheduled_for"]) == ("deferred", "2027-03-02T08:00:00+08:00")
    await delivering.close()  # the hub goes away: its engine is disposed, nothing is in memory any more

    clock = FakeClock(at(SH, 2027, 3, 2, 8, 0))
    again = await open_scheduler(delivering.url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    try:
        assert await again.service.tick() == 1
        clock.advance(minutes=10)
        assert await again.service.tick() == 0
        assert len(await reminder_messages(again, borrower.borrower_id)) == 1
        row = await again.row(night["id"])
        assert (row["status"], row["sent_at"]) == ("sent", at(SH, 2027, 3, 2, 8, 0))
    finally:
        await again.close()


async def test_a_crash_after_leasing_fires_once_the_lease_expires(delivering: Scheduler, stack) -> None:
    borrower = make_borrower(new_id("lease"))
    await register_with_stack(stack.hub_url, borrower)
    await delivering.add(borrower)
    result = await schedule(delivering, borrower.borrower_id, at(SH, 2027, 3, 1, 10, 30))
    delivering.clock.set(at(SH, 2027, 3, 1, 10, 30))
    assert await delivering.service._lease_due(20) == [result["id"]]
    await delivering.close()  # crashed holding the lease, before firing

    clock = FakeClock(delivering.clock())
    again = await open_scheduler(delivering.url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    try:
        assert await again.service.tick() == 0, "another instance's live lease was ignored"
        clock.advance(seconds=61)
        assert await again.service.tick() == 1
        assert (await again.row(result["id"]))["status"] == "sent"
        assert len(await reminder_messages(again, borrower.borrower_id)) == 1
    finally:
        await again.close()


async def test_a_duplicate_fire_after_a_crash_shows_one_message(delivering: Scheduler, stack) -> None:
    s = delivering
    borrower = make_borrower(new_id("dup"))
    await register_with_stack(stack.hub_url, borrower)
    bid = (await s.add(borrower)).borrower_id
    result = await schedule(s, bid, at(SH, 2027, 3, 1, 10, 30))
    s.clock.set(at(SH, 2027, 3, 1, 10, 30))
    assert await s.service.tick() == 1
    assert len(await reminder_messages(s, bid)) == 1

    await s.forget_record(result["id"])  # crashed after delivering, before recording
    s.clock.advance(minutes=2)
    assert await s.service.tick() == 1

    assert len(await reminder_messages(s, bid)) == 1
    row = await s.row(result["id"])
    assert row["status"] == "sent"
    assert len(await s.bot_messages(bid)) == 1


async def test_no_reply_from_rasa_is_not_recorded_as_sent(scheduler: Scheduler) -> None:
    """Rasa answering 200 without a message (its action server failing) must not count as delivered."""

    def silent_rasa(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"messages": []} if request.url.path.endswith("/trigger_intent") else {})

    borrower = await scheduler.add(make_borrower(new_id("silent")))
    await scheduler.hub.rasa._http.aclose()
    scheduler.hub.rasa._http = httpx.AsyncClient(transport=httpx.MockTransport(silent_rasa))
    result = await schedule(scheduler, borrower.borrower_id, at(SH, 2027, 3, 1, 10, 30))
    scheduler.clock.set(at(SH, 2027, 3, 1, 10, 30))

    assert await scheduler.service.tick() == 1

    row = await scheduler.row(result["id"])
    assert (row["status"], row["reason"]) == ("deferred", "delivery_failed")
    assert await scheduler.bot_messages(borrower.borrower_id) == []


# Two hubs on one PostgreSQL database --------------------------------------------------------
async def _drain(sched: Scheduler) -> int:
    total = 0
    while handled := await sched.service.tick(batch=3):
        total += handled
    return total


async def test_two_schedulers_on_postgresql_fire_each_reminder_once(postgres_url: str, stack) -> None:
    clock = FakeClock(START)
    one = await open_scheduler(postgres_url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    two = await open_scheduler(postgres_url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    try:
        people = [make_borrower(new_id(f"pg{i:02d}")) for i in range(20)]
        await register_with_stack(stack.hub_url, *people)
        ids = []
        for borrower in people:
            await one.add(borrower)
            ids.append((await schedule(one, borrower.borrower_id, START + timedelta(minutes=5)))["id"])
        clock.advance(minutes=5)

        handled_one, handled_two = await asyncio.gather(_drain(one), _drain(two))

        assert handled_one + handled_two == 20
        assert handled_one > 0 and handled_two > 0, "one instance did all the work: the test did not run concurrently"
        async with one.engine.connect() as conn:
            statuses = (await conn.execute(select(reminders.c.status).where(reminders.c.id.in_(ids)))).scalars().all()
            sent_decisions = (
                await conn.execute(
                    select(reminder_decisions.c.reminder_id, func.count())
                    .where(reminder_decisions.c.outcome == "sent").group_by(reminder_decisions.c.reminder_id)
                )
            ).all()
            reminder_texts = (
                await conn.execute(select(func.count()).select_from(messages).where(messages.c.text.contains(REMINDER_WORDS)))
            ).scalar_one()
        assert statuses == ["sent"] * 20
        assert sorted(n for _, n in sent_decisions) == [1] * 20
        assert reminder_texts == 20
        for borrower in people:
            assert len(await reminder_messages(one, borrower.borrower_id)) == 1
    finally:
        await one.close()
        await two.close()


async def test_two_schedulers_never_break_one_borrowers_cap(postgres_url: str, stack) -> None:
    clock = FakeClock(START)
    one = await open_scheduler(postgres_url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    two = await open_scheduler(postgres_url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    try:
        borrower = make_borrower(new_id("pgcap"))
        await register_with_stack(stack.hub_url, borrower)
        await one.add(borrower)
        ids = [(await schedule(one, borrower.borrower_id, START + timedelta(minutes=5)))["id"] for _ in range(2)]
        clock.advance(minutes=5)

        await asyncio.gather(one.service.tick(batch=1), two.service.tick(batch=1))
        await asyncio.gather(one.service.tick(batch=1), two.service.tick(batch=1))

        statuses = sorted([(await one.row(i))["status"] for i in ids])
        assert statuses == ["deferred", "sent"]
        assert len(await reminder_messages(one, borrower.borrower_id)) == 1
    finally:
        await one.close()
        await two.close()
