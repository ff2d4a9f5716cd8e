"""A real hub for the API fuzz suite, the accounts it fuzzes with, and what the hub acknowledged.

- `fuzz_hub`: one hub for the session (scripted brain, a temp SQLite file, demo mode), started
  through support.hubproc exactly as the hub API suite starts one.
- `world`: before any fuzzing, logged-in console users (lead, demo) and Borrowers in every
  conversation state (with the assistant and an agreed plan, waiting for a person, held by the
  lead), and an open report, so generated requests can also land on ids that exist.
- `hub_schema`: the OpenAPI description the running hub serves, with the project's fuzz
  configuration: KUANXIAN_FUZZ_EXAMPLES examples per operation (default 15; `make fuzz` sets 400),
  a fixed seed and derandomized generation so `make test` always sends the same requests, and
  valid credentials for every security scheme (admin token, lead's console token, widget session).
- `ledger`: every write the hub acknowledged (2xx) during fuzzing; test_state.py checks each one is
  still in the database afterwards.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest
import schemathesis
from hub.client import ADMIN, ADMIN_TOKEN, PASSWORD, account
from hypothesis import strategies as st
from support.hubproc import HubProcess, hub_database, reap_lingering, serve

from fuzz.kit import EXAMPLES, MAX_PATH_PARAM, REQUEST_TIMEOUT, Ledger, World, fuzz_config
from kuanxian.hub.api.schemas import BORROWER_ID_PATTERN


@pytest.fixture(scope="session", autouse=True)
def _reap() -> Iterator[None]:
    yield
    reap_lingering()


@pytest.fixture(scope="session")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    with hub_database("sqlite", tmp_path_factory.mktemp("fuzz-db")) as url:
        yield from serve(url, tmp_path_factory.mktemp("fuzz-logs"), name="fuzz-hub")


def _ok(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200,)), f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


def _until(predicate: Any, what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.15)
    raise AssertionError(f"timed out waiting for {what}")


def _session(http: httpx.Client, borrower_id: str) -> dict[str, Any]:
    _ok(http.put(f"/api/admin/borrowers/{borrower_id}", json=account(), headers=ADMIN), 200, 201)
    token = _ok(http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id}))["token"]
    return _ok(http.post("/api/widget/sessions", json={"borrower_token": token}), 201)


def _agree_plan(http: httpx.Client, session: dict[str, Any], borrower_id: str) -> None:
    """The scripted negotiation ("分12期", then "确认"): an active plan for payments to be allocated to."""
    widget = {"authorization": f"Bearer {session['session_token']}"}
    _ok(http.post("/api/widget/messages", json={"text": "分12期"}, headers=widget), 202)
    _until(
        lambda: any(
            "确认" in m["text"] for m in _ok(http.get("/api/widget/messages", headers=widget))["messages"] if m["sender_type"] == "bot"
        ),
        "the scripted offer",
    )
    _ok(http.post("/api/widget/messages", json={"text": "确认"}, headers=widget), 202)
    _until(
        lambda: any(p["status"] == "active" for p in _ok(http.get(f"/api/admin/borrowers/{borrower_id}", headers=ADMIN))["plans"]),
        f"an active plan for {borrower_id}",
    )


def _ask_for_person(http: httpx.Client, session: dict[str, Any], lead: dict[str, str]) -> str:
    cid = session["conversation_id"]
    _ok(
        http.post("/api/widget/messages", json={"text": "我要转人工"}, headers={"authorization": f"Bearer {session['session_token']}"}), 202
    )

    def queued() -> bool:
        queue = _ok(http.get("/api/console/queue", headers=lead))["conversations"]
        return any(c["conversation_id"] == cid for c in queue)

    _until(queued, f"conversation {cid} in the console queue")
    return cid


@pytest.fixture(scope="session")
def world(fuzz_hub: HubProcess) -> World:
    with httpx.Client(base_url=fuzz_hub.url, timeout=REQUEST_TIMEOUT) as http:
        tokens = {}
        for username in ("lead", "demo"):
            tokens[username] = _ok(http.post("/api/console/login", json={"username": username, "password": PASSWORD}))["token"]
        lead = {"authorization": f"Bearer {tokens['lead']}"}

        fuzzed = _session(http, "fz-widget")  # the fuzzer's own widget session
        waiting = _session(http, "fz-waiting")  # stays waiting for a person (claim, resolve)
        held = _session(http, "fz-held")  # the lead holds it (reply, note, hand back, plan preview)
        _agree_plan(http, fuzzed, "fz-widget")
        _ask_for_person(http, waiting, lead)
        held_cid = _ask_for_person(http, held, lead)
        _ok(http.post(f"/api/console/conversations/{held_cid}/claim", headers=lead))
        _ok(http.post(f"/api/console/conversations/{held_cid}/notes", json={"text": "fuzz: set-up note"}, headers=lead), 201)
        report = _ok(http.post("/api/console/reports", json={"text": "请按时还款", "conversation_id": held_cid}, headers=lead), 201)

        borrower_token = _ok(http.post("/api/demo/borrower-token", json={"borrower_id": "fz-widget"}))["token"]
        borrowers = ["fz-widget", "fz-waiting", "fz-held"]
        demo_borrowers = [b["borrower_id"] for b in _ok(http.get("/api/demo/info"))["borrowers"]]
        return World(
            admin_token=ADMIN_TOKEN,
            lead_token=tokens["lead"],
            collector_token=tokens["demo"],
            widget_token=fuzzed["session_token"],
            borrower_token=borrower_token,
            widget_conversation=fuzzed["conversation_id"],
            borrower_ids=borrowers + demo_borrowers[:2],
            conversation_ids=[fuzzed["conversation_id"], waiting["conversation_id"], held_cid],
            report_ids=[int(report["id"])],
        )


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    return Ledger()


# Texts that move a conversation somewhere (scripted brain: hand-off, offer, agreement, dispute, opt-out,
# a failing and a silent brain) and replies a collector would write (one the guard blocks).
PHRASES = [
    "你好",
    "我要转人工",
    "分12期",
    "确认",
    "不是我的",
    "不要再发",
    "恢复提醒",
    "!fail",
    "!silent",
    "您好，我们可以一起看看还款计划。",
    "今天不还就起诉你，后果自负",
]


BORROWER_ID = re.compile(BORROWER_ID_PATTERN)


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and BORROWER_ID.match(value) is not None


def _string(low: int, high: int) -> Any:
    return lambda value: isinstance(value, str) and low <= len(value) <= high


def _parses(parse: Any) -> Any:
    def valid(value: Any) -> bool:
        try:
            parse(value)
        except (TypeError, ValueError):
            return False
        return True

    return valid


def _amount(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{1,10}(\.\d{1,2})?", value) is not None


def _iso(days: float) -> st.SearchStrategy[str]:
    """A time `days` from when the example is drawn (send_at must not be past, paid_at not a day ahead)."""
    return st.builds(lambda: (datetime.now(tz=UTC) + timedelta(days=days)).isoformat())


def reuse_known_values(schema: Any, world: World) -> None:
    """Besides generated values, ones that exist or mean something, so requests get past the lookups and the
    checks the schema cannot express: path ids (a conversation the lead holds, an open report, a Borrower), and in
    half the bodies every field below that is present swapped at once (a known Borrower, a real zone, a plausible
    amount, a time the rules accept, a text the scripted brain acts on). Only a value that satisfies the schema is
    swapped, for one that does too, so a schema-violating case stays one."""
    known: dict[str, list[str]] = {
        "conversation_id": world.conversation_ids,
        "borrower_id": world.borrower_ids,
        "report_id": [str(i) for i in world.report_ids],
    }
    is_date = _parses(lambda v: len(v) == 10 and date.fromisoformat(v))
    is_time = _parses(lambda v: "T" in v and datetime.fromisoformat(v).tzinfo is not None)
    in_body: dict[str, tuple[Any, st.SearchStrategy[Any]]] = {
        "borrower_id": (_string(1, 64), st.sampled_from(world.borrower_ids)),
        "borrower_token": (_string(1, 4096), st.just(world.borrower_token)),
        "conversation_id": (_string(0, 64), st.sampled_from(world.conversation_ids)),
        "timezone": (_string(3, 64), st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"])),
        "text": (_string(1, 20000), st.sampled_from(PHRASES)),
        "display_name": (_string(1, 100), st.sampled_from(["测试借款人", "Li Lei"])),
        "payment_id": (_string(1, 128), st.integers(1, 10**9).map(lambda n: f"pay-fuzz-{n}")),
        "amount": (_amount, st.sampled_from(["100.00", "300", "1000.5"])),
        "min_installment": (_amount, st.just("300.00")),
        "send_at": (is_time, _iso(1)),
        "paid_at": (is_time, _iso(-0.1)),
        "breathing_space_until": (is_time, _iso(30)),
        "first_date": (is_date, st.builds(lambda: (date.today() + timedelta(days=10)).isoformat())),
        "due_date": (is_date, st.builds(lambda: (date.today() + timedelta(days=10)).isoformat())),
    }

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
        if not path_parameters or not all(isinstance(v, str) and len(v) <= MAX_PATH_PARAM for v in path_parameters.values()):
            return st.just(path_parameters)
        choices = [path_parameters]
        for name, values in known.items():
            if name in path_parameters:
                choices.extend({**path_parameters, name: value} for value in values)
        return st.sampled_from(choices)

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
        fields = in_body
        if context.operation.path == "/api/demo/borrower-token":  # the one body whose borrower_id has a pattern
            fields = {**in_body, "borrower_id": (_valid_id, in_body["borrower_id"][1])}
        swaps = _swaps(body, fields)
        if swaps is None:
            return st.just(body)
        return st.one_of(st.just(body), swaps)


def _swaps(body: Any, in_body: dict[str, tuple[Any, st.SearchStrategy[Any]]]) -> Optional[st.SearchStrategy[Any]]:
    """`body` with every swappable field (nested objects too) swapped; None if there is none."""
    if not isinstance(body, dict):
        return None
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, value in body.items():
        if name in in_body and in_body[name][0](value):
            fields[name] = in_body[name][1]
        elif isinstance(value, dict) and (nested := _swaps(value, in_body)) is not None:
            fields[name] = nested
    if not fields:
        return None
    return st.fixed_dictionaries(fields).map(lambda swapped: {**body, **swapped})


@pytest.fixture(scope="session")
def hub_schema(fuzz_hub: HubProcess, world: World) -> Any:
    """The running hub's /api/openapi.json, fuzzed with valid credentials for every scheme."""
    auth = {"adminToken": world.admin_token, "consoleToken": world.lead_token, "widgetSession": world.widget_token}
    schema = schemathesis.openapi.from_url(f"{fuzz_hub.url}/api/openapi.json", config=fuzz_config(auth))
    reuse_known_values(schema, world)
    return schema


