"""The lender's account upsert: exact decimal strings in, what the assistant and console see out."""

from __future__ import annotations

from typing import Any

import pytest

from .kit import ADMIN_TOKEN, HubApi, account_body, unique

pytestmark = pytest.mark.rasa
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def test_upsert_creates_then_updates_and_the_console_sees_exact_amounts(api: HubApi) -> None:
    borrower_id = unique("admin")
    created = await api.http.put(f"/api/admin/borrowers/{borrower_id}", json=account_body("孙女士"), headers=ADMIN)
    assert created.status_code == 201, created.text
    assert created.json() == {"borrower_id": borrower_id, "balance": "12000.00", "created": True}

    body = account_body("孙女士", principal="9999.99", interest_and_fees="0.02", days_overdue=3)
    updated = await api.http.put(f"/api/admin/borrowers/{borrower_id}", json=body, headers=ADMIN)
    assert (updated.status_code, updated.json()["balance"], updated.json()["created"]) == (200, "10000.01", False)

    session = await api.open_session(borrower_id)
    account = (await (await api.login()).detail(session.conversation_id))["borrower"]
    assert (account["display_name"], account["principal"], account["interest_and_fees"], account["balance"]) == (
        "孙女士", "9999.99", "0.02", "10000.01")
    assert account["days_overdue"] == 3 and account["policy"]["min_installment"] == "300.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"principal": 11200.5}, "principal"),  # a float, not a decimal string
        ({"principal": "11200.001"}, "principal"),
        ({"interest_and_fees": "-1.00"}, "interest_and_fees"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"due_day": 32}, "due_day"),
        ({"display_name": "  "}, "display_name"),
        ({"currency": "RMB1"}, "currency"),
        ({"policy": {"min_installment": "0.00", "max_term_months": 24}}, "policy.min_installment"),
        ({"policy": {"min_installment": "300.00", "max_term_months": 0}}, "policy.max_term_months"),
    ],
)
async def test_invalid_fields_get_a_422_naming_the_field_and_nothing_is_stored(api: HubApi, change: dict[str, Any], field: str) -> None:
    borrower_id = unique("bad-acct")
    response = await api.http.put(f"/api/admin/borrowers/{borrower_id}", json=account_body(**change), headers=ADMIN)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert (await api.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id})).status_code == 404


async def test_upsert_needs_the_admin_token(api: HubApi) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {(await api.login()).token}"}):
        response = await api.http.put(f"/api/admin/borrowers/{unique('x')}", json=account_body(), headers=headers)
        assert response.status_code == 401, response.text
    malformed = await api.http.put(f"/api/admin/borrowers/{unique('x')}", content=b"{", headers={**ADMIN, "Content-Type": "application/json"})
    assert malformed.status_code == 400
