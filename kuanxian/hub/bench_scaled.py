"""`make bench-scaled`: concurrent conversations across several hubs and Rasa instances.

Drives the running topology (tools/bench-scaled.sh starts it on PostgreSQL and
Redis): every simulated Borrower rotates its messages over the hubs, as behind
a load balancer without stickiness, and gets one Reminder due mid-run. With
--kill-at, the last hub and the last Rasa instance are SIGKILLed that many
seconds in (the supervisor restarts them). At the end it checks that every
Borrower message was stored once and answered once (a reply, or the honest
"saved, a person will look" notice) and that every Reminder fired at most once
and none is stuck; it prints turns/s, p50 and p95. Exit status 1 on any loss.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from .loadgen import Hubs, Tally, audit, borrower, daytime_zone, open_session

SENT_DECISIONS = {"send", "sent"}


def listener_pid(port: int) -> int | None:
    """The process listening on a loopback TCP port (from `ss`)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def kill_listener(port: int, what: str) -> None:
    pid = listener_pid(port)
    if pid is None:
        print(f"  nothing listens on {port} ({what}); not killed", flush=True)
        return
    os.kill(pid, signal.SIGKILL)
    print(f"  killed {what} (pid {pid}, port {port}) with SIGKILL", flush=True)


async def schedule_reminders(hubs: Hubs, admin_token: str, ids: list[str], seconds: float) -> None:
    """One Reminder per Borrower, due at a random moment in the first 60% of the run."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    now = datetime.now(UTC)
    for index, borrower_id in enumerate(ids):
        send_at = now + timedelta(seconds=random.uniform(5, max(6.0, seconds * 0.6)))
        body = {"borrower_id": borrower_id, "kind": "upcoming_due", "send_at": send_at.isoformat(), "amount": "500.00"}
        (await hubs.call("POST", "/api/admin/reminders", index, json=body, headers=admin)).raise_for_status()


async def reminder_report(hubs: Hubs, admin_token: str, ids: list[str]) -> tuple[int, int, Counter[str]]:
    """(fired twice, stuck, statuses): a Reminder whose history shows two sends, one still due a minute late."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    twice = stuck = 0
    statuses: Counter[str] = Counter()
    late = datetime.now(UTC) - timedelta(seconds=60)
    for index, borrower_id in enumerate(ids):
        listed = (await hubs.call("GET", "/api/admin/reminders", index, params={"borrower_id": borrower_id}, headers=admin)).json()
        for reminder in listed["reminders"]:
            statuses[f"{reminder['status']}" + (f" ({reminder['reason']})" if reminder["reason"] else "")] += 1
            sends = sum(1 for h in reminder["history"] if h["decision"] in SENT_DECISIONS)
            twice += sends > 1
            due = reminder["scheduled_for"] and datetime.fromisoformat(reminder["scheduled_for"]) < late
            stuck += reminder["status"] in ("scheduled", "deferred") and bool(due)
    return twice, stuck, statuses


async def main_async(args: argparse.Namespace) -> int:
    tally = Tally()
    urls = [u.strip() for u in args.hubs.split(",") if u.strip()]
    limits = httpx.Limits(max_connections=args.conversations * 2, max_keepalive_connections=args.conversations)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        hubs = Hubs(client, urls, tally)
        zone = daytime_zone()
        ids = [f"scaled-{i:04d}-{uuid.uuid4().hex[:6]}" for i in range(args.conversations)]
        tally.sessions = [(bid, await open_session(hubs, args.admin_token, bid, zone, i)) for i, bid in enumerate(ids)]
        await schedule_reminders(hubs, args.admin_token, ids, args.seconds)
        print(
            f"{args.label}: {args.conversations} conversations over {len(urls)} hub(s) for {args.seconds:.0f} s (Borrowers in {zone})",
            flush=True,
        )
        start = time.monotonic()
        until = start + args.seconds
        talking = asyncio.gather(*(borrower(hubs, auth, i, until, tally) for i, (_, auth) in enumerate(tally.sessions)))
        if args.kill_at is not None:
            await asyncio.sleep(args.kill_at)
            kill_listener(int(urls[-1].rsplit(":", 1)[-1]), "a hub")
            if args.kill_rasa_port:
                kill_listener(args.kill_rasa_port, "a Rasa instance")
        await talking
        end = time.monotonic()
        await asyncio.sleep(args.settle)
        result = await audit(hubs, tally.sessions)
        twice, stuck, statuses = await reminder_report(hubs, args.admin_token, ids)
    print(
        f"{args.label}: {tally.sent} messages accepted, {len(tally.latencies)} answered; "
        f"{tally.turns_per_second(start, end):.1f} turns/s, {tally.latency_line()}"
    )
    print(f"{args.label}: {tally.error_line()}")
    print(f"{args.label}: {result.line()}")
    print(f"{args.label}: reminders {dict(statuses)}; fired twice {twice}, stuck {stuck}")
    return 0 if result.ok and not twice and not stuck else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", required=True, help="hub URLs separated by commas")
    parser.add_argument("--admin-token", default=os.environ.get("KUANXIAN_ADMIN_TOKEN", "demo-admin-token"))
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--kill-at", type=float, default=None, help="seconds in: SIGKILL the last hub (and --kill-rasa-port)")
    parser.add_argument("--kill-rasa-port", type=int, default=None)
    parser.add_argument("--settle", type=float, default=20, help="seconds to wait for the last turns and Reminders")
    parser.add_argument("--label", default="scaled")
    raise SystemExit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
