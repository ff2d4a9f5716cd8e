"""The scheduler in-process, on SQLite and PostgreSQL: a slow assistant does not hold up other Borrowers'
Reminders, and a lease that ran out while the text was composed never leads to a second send."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kuanxian.hub.brain import BrainReply, TurnContext
from kuanxian.hub.loadgen import daytime_zone
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.scripted_brain import ScriptedBrain
from kuanxian.hub.services import Hub
from kuanxian.settings import Settings
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import reminders as reminder_store
from kuanxian.storage.schema import messages, reminders


class SlowBrain(ScriptedBrain):
    """Composes each reminder slowly and counts how many it composes at once."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.in_flight = 0
        self.most_at_once = 0
        self.before_reply: list[int] = []

    async def trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            return await super().trigger(intent, entities, context)
        finally:
            self.in_flight -= 1


@pytest.fixture
async def hub(database: str) -> AsyncIterator[Hub]:
    settings = Settings(database_url=database, demo=True, brain="scripted", scheduler_enabled=False)
    started = await Hub.start(settings, brain=SlowBrain(0.2), background=False)
    yield started
    await started.stop(drain_seconds=1)


async def borrowers_due_now(hub: Hub, count: int) -> list[int]:
    """`count` new Borrowers (in a zone where it is daytime), each with one Reminder due now."""
    ids = []
    async with hub.transactions() as tx:
        demo = await borrower_store.get_borrower(tx.conn, "demo-001")
        assert demo is not None
        zone = daytime_zone()
        for n in range(count):
            borrower = dataclasses.replace(demo, borrower_id=f"lease-{n}-{uuid.uuid4().hex[:8]}", timezone=zone)
            await borrower_store.upsert_borrower(tx.conn, borrower, tx.now)
            scheduled = await hub.reminders.schedule_in(
                tx, borrower.borrower_id, "upcoming_due", tx.now - timedelta(seconds=1), source="test"
            )
            ids.append(scheduled.reminder_id)
    return ids


async def sent_decisions(hub: Hub, reminder_id: int) -> int:
    async with hub.transactions.read() as conn:
        reminder = await reminder_store.get(conn, reminder_id)
        assert reminder is not None
        history = await reminder_store.for_borrower(conn, reminder.borrower_id)
    return sum(1 for r, decisions in history if r.reminder_id == reminder_id for d in decisions if d.outcome == "sent")


async def test_a_slow_assistant_does_not_hold_up_other_borrowers_reminders(hub: Hub) -> None:
    ids = await borrowers_due_now(hub, 6)
    assert await hub.reminders.tick() == 6
    brain = hub.brain
    assert isinstance(brain, SlowBrain)
    assert brain.most_at_once > 1, "the Reminders of different Borrowers were composed one after another"
    for reminder_id in ids:
        assert await sent_decisions(hub, reminder_id) == 1


async def test_a_lease_lost_while_composing_stores_nothing_and_the_new_owner_sends_once(hub: Hub) -> None:
    (reminder_id,) = await borrowers_due_now(hub, 1)
    other = ReminderService(
        hub.transactions,
        hub.delivery,
        hub.brain,
        hub.locks,
        hub.settings.contact_limits,
        replies=hub.reminders.replies,
        instance_id="other-hub",
    )
    brain = hub.brain
    assert isinstance(brain, SlowBrain)
    original = brain.trigger

    async def lease_runs_out(intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        reply = await original(intent, entities, context)
        # While this hub composed the text, its lease ran out and the other hub took the Reminder.
        async with hub.transactions() as tx:
            await tx.conn.execute(
                update(reminders)
                .where(reminders.c.id == reminder_id)
                .values(lease_owner="other-hub", lease_until=tx.now + timedelta(seconds=60))
            )
        return reply

    brain.trigger = lease_runs_out  # type: ignore[method-assign]
    assert await hub.reminders.tick() == 1
    brain.trigger = original  # type: ignore[method-assign]
    assert await sent_decisions(hub, reminder_id) == 0
    async with hub.transactions.read() as conn:
        stored = (await conn.execute(select(messages.c.id).where(messages.c.client_id.like(f"reminder-{reminder_id}:%")))).all()
    assert stored == [], "the hub that lost its lease stored the reminder's text"

    await other._fire(reminder_id)
    assert await sent_decisions(hub, reminder_id) == 1
    async with hub.transactions.read() as conn:
        stored = (await conn.execute(select(messages.c.id).where(messages.c.client_id.like(f"reminder-{reminder_id}:%")))).all()
    assert len(stored) == 1
