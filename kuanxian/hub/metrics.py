"""Operations metrics in the Prometheus format (GET /metrics, admin token), from bus events.

Each hub has its own registry (several apps may live in one test process).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from kuanxian.domain.events import (
    CommandRejected,
    CrisisDetected,
    Event,
    GuardBlocked,
    HandoffRequested,
    MessageStored,
    PlanAgreed,
    QueueChanged,
)
from kuanxian.domain.message import SenderType
from kuanxian.hub.tx import Transactions
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import outbox as outbox_store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self, transactions: Transactions) -> None:
        self.transactions = transactions
        self.registry = CollectorRegistry()
        self.messages = Counter("kuanxian_messages_total", "Messages stored, by sender", ["sender"], registry=self.registry)
        self.turn_seconds = Histogram(
            "kuanxian_turn_seconds", "Borrower message to first reply", buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30), registry=self.registry
        )
        self.guard_blocks = Counter(
            "kuanxian_guard_blocks_total", "Texts the guard blocked", ["author", "category"], registry=self.registry
        )
        self.handoffs = Counter("kuanxian_handoffs_total", "Handoffs requested", ["reason", "priority"], registry=self.registry)
        self.crises = Counter("kuanxian_crisis_total", "Crisis handoffs", registry=self.registry)
        self.plans = Counter("kuanxian_plans_agreed_total", "Payment plans agreed", registry=self.registry)
        self.commands_rejected = Counter(
            "kuanxian_commands_rejected_total",
            "Commands from the action server the hub did not apply, by command and reason "
            "(malformed payloads: unsupported_version, unknown_type, invalid_payload; else the refusal code)",
            ["command", "reason"],
            registry=self.registry,
        )
        self.queue = Gauge("kuanxian_queue_length", "Conversations waiting for or with a person", registry=self.registry)
        self.outbox_pending = Gauge("kuanxian_outbox_pending", "Webhook events not yet delivered", registry=self.registry)
        self.outbox_lag = Gauge("kuanxian_outbox_lag_seconds", "Age of the oldest undelivered webhook event", registry=self.registry)
        self._asked: dict[str, float] = {}

    async def handle(self, event: Event) -> None:
        if isinstance(event, MessageStored):
            message = event.message
            self.messages.labels(message.sender_type.value).inc()
            key = event.conversation_id
            if message.sender_type is SenderType.BORROWER:
                self._asked[key] = message.created_at.timestamp()
            elif key in self._asked and message.sender_type in (SenderType.BOT, SenderType.SYSTEM):
                self.turn_seconds.observe(max(0.0, message.created_at.timestamp() - self._asked.pop(key)))
                if len(self._asked) > 10000:
                    self._asked.clear()
        elif isinstance(event, GuardBlocked):
            self.guard_blocks.labels(event.author, event.category).inc()
        elif isinstance(event, HandoffRequested):
            self.handoffs.labels(event.handoff.reason.value, event.handoff.priority.value).inc()
        elif isinstance(event, CrisisDetected):
            self.crises.inc()
        elif isinstance(event, CommandRejected):
            self.commands_rejected.labels(event.command, event.reason).inc()
        elif isinstance(event, PlanAgreed) and type(event) is PlanAgreed:
            self.plans.inc()
        elif isinstance(event, QueueChanged):
            async with self.transactions.read() as conn:
                self.queue.set(len(await conversation_store.queue(conn)))

    async def render(self) -> bytes:
        async with self.transactions.read() as conn:
            pending, lag = await outbox_store.lag(conn, self.transactions.clock.now())
            self.queue.set(len(await conversation_store.queue(conn)))
        self.outbox_pending.set(pending)
        self.outbox_lag.set(lag)
        return generate_latest(self.registry)
