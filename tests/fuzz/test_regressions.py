"""The failures the API fuzzer found, each kept as the plain request that showed it (fixed in the product).

- a 405 on a route with a path parameter had no Allow header (kuanxian/hub/app.py, _sanic_error);
- JSON bodies took `false` for a number, "15" for an integer and 1 for a flag (kuanxian/hub/api/schemas.py);
- a blank query value (?since=) was dropped, so the plans listing answered unfiltered (kuanxian/hub/api/spec.py, query_of);
- /api/console/review and /api/console/reports ran the guard on up to 20,000 characters: a digit run that
  long kept a worker busy for 20+ s (quadratic regexes in the safety rulebook); a draft or report is now
  held to the reply limit, 413 like a reply (kuanxian/hub/api/console.py, _draft_limit).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from hub.client import ADMIN, account, policy
from support.hubproc import HubProcess

from fuzz.kit import REQUEST_TIMEOUT, World

LONG_DIGITS = "0" * 20000  # what the coverage phase sends for a text of maxLength 20000


@pytest.fixture
def http(fuzz_hub: HubProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fuzz_hub.url, timeout=REQUEST_TIMEOUT) as client:
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _refused(response: httpx.Response, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == field, body


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/console/conversations/0000/claim", {"POST"}),
        ("/api/admin/borrowers/b-1", {"GET", "PUT"}),
        ("/api/console/queue", {"GET"}),
    ],
)
def test_a_405_names_the_allowed_methods(http: httpx.Client, path: str, allowed: set[str]) -> None:
    response = http.request("TRACE", path)
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed", response.text
    assert allowed <= {m.strip() for m in response.headers.get("allow", "").split(",")}, response.headers


def test_a_json_number_must_be_a_number_and_a_flag_true_or_false(http: httpx.Client, world: World) -> None:
    _refused(http.post("/api/widget/read", json={"seq": False}, headers=_bearer(world.widget_token)), 422, "seq")
    _refused(http.put("/api/admin/borrowers/fz-strict", json=account(due_day="15"), headers=ADMIN), 422, "due_day")
    _refused(
        http.put("/api/admin/borrowers/fz-strict", json=account(policy=policy(interest_freeze_on_hardship=1)), headers=ADMIN),
        422,
        "policy.interest_freeze_on_hardship",
    )
    terms = {"amount": "1000.00", "count": 12, "first_date": "2030-01-15", "interest_frozen": "yes"}
    _refused(
        http.post(
            f"/api/console/conversations/{world.conversation_ids[2]}/plan-preview", json={"terms": terms}, headers=_bearer(world.lead_token)
        ),
        422,
        "terms.interest_frozen",
    )
    assert http.post("/api/widget/read", json={"seq": 0}, headers=_bearer(world.widget_token)).status_code == 204


def test_a_blank_query_value_is_refused_not_ignored(http: httpx.Client) -> None:
    _refused(http.get("/api/admin/plans?since=", headers=ADMIN), 422, "since")
    assert http.get("/api/admin/plans", headers=ADMIN).status_code == 200


@pytest.mark.parametrize("path", ["/api/console/review", "/api/console/reports"])
def test_the_guard_never_reviews_more_than_a_reply_can_hold(http: httpx.Client, world: World, path: str) -> None:
    started = time.monotonic()
    response = http.post(path, json={"text": LONG_DIGITS}, headers=_bearer(world.lead_token))
    assert response.status_code == 413 and response.json()["error"] == "invalid", response.text
    assert time.monotonic() - started < 5.0, "the guard ran on the whole text before refusing it"
