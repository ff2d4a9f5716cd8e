"""Webhooks to the lender: signed Standard-Webhooks style, delivered at least once, dead letters replayed.

A small HTTP receiver runs in a thread; "down" means its port is closed
(connection refused), "up" means it accepts again on the same port.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

import pytest
from support.hubproc import HubProcess, serve
from support.polling import eventually
from support.services import free_port

from hub.client import ADMIN, Api, utc_now

SECRET_BYTES = os.urandom(24)
SECRET = "whsec_" + base64.b64encode(SECRET_BYTES).decode()
MAX_ATTEMPTS = 30  # kuanxian.hub.webhooks.MAX_ATTEMPTS: the attempt after which an event is dead


class Receiver:
    """The lender's endpoint: records every delivery (headers and raw body)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/kuanxian/events"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(body) for _, body in self.deliveries]

    def delivered(self, event_id: str) -> list[tuple[dict[str, str], bytes]]:
        with self._lock:
            return [(h, b) for h, b in self.deliveries if h.get("webhook-id") == event_id]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def hub(database: str, logs: Path, receiver: Receiver) -> Iterator[HubProcess]:
    yield from serve(database, logs, name="webhooks", KUANXIAN_WEBHOOK_URL=receiver.url, KUANXIAN_WEBHOOK_SECRET=SECRET)


@pytest.fixture
def up(receiver: Receiver) -> Iterator[Receiver]:
    """Whatever a test did to the receiver, the next one finds it listening."""
    yield receiver
    if receiver._server is None:
        receiver.start()


