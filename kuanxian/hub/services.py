"""The hub's parts, wired together once at start (an app listener), and taken apart at stop.

No behaviour lives here: each part does one thing and gets only what it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any, Optional

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.domain.clock import Clock, SystemClock
from kuanxian.domain.conversation import Conversation
from kuanxian.hub.brain import Brain, RasaBrain
from kuanxian.hub.broker import Broker
from kuanxian.hub.bus import EventBus
from kuanxian.hub.commands import CommandApplier
from kuanxian.hub.console import ConsoleService
from kuanxian.hub.delivery import Delivery
from kuanxian.hub.handoffs import HandoffService
from kuanxian.hub.locks import TurnLocks
from kuanxian.hub.metrics import Metrics
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.replying import ReplyApplier
from kuanxian.hub.templates import Templates
from kuanxian.hub.turns import TurnPipeline
from kuanxian.hub.tx import Transactions
from kuanxian.hub.webhooks import WebhookSender
from kuanxian.safety import warm_up
from kuanxian.settings import Settings
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage.db import make_engine
from kuanxian.storage.migrate import upgrade

logger = logging.getLogger(__name__)

REDIS_CONNECT_TIMEOUT = 2.0


def make_brain(settings: Settings) -> Brain:
    if settings.brain == "scripted":
        from kuanxian.hub.scripted_brain import ScriptedBrain

        return ScriptedBrain()
    return RasaBrain(settings.rasa_urls, settings.actions_urls, token=settings.rasa_token, timeout=settings.rasa_timeout_seconds)


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    bus: EventBus
    transactions: Transactions
    brain: Brain
    broker: Broker
    locks: TurnLocks
    delivery: Delivery
    handoffs: HandoffService
    reminders: ReminderService
    turns: TurnPipeline
    console: ConsoleService
    metrics: Metrics
    webhooks: Optional[WebhookSender]
    redis: Optional[Redis] = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @classmethod
    async def start(
        cls, settings: Settings, *, brain: Optional[Brain] = None, clock: Optional[Clock] = None, background: bool = True
    ) -> Hub:
        engine = make_engine(settings.database_url)
        await upgrade(engine)
        # An unreachable Redis is noticed in seconds (turn locks then fall back to the local lock), never waited on.
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT) if settings.redis_url else None
        clock = clock or SystemClock()
        bus = EventBus()
        transactions = Transactions(engine, bus, clock)
        brain = brain or make_brain(settings)
        locks = TurnLocks(redis)
        delivery = Delivery(await Templates.load(settings.domain_path))
        handoffs = HandoffService(settings, transactions, delivery)

        async def read_queue() -> list[Conversation]:
            async with transactions.read() as conn:
                return await conversation_store.queue(conn)

        broker = Broker(read_queue, redis)
        replies = ReplyApplier(CommandApplier(settings), handoffs)
        reminders = ReminderService(transactions, delivery, brain, locks, settings.contact_limits, replies=replies)
        turns = TurnPipeline(settings, transactions, delivery, handoffs, replies, brain, locks, bus, reminders)
        console = ConsoleService(transactions, delivery, handoffs, brain, locks, reminders, replies)
        metrics = Metrics(transactions)
        webhooks = WebhookSender(settings, transactions) if settings.webhook_url else None
        for listener in (broker, metrics):
            bus.subscribe(listener)
        hub = cls(
            settings,
            engine,
            clock,
            bus,
            transactions,
            brain,
            broker,
            locks,
            delivery,
            handoffs,
            reminders,
            turns,
            console,
            metrics,
            webhooks,
            redis,
        )
        # Rules, models and the guard's explanation index load before the first Borrower's turn, off the event loop.
        await asyncio.to_thread(warm_up)
        if settings.demo:
            from kuanxian.hub.seed import seed_demo

            await seed_demo(transactions)
        await broker.start()
        if background:
            hub._background()
        return hub

    def _background(self) -> None:
        loop = asyncio.get_running_loop()
        self.tasks.append(loop.create_task(self.turns.recover_forever(), name="turn_recovery"))
        if self.settings.scheduler_enabled:
            self.tasks.append(loop.create_task(self.reminders.run_forever(self.settings.scheduler_interval_seconds), name="reminders"))
            from kuanxian.hub.aftercare import AftercareJob

            self.tasks.append(
                loop.create_task(AftercareJob(self).run_forever(self.settings.scheduler_interval_seconds * 12), name="aftercare")
            )
        if self.webhooks is not None:
            self.tasks.append(loop.create_task(self.webhooks.run_forever(), name="webhooks"))

    async def stop(self, drain_seconds: Optional[float] = None) -> None:
        """Let running turns finish (up to KUANXIAN_DRAIN_SECONDS), then close everything."""
        await self.turns.drain(timeout=self.settings.drain_seconds if drain_seconds is None else drain_seconds)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.broker.stop()
        await self.brain.close()
        if self.webhooks is not None:
            await self.webhooks.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
