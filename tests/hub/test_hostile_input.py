"""Hostile input gets a 4xx and writes nothing: broken Unicode, NUL, invisible text, huge numbers, deep JSON, odd dates."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import httpx
import pytest
from support.hubproc import HubProcess, serve

from hub.client import ADMIN, Api, Console, Widget, account, later, policy

SURROGATE = b'"\\ud800abc"'  # a raw JSON escape: decodes to a lone surrogate, never valid Unicode
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
HUGE = b"9" * 5000
DEEP = b"[" * 20000 + b"]" * 20000
FAR = "9999-12-31T23:59:59-14:00"


async def raw(api: Api, method: str, path: str, body: bytes, headers: Optional[dict[str, str]] = None) -> httpx.Response:
    """Send `body` byte for byte (no client-side re-encoding)."""
    return await api.http.request(method, path, content=body, headers={"content-type": "application/json", **(headers or {})})


def refused(response: httpx.Response, *codes: int) -> None:
    expected = codes or (400, 422)
    assert response.status_code in expected, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    assert response.json()["error"] in ("bad_request", "invalid", "not_found", "too_large"), response.text


@pytest.fixture(scope="module")
def hub(database: str, logs: Path) -> Iterator[HubProcess]:
    """A hub of this module's own: these tests compare row counts, so nothing else may write meanwhile."""
    yield from serve(database, logs)


@pytest.fixture
async def scene(api: Api) -> tuple[Widget, Console]:
    """A Borrower with a conversation, and a logged-in collector (set up before any snapshot)."""
    widget = await api.widget()
    await widget.answers_after(await widget.send("你好"))
    return widget, await api.console("demo")


def payment(borrower_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "payment_id": f"pay-{uuid.uuid4().hex[:8]}",
        "borrower_id": borrower_id,
        "amount": "100.00",
        "paid_at": later(hours=-1).isoformat(),
    }
    body.update(overrides)
    return body