def verify(headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks: v1 = base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), key = base64-decoded whsec_ secret."""
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(SECRET_BYTES, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s) for s in offered)


async def plan_event(api: Api, borrower_id: str, status: str) -> Optional[dict[str, Any]]:
    events = (await api.admin_get("/webhooks/events", params={"status": status, "limit": 500})).json()["events"]
    return next((e for e in events if e["type"] == "plan.agreed" and e["borrower_id"] == borrower_id), None)


async def test_an_agreed_plan_is_delivered_signed(api: Api, up: Receiver) -> None:
    widget = await api.widget()
    plan = await api.agree_plan(widget, count=12)

    async def arrived() -> Optional[tuple[dict[str, str], bytes]]:
        for headers, body in list(up.deliveries):
            event = json.loads(body)
            if event["type"] == "plan.agreed" and event["borrower_id"] == widget.borrower_id:
                return headers, body
        return None

    headers, body = await eventually(arrived, timeout=30, what="plan.agreed at the receiver")
    event = json.loads(body)
    assert headers["webhook-id"] == event["id"] and event["id"].startswith("evt_")
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 300
    assert headers["content-type"] == "application/json"
    assert verify(headers, body), "the signature verifies with the shared secret"
    assert not verify(headers, body.replace(b"12000.00", b"1.00")), "and only for this exact body"
    assert not verify({**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)}, body)

    data = event["data"]
    assert (data["plan_id"], data["installment_count"], data["total"], data["installment_amount"]) == (
        plan["id"],
        12,
        "12000.00",
        "1000.00",
    )
    assert "分12期" not in body.decode() and "确认" not in body.decode(), "no message text leaves the hub"
    delivered = await eventually(lambda: plan_event(api, widget.borrower_id, "delivered"), timeout=10, what="the delivered listing")
    assert delivered["id"] == event["id"] and delivered["attempts"] == 1


async def test_a_receiver_that_is_down_for_a_while_gets_the_event_later_once(api: Api, up: Receiver) -> None:
    up.stop()
    widget = await api.widget()
    await api.agree_plan(widget, count=6)

    async def failed_once() -> Optional[dict[str, Any]]:
        event = await plan_event(api, widget.borrower_id, "pending")
        return event if event and event["attempts"] >= 1 and event["last_error"] else None

    pending = await eventually(failed_once, timeout=30, what="a failed delivery attempt")
    assert not up.delivered(pending["id"])
    up.start()

    await eventually(lambda: _async(bool(up.delivered(pending["id"]))), timeout=40, what="the retried delivery")
    await eventually(lambda: plan_event(api, widget.borrower_id, "delivered"), timeout=10, what="the event marked delivered")
    deliveries = up.delivered(pending["id"])
    assert len(deliveries) == 1
    assert verify(*deliveries[0])
    assert json.loads(deliveries[0][1])["data"]["installment_count"] == 6


async def test_dead_letters_are_listed_and_can_be_replayed(api: Api, up: Receiver) -> None:
    up.stop()
    widget = await api.widget()
    await api.agree_plan(widget, count=4)

    async def failed_once() -> Optional[dict[str, Any]]:
        event = await plan_event(api, widget.borrower_id, "pending")
        return event if event and event["attempts"] >= 1 else None

    event_id = (await eventually(failed_once, timeout=30, what="a failed delivery attempt"))["id"]
    # Only the last attempt remains (the real backoff would take days to get here), due now.
    assert await api.db.update("outbox", {"id": event_id}, attempts=MAX_ATTEMPTS - 1, next_attempt_at=utc_now() - timedelta(seconds=1)) == 1
    dead = await eventually(lambda: plan_event(api, widget.borrower_id, "dead"), timeout=30, what="the dead letter")
    assert dead["id"] == event_id and dead["attempts"] >= MAX_ATTEMPTS and dead["last_error"]

    up.start()
    later_widget = await api.widget()
    await api.agree_plan(later_widget, count=3)
    await eventually(lambda: plan_event(api, later_widget.borrower_id, "delivered"), timeout=30, what="a newer event delivered")
    assert not up.delivered(event_id), "a dead letter is not retried on its own"

    replayed = await api.http.post(f"/api/admin/webhooks/events/{event_id}/replay", headers=ADMIN)
    assert replayed.status_code == 200 and replayed.json() == {"id": event_id, "status": "pending"}
    await eventually(lambda: _async(bool(up.delivered(event_id))), timeout=30, what="the replayed event")
    await eventually(lambda: plan_event(api, widget.borrower_id, "delivered"), timeout=10, what="the replayed event marked delivered")
    assert len(up.delivered(event_id)) == 1 and verify(*up.delivered(event_id)[0])

    assert (await api.http.post(f"/api/admin/webhooks/events/{event_id}/replay", headers=ADMIN)).status_code == 409
    assert (await api.http.post("/api/admin/webhooks/events/evt_00000000000000000000000000000000/replay", headers=ADMIN)).status_code == 404
    assert (await api.http.post("/api/admin/webhooks/events/not-an-event/replay", headers=ADMIN)).status_code == 404
    assert (await api.http.post(f"/api/admin/webhooks/events/{event_id}/replay")).status_code == 401
    assert (await api.http.get("/api/admin/webhooks/events", params={"status": "dead"})).status_code == 401


async def test_every_event_reached_the_receiver_at_most_once(api: Api, up: Receiver) -> None:
    pending = (await api.admin_get("/webhooks/events", params={"status": "pending", "limit": 500})).json()["events"]
    await eventually(lambda: _async(all(up.delivered(e["id"]) for e in pending)), timeout=40, what="every pending event delivered")
    ids = Counter(h["webhook-id"] for h, _ in up.deliveries)
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]


async def _async(value: Any) -> Any:
    return value


async def test_the_life_of_a_plan_reaches_the_lender_signed(api: Api, up: Receiver) -> None:
    """Agree in chat, pay the first installment, miss the next two (the after-plan check run as of later
    days), and the lender's receiver gets each step once, signed, with the plan broken and sent to a person."""
    widget = await api.widget()
    plan = await api.agree_plan(widget, count=3)
    first, second, _ = (date.fromisoformat(i["due_date"]) for i in plan["installments"])
    paid = await api.admin_post(
        "/payments",
        {
            "payment_id": f"life-{widget.borrower_id}",
            "borrower_id": widget.borrower_id,
            "amount": plan["installments"][0]["amount"],
            "paid_at": utc_now().isoformat(),
        },
    )
    assert paid.status_code == 201, paid.text

    async def statuses_after_aftercare(as_of: date) -> list[str]:
        # The run is hub-wide (other tests' plans may change too): look at this Borrower's plan only.
        ran = await api.admin_post("/aftercare/run", {"as_of": f"{as_of}T12:00:00+08:00"})
        assert ran.status_code == 200, ran.text
        account = (await api.admin_get(f"/borrowers/{widget.borrower_id}")).json()
        [stored] = [p for p in account["plans"] if p["id"] == plan["id"]]
        return [i["status"] for i in stored["installments"]]

    assert await statuses_after_aftercare(first + timedelta(days=5)) == ["paid", "due", "due"], "a paid installment is never missed"
    assert await statuses_after_aftercare(second + timedelta(days=4)) == ["paid", "missed", "due"]
    assert await statuses_after_aftercare(second + timedelta(days=40)) == ["paid", "missed", "missed"]

    wanted = ["plan.agreed", "installment.paid", "installment.missed", "installment.missed", "plan.broken", "handoff.requested"]

    async def all_arrived() -> Optional[list[tuple[dict[str, str], bytes]]]:
        mine = [(h, b) for h, b in list(up.deliveries) if json.loads(b)["borrower_id"] == widget.borrower_id]
        types = Counter(json.loads(b)["type"] for _, b in mine)
        return mine if all(types[t] >= wanted.count(t) for t in wanted) else None

    mine = await eventually(all_arrived, timeout=30, what="the plan's life at the receiver")
    assert all(verify(h, b) for h, b in mine)
    events = [json.loads(b) for _, b in mine]
    assert Counter(e["type"] for e in events if e["type"] in wanted) == Counter(wanted)
    assert len({e["id"] for e in events}) == len(events), "each event arrived once"
    broken = next(e for e in events if e["type"] == "plan.broken")
    assert broken["data"]["plan_id"] == plan["id"]
    handoff = next(e for e in events if e["type"] == "handoff.requested")
    assert handoff["data"]["reason"] == "plan_broken"
    account = (await api.admin_get(f"/borrowers/{widget.borrower_id}")).json()
    [stored] = [p for p in account["plans"] if p["id"] == plan["id"]]
    assert (stored["status"], [i["status"] for i in stored["installments"]]) == ("broken", ["paid", "missed", "missed"])
    assert sum(r["kind"] == "check_in" for r in account["reminders"]) == 2, "one gentle check-in per missed installment"


