"""Property-based fuzzing of every operation in the hub's OpenAPI description (schemathesis).

For every operation the running hub describes at /api/openapi.json, schema-valid and
schema-violating requests (examples, coverage and fuzzing phases) with valid credentials:
- never a 5xx; status codes, content types, headers and bodies as documented (the standard checks);
- every error is the project's JSON error body {"error": <snake_case code>, "message": <text>, ...}
  (kuanxian/hub/errors.py, rendered by kuanxian/hub/app.py);
then the secured operations without a token, with a garbage token and with another scheme's token
(always 401), and the lead-only console operations as a plain collector (never allowed).
test_state.py (after every other module, by name) then checks the database and the hub.

Budget: KUANXIAN_FUZZ_EXAMPLES examples per operation and phase (15 in `make test`, 400 in `make fuzz`).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import schemathesis
from support.hubproc import HubProcess

from fuzz.kit import REQUEST_TIMEOUT, Ledger, World

ERROR_CODE = re.compile(r"^[a-z][a-z_]*$")
authenticated = schemathesis.pytest.from_fixture("hub_schema")
anonymous = schemathesis.pytest.from_fixture("anonymous_schema")
as_collector = schemathesis.pytest.from_fixture("collector_schema")


def _header(response: Any, name: str) -> str:
    for key, values in response.headers.items():
        if key.lower() == name:
            return values[0] if isinstance(values, list) else str(values)
    return ""


def error_shape(ctx: Any, response: Any, case: Any) -> None:
    """A 4xx/5xx is JSON {"error": code, "message": text, ...}; `field`, when present, is a string."""
    if response.status_code < 400:
        return None
    content_type = _header(response, "content-type")
    assert content_type.startswith("application/json"), f"{response.status_code} error is {content_type!r}, not JSON"
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"{response.status_code} error body is not JSON: {response.content[:200]!r}") from exc
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert isinstance(body.get("error"), str) and ERROR_CODE.match(body["error"]), f"bad `error` code: {body!r}"
    assert isinstance(body.get("message"), str) and body["message"], f"missing `message`: {body!r}"
    assert body.get("field") is None or isinstance(body["field"], str), f"`field` is not a string: {body!r}"
    if response.status_code == 429:
        assert _header(response, "retry-after").isdigit(), "429 without a Retry-After header"
    return None


def _is_secured(ctx: Any) -> bool:
    return bool(ctx.operation.definition.raw.get("security"))


# Lead-only console operations (kuanxian/domain/collector.py: DASHBOARD and REVIEW_REPORTS).
LEAD_ONLY = re.compile(r"^/api/console/(outcomes|reports$|reports/\{report_id\}/)")


def _lead_only(ctx: Any) -> bool:
    return (
        ctx.operation.method.upper() in ("GET", "POST")
        and bool(LEAD_ONLY.match(ctx.operation.path))
        and not (
            ctx.operation.method.upper() == "POST" and ctx.operation.path == "/api/console/reports"  # any collector may report
        )
    )


@authenticated.parametrize()
def test_every_operation_with_valid_credentials(case: Any, world: World, ledger: Ledger) -> None:
    response = case.call_and_validate(additional_checks=[error_shape], timeout=REQUEST_TIMEOUT)
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    ledger.record(
        case.method.upper(), case.operation.path, dict(case.path_parameters or {}), response.status_code, body, world.widget_conversation
    )


def _own_method(case: Any) -> bool:
    """The coverage phase also sends other methods (TRACE, DELETE...) to each path; the main test checks those (405 + Allow)."""
    return str(case.method).upper() == str(case.operation.method).upper()


def _route_matches(case: Any) -> bool:
    """Whether Sanic can route this path at all (else its 404 comes before any handler, and any auth check)."""
    for name, value in (case.path_parameters or {}).items():
        text = str(value)
        if not text or "/" in text or text in (".", ".."):
            return False
        if name == "report_id" and not re.fullmatch(r"\d+", text):
            return False
    return True


def _refusals(case: Any, world: World) -> list[tuple[str, dict[str, str]]]:
    """No token, a garbage token, and a real token of another scheme."""
    scheme = next(iter(case.operation.definition.raw["security"][0]))
    other = {"adminToken": world.widget_token, "consoleToken": world.admin_token, "widgetSession": world.lead_token}[scheme]
    return [
        ("no token", {}),
        ("a garbage token", {"authorization": "Bearer not-a-token"}),
        ("a malformed header", {"authorization": "Basic Zm9vOmJhcg=="}),
        (f"another scheme's token (for {scheme})", {"authorization": f"Bearer {other}"}),
    ]


@anonymous.include(_is_secured).parametrize()
def test_secured_operations_refuse_a_missing_or_bad_token(case: Any, world: World) -> None:
    if not _own_method(case):
        return
    for what, headers in _refusals(case, world):
        sent = dict(case.headers or {})
        sent.pop("authorization", None)
        sent.pop("Authorization", None)
        case.headers = {**sent, **headers}
        response = case.call(timeout=REQUEST_TIMEOUT)
        error_shape(None, response, case)
        expected = (401,) if _route_matches(case) else (401, 404)
        assert response.status_code in expected, (
            f"{case.operation.label} with {what}: {response.status_code} {response.text[:300]}\n{case.as_curl_command()}"
        )


@as_collector.include(_lead_only).parametrize()
def test_lead_only_console_operations_refuse_a_collector(case: Any, world: World) -> None:
    if not _own_method(case):
        return
    # Negative generation may have replaced the token: send the collector's own.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.headers["authorization"] = f"Bearer {world.collector_token}"
    response = case.call(timeout=REQUEST_TIMEOUT)
    error_shape(None, response, case)
    expected = (403,) if _route_matches(case) else (403, 404)
    assert response.status_code in expected, f"{case.operation.label} as a collector: {response.status_code} {response.text[:300]}"


def test_the_fuzzer_covered_every_operation(fuzz_hub: HubProcess, hub_schema: Any, ledger: Ledger) -> None:
    """Every operation the hub describes was fuzzed (a filter or a load error would silently skip some)."""
    described = httpx.get(f"{fuzz_hub.url}/api/openapi.json", timeout=REQUEST_TIMEOUT).json()["paths"]
    count = sum(1 for ops in described.values() for m in ops if m in ("get", "put", "post", "patch", "delete"))
    loaded = [r.ok() for r in hub_schema.get_all_operations()]
    assert len(loaded) == count, f"schemathesis loaded {len(loaded)} of {count} operations"
    if not ledger.statuses:
        pytest.skip("the fuzz test did not run in this session")
    missing = {f"{m.upper()} {p}" for p, ops in described.items() for m in ops} - {label for label, _ in ledger.statuses}
    assert not missing, f"never fuzzed: {sorted(missing)}\n{ledger.summary()}"