async def test_a_lone_surrogate_is_refused_in_a_message_a_login_and_a_note(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, demo = scene
    before = await api.db.counts()

    refused(await raw(api, "POST", "/api/widget/messages", b'{"text": ' + SURROGATE + b"}", widget.headers), 422)
    refused(await raw(api, "POST", "/api/console/login", b'{"username": ' + SURROGATE + b', "password": "kuanxian-demo"}'), 422)
    refused(await raw(api, "POST", "/api/console/login", b'{"username": "demo", "password": ' + SURROGATE + b"}"), 422)
    refused(
        await raw(api, "POST", f"/api/console/conversations/{widget.conversation_id}/notes", b'{"text": ' + SURROGATE + b"}", demo.headers),
        422,
    )
    refused(await raw(api, "POST", "/api/console/reports", b'{"text": ' + SURROGATE + b"}", demo.headers), 422)
    async with widget.stream(after=2) as ws:
        assert json.loads(await ws.recv())["type"] == "status"
        await ws.send('{"type": "message", "text": ' + SURROGATE.decode() + ', "client_id": "s-1"}')
        frame = json.loads(await ws.recv())
        assert frame["type"] == "error" and frame["client_id"] == "s-1"

    assert await api.db.counts() == before, "a refused request wrote something (a message, a note, a login failure)"


async def test_nul_characters_are_refused_and_never_reach_the_database(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, demo = scene
    cid = widget.conversation_id
    before = await api.db.counts()

    refused(await widget.post("还款\x00计划"), 422)
    refused(await widget.post("你好", client_id="id\x00"), 422)
    refused(await demo.note(cid, "备注\x00"), 422)
    refused(await demo.post("/reports", {"text": "这条不该拦\x00"}), 422)
    refused(await demo.post("/reports", {"text": "这条不该拦", "conversation_id": "\x00"}), 422)
    refused(await api.login("de\x00mo"), 422)
    refused(await api.http.post("/api/demo/borrower-token", json={"borrower_id": "demo-001\x00"}), 422)
    refused(await api.put_borrower(f"nul-{uuid.uuid4().hex[:6]}", account(display_name="王\x00女士")), 422)
    refused(await api.http.put("/api/admin/borrowers/a%00b", json=account(), headers=ADMIN), 422)
    refused(await api.admin_post("/payments", payment(widget.borrower_id, payment_id="p\x00")), 422)
    refused(await api.admin_get("/reminders", params={"borrower_id": "demo-001\x00"}), 422)
    refused(await api.http.post("/api/widget/messages", json={"text": "hi", "\x00": 1}, headers=widget.headers), 422)

    assert await api.db.counts() == before


async def test_text_of_only_invisible_characters_counts_as_empty(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, demo = scene
    before = await api.db.counts()
    for blank in (ZERO_WIDTH, " \u3000\t\n ", ""):
        refused(await widget.post(blank), 422)
        refused(await demo.note(widget.conversation_id, blank), 422)
    assert (await widget.post(ZERO_WIDTH, client_id="zw")).json()["field"] == "text"
    assert await api.db.counts() == before


async def test_huge_integers_and_deeply_nested_json_are_refused(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, _ = scene
    before = await api.db.counts()

    refused(await raw(api, "POST", "/api/widget/read", b'{"seq": ' + HUGE + b"}", widget.headers), 400)
    refused(
        await raw(
            api,
            "POST",
            "/api/admin/payments",
            b'{"payment_id": "p-1", "borrower_id": "demo-001", "amount": ' + HUGE + b', "paid_at": "2026-01-01T00:00:00Z"}',
            ADMIN,
        ),
        400,
    )
    body = json.dumps(account()).replace('"days_overdue": 15', '"days_overdue": ' + HUGE.decode()).encode()
    refused(await raw(api, "PUT", "/api/admin/borrowers/huge-1", body, ADMIN), 400)
    refused(await raw(api, "POST", "/api/widget/messages", b'{"text": ' + DEEP + b"}", widget.headers), 400)
    refused(await raw(api, "PUT", "/api/admin/borrowers/deep-1", b'{"policy": ' + DEEP + b"}", ADMIN), 400)
    refused(await raw(api, "POST", "/api/console/login", DEEP), 400)

    assert await api.db.counts() == before


async def test_sequence_numbers_beyond_64_bits_are_refused(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, _ = scene
    for after in ("9223372036854775808", "-1", "1e3", "abc"):
        response = await api.http.get("/api/widget/messages", params={"after": after}, headers=widget.headers)
        refused(response, 422)
        assert response.json()["field"] == "after"
    before = await api.db.counts()
    for seq in (2**63, -1, 1.5, "many"):
        refused(await api.http.post("/api/widget/read", json={"seq": seq}, headers=widget.headers), 422)
    assert await api.db.counts() == before
    assert (await widget.new_session())["last_read_seq"] == 0


async def test_amounts_that_are_not_sane_decimal_strings_are_refused(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, _ = scene
    before = await api.db.counts()
    for amount in ("1e30", "100000000000000000", "NaN", "Infinity", "-1.00", "0.00", "0", "1.001", " ", 100, 1e3, None):
        response = await api.admin_post("/payments", payment(widget.borrower_id, amount=amount))
        refused(response, 422)
        assert response.json()["field"] == "amount", amount
        if amount not in ("0.00", "0"):  # a zero principal is a fine account
            refused(await api.put_borrower(widget.borrower_id, account(principal=amount)), 422)
    assert await api.db.counts() == before
    assert (await api.account_of(widget.borrower_id))["balance"] == "12000.00"


async def test_a_time_zone_must_be_a_real_iana_zone(api: Api) -> None:
    for zone in ("Asia", "Etc", "asia/shanghai", "Asia/Nowhere", "../../../../etc/passwd", "Asia/", "UTC\x00", ""):
        bid = f"tz-{uuid.uuid4().hex[:8]}"
        response = await api.put_borrower(bid, account(timezone=zone))
        refused(response, 422)
        assert response.json()["field"] == "timezone", zone
        assert (await api.admin_get(f"/borrowers/{bid}")).status_code == 404
    assert (await api.put_borrower(f"tz-{uuid.uuid4().hex[:8]}", account(timezone="America/New_York"))).status_code == 201


async def test_dates_outside_the_sane_range_are_refused(api: Api, scene: tuple[Widget, Console]) -> None:
    widget, demo = scene
    before = await api.db.counts()
    for when in (FAR, "0001-01-01T00:00:00+14:00", "2026-13-45T00:00:00Z", "2026-06-01T10:00:00"):
        refused(await api.admin_post("/payments", payment(widget.borrower_id, paid_at=when)), 422)
        refused(await api.put_borrower(widget.borrower_id, account(breathing_space_until=when)), 422)
        refused(await api.admin_post("/reminders", {"borrower_id": widget.borrower_id, "kind": "follow_up", "send_at": when}), 422)
        refused(await api.admin_get("/plans", params={"since": when}), 422)
    refused(await api.admin_get("/metrics/outcomes", params={"from": "9999-12-31", "to": "9999-12-31"}), 422)
    refused(
        await demo.post(
            f"/conversations/{widget.conversation_id}/plan-preview",
            {"terms": {"amount": "1000.00", "count": 12, "first_date": "9999-12-31"}},
        ),
        422,
    )
    assert await api.db.counts() == before
    assert (await api.account_of(widget.borrower_id))["flags"]["breathing_space_until"] is None


async def test_a_very_long_or_escaping_static_file_name_is_not_found(api: Api) -> None:
    assert (await api.http.get("/static/js/protocol.js")).status_code == 200
    for path in (
        "/static/" + "a" * 5000,
        "/static/" + "../" * 8 + "pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fsettings.py",
        "/static/a%00.js",
    ):
        response = await api.http.get(path)
        assert response.status_code in (400, 404), f"{path[:60]}: {response.status_code}"
        assert "build-system" not in response.text


async def test_a_percent_encoded_chinese_borrower_id_is_stored_decoded(api: Api) -> None:
    bid = f"借款人-{uuid.uuid4().hex[:6]}"
    encoded = quote(bid, safe="")
    assert encoded.startswith("%E5%80%9F")

    created = await api.http.put(f"/api/admin/borrowers/{encoded}", json=account(display_name="赵先生"), headers=ADMIN)
    assert created.status_code == 201, created.text
    assert created.json() == {"borrower_id": bid, "balance": "12000.00", "created": True}

    found = await api.http.get(f"/api/admin/borrowers/{encoded}", headers=ADMIN)
    assert found.status_code == 200 and found.json()["borrower_id"] == bid and found.json()["display_name"] == "赵先生"
    assert await api.db.scalar("SELECT COUNT(*) FROM borrowers WHERE id = :bid", bid=bid) == 1

    updated = await api.http.put(f"/api/admin/borrowers/{encoded}", json=account(display_name="赵先生", days_overdue=16), headers=ADMIN)
    assert (updated.status_code, updated.json()["created"]) == (200, False)
    assert (await api.admin_get("/reminders", params={"borrower_id": bid})).status_code == 200

    session = await api.session(bid)
    widget = Widget(api, bid, session["conversation_id"], session["session_token"], session)
    assert (await widget.answers_after(await widget.send("你好")))[0]["text"] == "收到：你好"


async def test_a_borrower_upsert_that_fails_validation_changes_nothing(api: Api) -> None:
    bid = await api.borrower(display_name="钱女士", breathing_space_until=None)
    original = await api.account_of(bid)
    before = await api.db.counts()

    for broken in (
        account(display_name="改名了", principal="1e30"),
        account(display_name="改名了", timezone="Asia"),
        account(display_name="改名了", policy=policy(max_term_months=0)),
        account(display_name="改名了", policy=policy(allowed_frequencies=["daily"])),
        account(display_name="改名了", days_overdue=-1),
        account(display_name="改名了", breathing_space_until=FAR),
        {**account(display_name="改名了"), "surprise": True},
        {k: v for k, v in account(display_name="改名了").items() if k != "policy"},
    ):
        refused(await api.put_borrower(bid, broken), 422)

    assert await api.account_of(bid) == original
    assert await api.db.counts() == before
    missing = f"never-{uuid.uuid4().hex[:6]}"
    refused(await api.put_borrower(missing, account(principal="-5.00")), 422)
    assert (await api.admin_get(f"/borrowers/{missing}")).status_code == 404
