"""After the plan, in-process on SQLite and PostgreSQL with a clock the test moves: an Installment is missed
after the grace days in the Borrower's own zone (across a daylight-saving change), a part payment never
un-misses it or brings a second check-in, and the plan breaks once, to a person, after enough misses."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from kuanxian.domain.clock import FixedClock
from kuanxian.domain.plan import Frequency
from kuanxian.hub.aftercare import AftercareJob
from kuanxian.hub.payments import record_payment
from kuanxian.hub.services import Hub
from kuanxian.plans import build_schedule
from kuanxian.settings import Settings
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.schema import outbox, reminders

# US Eastern time moves to daylight saving at 2 a.m. on Sunday 14 March 2027.
FIRST_DUE = date(2027, 3, 10)


@pytest.fixture
async def hub(database: str) -> AsyncIterator[Hub]:
    settings = Settings(database_url=database, demo=True, brain="scripted", scheduler_enabled=False, installment_grace_days=3)
    started = await Hub.start(settings, clock=FixedClock(datetime(2027, 3, 1, 12, tzinfo=UTC)), background=False)
    yield started
    await started.stop(drain_seconds=1)


def clock_of(hub: Hub) -> FixedClock:
    assert isinstance(hub.clock, FixedClock)
    return hub.clock


async def new_york_plan(hub: Hub) -> tuple[str, int]:
    """A Borrower in New York with a three-month plan of 1,000 yuan, the first due on 10 March 2027."""
    async with hub.transactions() as tx:
        demo = await borrower_store.get_borrower(tx.conn, "demo-003")
        assert demo is not None
        borrower = dataclasses.replace(demo, borrower_id=f"after-{uuid.uuid4().hex[:8]}", timezone="America/New_York")
        await borrower_store.upsert_borrower(tx.conn, borrower, tx.now)
        schedule = build_schedule(Decimal("3000.00"), Decimal("1000.00"), 3, Frequency.MONTHLY, FIRST_DUE)
        plan = await plan_store.save_plan(tx.conn, borrower.borrower_id, schedule, tx.now)
    assert plan.plan_id is not None
    return borrower.borrower_id, plan.plan_id


async def statuses(hub: Hub, plan_id: int) -> tuple[str, list[str]]:
    async with hub.transactions.read() as conn:
        plan = await plan_store.get_plan(conn, plan_id)
    assert plan is not None
    return plan.status.value, [i.status.value for i in plan.installments]


async def events(hub: Hub, borrower_id: str) -> list[str]:
    async with hub.transactions.read() as conn:
        rows = await conn.execute(select(outbox.c.type).where(outbox.c.borrower_id == borrower_id).order_by(outbox.c.occurred_at))
        return [str(r) for r in rows.scalars()]


async def check_ins(hub: Hub, borrower_id: str) -> int:
    async with hub.transactions.read() as conn:
        rows = await conn.execute(
            select(reminders.c.id).where(reminders.c.borrower_id == borrower_id).where(reminders.c.kind == "check_in")
        )
        return len(rows.all())


async def pay(hub: Hub, borrower_id: str, amount: str) -> None:
    async with hub.transactions() as tx:
        await record_payment(tx, hub.reminders, f"pay-{uuid.uuid4().hex[:8]}", borrower_id, Decimal(amount), tx.now)


async def test_an_installment_is_missed_after_the_grace_days_in_the_borrowers_zone_across_daylight_saving(hub: Hub) -> None:
    borrower_id, plan_id = await new_york_plan(hub)
    job, clock = AftercareJob(hub), clock_of(hub)
    # Due 10 March, three days' grace: missed from the Borrower's 14 March, which begins at 05:00 UTC (still EST).
    clock.at = datetime(2027, 3, 14, 4, 30, tzinfo=UTC)  # 23:30 on 13 March in New York
    await job.run_once()
    assert await statuses(hub, plan_id) == ("active", ["due", "due", "due"])
    clock.at = datetime(2027, 3, 14, 5, 1, tzinfo=UTC)  # 00:01 on 14 March in New York
    await job.run_once()
    assert await statuses(hub, plan_id) == ("active", ["missed", "due", "due"])
    assert (await events(hub, borrower_id)).count("installment.missed") == 1
    assert await check_ins(hub, borrower_id) == 1


async def test_a_part_payment_keeps_a_missed_installment_missed_and_brings_no_second_check_in(hub: Hub) -> None:
    borrower_id, plan_id = await new_york_plan(hub)
    job, clock = AftercareJob(hub), clock_of(hub)
    clock.at = datetime(2027, 3, 20, 15, tzinfo=UTC)
    await job.run_once()
    await pay(hub, borrower_id, "400.00")
    assert await statuses(hub, plan_id) == ("active", ["missed", "due", "due"])
    clock.advance(hours=1)
    await job.run_once()
    assert (await events(hub, borrower_id)).count("installment.missed") == 1
    assert await check_ins(hub, borrower_id) == 1
    await pay(hub, borrower_id, "600.00")  # the rest of it: now paid
    assert await statuses(hub, plan_id) == ("active", ["paid", "due", "due"])


async def test_a_plan_breaks_once_after_two_misses_and_goes_to_a_person(hub: Hub) -> None:
    borrower_id, plan_id = await new_york_plan(hub)
    job, clock = AftercareJob(hub), clock_of(hub)
    clock.at = datetime(2027, 4, 15, 15, tzinfo=UTC)  # 10 March and 10 April both missed
    await job.run_once()
    await job.run_once()
    assert await statuses(hub, plan_id) == ("broken", ["missed", "missed", "due"])
    assert (await events(hub, borrower_id)).count("plan.broken") == 1
    async with hub.transactions.read() as conn:
        conversation = await conversation_store.find_open(conn, borrower_id)
    assert conversation is not None
    assert (conversation.status.value, conversation.reason.value if conversation.reason else None) == (
        "waiting_for_collector",
        "plan_broken",
    )
    assert conversation.priority is not None and conversation.priority.value == "normal"
    async with hub.transactions.read() as conn:
        [data] = (
            await conn.execute(select(outbox.c.data).where(outbox.c.type == "handoff.requested").where(outbox.c.borrower_id == borrower_id))
        ).scalars()
    assert json.loads(data)["reason"] == "plan_broken"