async def test_aftercare_as_of_must_be_a_moment_with_its_zone(api: Api) -> None:
    refused = await api.admin_post("/aftercare/run", {"as_of": "2027-01-05T12:00:00"})
    assert refused.status_code == 422, refused.text


async def test_the_lender_hears_of_changes_once_and_of_an_opt_out_undone(api: Api, up: Receiver) -> None:
    """A repeated wish is not a new event: two opt-outs are one `contact.opted_out`, two messages about the
    same dispute one `dispute.opened`, two crisis messages one `crisis.detected`. And an opt-out typed by
    someone who then turns out not to be the Borrower is undone, so the lender hears `contact.opted_in`."""
    widget = await api.widget()
    for text in ("不要再发", "不要再发", "不是我的", "不是我的"):
        await widget.send(text)
    await widget.settled()
    crisis = await api.widget()
    await crisis.send("我不想活了，准备今晚从楼上跳下去")
    await crisis.send("真的撑不下去了，想一了百了")
    await crisis.settled()
    stranger = await api.widget()
    await stranger.send("不要再发")
    await stranger.send("我是他妈妈，他到底欠你们多少钱")
    await stranger.settled()

    def types_for(borrower_id: str) -> list[str]:
        return sorted(e["type"] for e in up.events() if e["borrower_id"] == borrower_id)

    async def arrived() -> Optional[bool]:
        done = (
            types_for(widget.borrower_id).count("dispute.opened") >= 1
            and "crisis.detected" in types_for(crisis.borrower_id)
            and "contact.opted_in" in types_for(stranger.borrower_id)
        )
        return True if done else None

    await eventually(arrived, timeout=30, what="the events at the receiver")
    await asyncio.sleep(2)  # anything sent twice would have arrived by now
    mine = types_for(widget.borrower_id)
    assert mine.count("contact.opted_out") == 1 and mine.count("dispute.opened") == 1, mine
    assert types_for(crisis.borrower_id).count("crisis.detected") == 1
    assert [t for t in types_for(stranger.borrower_id) if t.startswith("contact.")] == ["contact.opted_in", "contact.opted_out"]
