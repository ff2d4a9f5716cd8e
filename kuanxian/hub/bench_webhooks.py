"""`make bench` (webhooks): deliver 1,000 outbox events to a local receiver; print throughput and lag.

Runs the real WebhookSender against a real HTTP receiver on loopback, on a
throwaway SQLite database (or KUANXIAN_DATABASE_URL), verifying every signature.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kuanxian.domain.clock import SystemClock
from kuanxian.domain.events import DisputeOpened
from kuanxian.hub.bus import EventBus
from kuanxian.hub.tx import Transactions
from kuanxian.hub.webhooks import WebhookSender
from kuanxian.settings import Settings
from kuanxian.storage import outbox
from kuanxian.storage.db import make_engine
from kuanxian.storage.migrate import upgrade

EVENTS = 1000
SECRET = "whsec_" + base64.b64encode(b"kuanxian-bench-secret-0123456789").decode()


@dataclass
class Receiver:
    seen: dict[str, float] = field(default_factory=dict)
    bad_signatures: int = 0
    lags: list[float] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            event_id, ts, sig = headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"]
            key = base64.b64decode(SECRET[len("whsec_") :])
            expected = "v1," + base64.b64encode(hmac.new(key, f"{event_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(expected, sig):
                self.bad_signatures += 1
            occurred = datetime.fromisoformat(json.loads(body)["occurred_at"])
            if event_id not in self.seen:
                self.seen[event_id] = time.monotonic()
                self.lags.append((datetime.now(tz=UTC) - occurred).total_seconds())
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
            await writer.drain()
            await self.handle(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def run(events: int) -> None:
    receiver = Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'webhooks.db'}"
        engine = make_engine(url)
        await upgrade(engine)
        settings = Settings(webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET, database_url=url)
        transactions = Transactions(engine, EventBus(), SystemClock())
        async with transactions() as tx:
            await outbox.record(tx.conn, [DisputeOpened(f"bench-{i}") for i in range(events)], tx.now)
        sender = WebhookSender(settings, transactions)
        start = time.monotonic()
        while len(receiver.seen) < events and time.monotonic() - start < 300:
            if not await sender.tick(batch=100):
                await asyncio.sleep(0.05)
        elapsed = time.monotonic() - start
        await sender.close()
        await engine.dispose()
    server.close()
    print(
        f"webhooks: {len(receiver.seen)}/{events} events delivered in {elapsed:.1f} s = {len(receiver.seen) / elapsed:.0f} events/s; "
        f"outbox lag p50 {statistics.median(receiver.lags):.2f} s, max {max(receiver.lags):.2f} s; "
        f"bad signatures {receiver.bad_signatures}"
    )


def main() -> int:
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
