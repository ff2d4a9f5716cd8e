"""Lender integration: account upserts and Reminders (admin bearer token)."""

from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from kuanxian.hub.api.common import body_of, hub_of, require_admin
from kuanxian.hub.errors import invalid, not_found
from kuanxian.hub.validation import borrower_from_body, optional_datetime

bp = Blueprint("admin", url_prefix="/api/admin")


@bp.put("/borrowers/<borrower_id:str>")
async def upsert_borrower(request: Request, borrower_id: str) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    body = body_of(request)
    borrower = borrower_from_body(borrower_id, body)
    breathing = optional_datetime(body, "breathing_space_until") if "breathing_space_until" in body else None
    existed = await hub.accounts.get_borrower(borrower_id) is not None
    await hub.accounts.upsert_borrower(borrower)
    if "breathing_space_until" in body:
        await hub.accounts.update_flags(borrower_id, breathing_space_until=breathing)
    return response.json({"borrower_id": borrower_id, "balance": str(borrower.balance), "created": not existed}, status=200 if existed else 201)


@bp.post("/reminders")
async def schedule_reminder(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    result = await hub.reminders.schedule_from_body(body_of(request))
    return response.json(result, status=201)


@bp.get("/reminders")
async def list_reminders(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    borrower_id = request.args.get("borrower_id")
    if not borrower_id:
        raise invalid("borrower_id", "query parameter is required")
    if await hub.accounts.get_borrower(borrower_id) is None:
        raise not_found("borrower")
    return response.json({"reminders": await hub.reminders.list_for(borrower_id)})