@pytest.fixture(scope="session")
def anonymous_schema(fuzz_hub: HubProcess, world: World) -> Any:
    """The same description without credentials (the test decides what, if anything, to send)."""
    schema = schemathesis.openapi.from_url(f"{fuzz_hub.url}/api/openapi.json", config=fuzz_config({}, examples=max(3, EXAMPLES // 3)))
    reuse_known_values(schema, world)
    return schema


@pytest.fixture(scope="session")
def collector_schema(fuzz_hub: HubProcess, world: World) -> Any:
    """The console as a plain collector (role `collector`): lead-only operations must refuse it."""
    schema = schemathesis.openapi.from_url(
        f"{fuzz_hub.url}/api/openapi.json",
        config=fuzz_config({"consoleToken": world.collector_token}, examples=max(3, EXAMPLES // 3)),
    )
    reuse_known_values(schema, world)
    return schema


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """A failing fuzz test shows the end of the hub's log (the traceback of a 500 is there)."""
    report = yield
    if report.failed and call.when == "call":
        hub = getattr(item, "funcargs", {}).get("fuzz_hub")
        if isinstance(hub, HubProcess):
            report.sections.append(("hub log (tail)", hub.log_tail(80)))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """schemathesis 4.32's from_fixture (pytest/lazy.py) reads and renames `item._nodeid`, which pytest 9.2 no
    longer has (node ids are structured now): give the fuzz tests the attribute so the lazy loader runs.
    Its renaming is then cosmetic; each operation is still reported as its own subtest."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents and not hasattr(item, "_nodeid"):
            item._nodeid = item.nodeid  # type: ignore[attr-defined]
