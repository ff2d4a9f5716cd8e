"""`make soak`: 200 concurrent conversations for 2 minutes through the hub; count lost and duplicated messages.

See kuanxian.hub.loadgen for what a simulated Borrower does and what the audit
counts. Exits 1 when a message was lost or doubled, whatever the error rate.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx

from .loadgen import Hubs, Tally, audit, borrower, daytime_zone, open_session


async def main_async(args: argparse.Namespace) -> int:
    tally = Tally()
    limits = httpx.Limits(max_connections=args.conversations * 2, max_keepalive_connections=args.conversations)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        hubs = Hubs(client, args.hub.split(","), tally)
        zone = daytime_zone()
        ids = [f"soak-{i:04d}-{uuid.uuid4().hex[:6]}" for i in range(args.conversations)]
        tally.sessions = [(bid, await open_session(hubs, args.admin_token, bid, zone, i)) for i, bid in enumerate(ids)]
        start = time.monotonic()
        until = start + args.seconds
        await asyncio.gather(*(borrower(hubs, auth, i, until, tally) for i, (_, auth) in enumerate(tally.sessions)))
        end = time.monotonic()
        await asyncio.sleep(3)
        result = await audit(hubs, tally.sessions)
    print(
        f"soak: {args.conversations} conversations for {args.seconds:.0f} s: {tally.sent} messages accepted, "
        f"{len(tally.latencies)} answered; {tally.turns_per_second(start, end):.1f} turns/s, {tally.latency_line()}"
    )
    print(tally.error_line())
    print(result.line())
    return 0 if result.ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="http://127.0.0.1:8000", help="one hub URL, or several separated by commas")
    parser.add_argument("--admin-token", default="demo-admin-token")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    raise SystemExit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
