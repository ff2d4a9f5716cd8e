"""Deliver outbox events to the lender's webhook, signed the Standard Webhooks way.

Headers: `webhook-id` (the event id, the receiver de-duplicates by it),
`webhook-timestamp` (Unix seconds) and `webhook-signature`:
`v1,` + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")). A secret
written as `whsec_<base64>` is decoded first, as Standard Webhooks libraries do;
one that is not base64 of 24 to 64 bytes is refused when the settings are read.

At least once: a failed POST is retried with exponential backoff and jitter
(5 s doubling, capped at 30 minutes), so a receiver down for an hour loses
nothing; after MAX_ATTEMPTS the event goes to the dead-letter list, from which
POST /api/admin/webhooks/events/{id}/replay sends it again.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import random
import uuid
from datetime import timedelta
from typing import Optional

import httpx

from kuanxian.hub.tx import Transactions
from kuanxian.settings import Settings, webhook_key
from kuanxian.storage import outbox as outbox_store
from kuanxian.storage.outbox import OutboxEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 30
BASE_DELAY = 5.0
MAX_DELAY = 1800.0
LEASE = timedelta(seconds=60)


def secret_bytes(secret: str) -> bytes:
    """The signing key (kuanxian.settings.webhook_key: refuses a malformed whsec_ secret)."""
    return webhook_key(secret)


def sign(secret: str | bytes, event_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value; `secret` is the configured secret or its key bytes."""
    payload = f"{event_id}.{timestamp}.".encode() + body
    key = secret if isinstance(secret, bytes) else secret_bytes(secret)
    digest = hmac.new(key, payload, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds before the next try after `attempts` failures: exponential, capped, with jitter."""
    doublings = min(max(0, attempts - 1), 32)  # past the cap already; keeps the float finite
    delay = min(MAX_DELAY, BASE_DELAY * (1 << doublings))
    return min(MAX_DELAY, delay * rng.uniform(0.5, 1.5))


class WebhookSender:
    def __init__(self, settings: Settings, transactions: Transactions, *, client: Optional[httpx.AsyncClient] = None) -> None:
        if not settings.webhook_url or not settings.webhook_secret:
            raise ValueError("webhooks need KUANXIAN_WEBHOOK_URL and KUANXIAN_WEBHOOK_SECRET")
        self.url = settings.webhook_url
        self.key = secret_bytes(settings.webhook_secret)  # a malformed secret fails here, at start, not at send time
        self.transactions = transactions
        self.owner = f"webhooks-{uuid.uuid4().hex[:8]}"
        self.http = client or httpx.AsyncClient(timeout=10.0)
        self.rng = random.Random()
        self.wake = asyncio.Event()

    async def close(self) -> None:
        await self.http.aclose()

    async def run_forever(self, idle: float = 1.0) -> None:
        while True:
            try:
                sent = await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook delivery tick failed")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=idle)
                self.wake.clear()

    async def tick(self, batch: int = 50) -> int:
        """Lease due events, post them concurrently, record every outcome in one transaction."""
        async with self.transactions() as tx:
            due = await outbox_store.lease_due(tx.conn, tx.now, self.owner, LEASE, batch)
        if not due:
            return 0
        results = await asyncio.gather(*(self._send(event) for event in due))
        delivered = 0
        async with self.transactions() as tx:
            for event, error in zip(due, results, strict=False):
                if error is None:
                    await outbox_store.delivered(tx.conn, event.event_id, tx.now)
                    delivered += 1
                    continue
                attempts = event.attempts + 1
                next_at = None if attempts >= MAX_ATTEMPTS else tx.now + timedelta(seconds=backoff(attempts, self.rng))
                await outbox_store.failed(tx.conn, event.event_id, error, next_at)
                logger.warning("webhook %s failed (attempt %s): %s", event.event_id, attempts, error)
        return delivered

    async def _send(self, event: OutboxEvent) -> Optional[str]:
        """POST one event; None on success, else the error."""
        body = json.dumps(event.body(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = int(self.transactions.clock.now().timestamp())
        headers = {
            "content-type": "application/json",
            "webhook-id": event.event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(self.key, event.event_id, timestamp, body),
            "user-agent": "Kuanxian-Webhooks/1",
        }
        try:
            response = await self.http.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        return f"HTTP {response.status_code}" if response.status_code >= 300 else None
