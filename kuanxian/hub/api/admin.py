"""Lender integration (admin bearer token): accounts, reminders, payments, plans, outcomes, webhooks, metrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse
from sqlalchemy.exc import IntegrityError

from kuanxian.dates import Frequency
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.plan import PlanStatus
from kuanxian.domain.policy import Policy
from kuanxian.hub.aftercare import AftercareJob
from kuanxian.hub.api.common import borrower_id_param, hub_of, require_admin
from kuanxian.hub.api.schemas import (
    AftercareRan,
    AftercareRun,
    BorrowerUpsert,
    BorrowerUpserted,
    FlagClear,
    FlagCleared,
    OutboxPage,
    OutboxQuery,
    OutcomesQuery,
    PaymentCreate,
    PaymentOut,
    PlansOut,
    PlansQuery,
    ReminderCreate,
    ReminderScheduled,
    RemindersQuery,
    ReplayOut,
)
from kuanxian.hub.api.serialize import plan_json
from kuanxian.hub.api.spec import body_of, dump, operation, query_of
from kuanxian.hub.commands import clear_flag
from kuanxian.hub.context import account_json, changes_json, reminders_json
from kuanxian.hub.errors import ApiError, conflict, invalid, not_found
from kuanxian.hub.outcomes import outcomes, to_csv
from kuanxian.hub.payments import PaymentConflict, Recorded, UnknownBorrower, record_payment
from kuanxian.money import from_fen, to_fen
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import hardships as hardship_store
from kuanxian.storage import outbox as outbox_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.schema import conversations, promises

bp = Blueprint("admin", url_prefix="/api/admin")
PAID_AT_FUTURE_LIMIT = timedelta(days=1)


@bp.put("/borrowers/<borrower_id:str>")
@operation(
    "Create or update an account and its policy",
    body=BorrowerUpsert,
    responses={200: BorrowerUpserted, 201: BorrowerUpserted},
    auth="admin",
    description="borrower_id: 1-64 letters, digits, Chinese characters or _ . : - (percent-encode it in the URL).",
)
async def upsert_borrower(request: Request, borrower_id: str) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    bid = borrower_id_param(borrower_id)
    body = body_of(request, BorrowerUpsert)
    try:
        policy = Policy(
            min_installment=body.policy.min_installment,
            max_term_months=body.policy.max_term_months,
            allowed_frequencies=frozenset(Frequency(f) for f in body.policy.allowed_frequencies),
            payment_holiday_days=body.policy.payment_holiday_days,
            interest_freeze_on_hardship=body.policy.interest_freeze_on_hardship,
        )
    except (TypeError, ValueError) as exc:
        raise invalid("policy", str(exc)) from None
    borrower = Borrower(
        bid,
        body.display_name.strip(),
        body.timezone,
        body.currency.upper(),
        body.principal,
        body.interest_and_fees,
        body.days_overdue,
        body.due_day,
        policy,
    )
    async with hub.transactions() as tx:  # one transaction: all of it, or nothing
        existed = await borrower_store.get_borrower(tx.conn, bid) is not None
        await borrower_store.upsert_borrower(tx.conn, borrower, tx.now)
        if "breathing_space_until" in body.model_fields_set:
            await borrower_store.update_flags(tx.conn, bid, tx.now, breathing_space_until=body.breathing_space_until)
    out = BorrowerUpserted(borrower_id=bid, balance=str(borrower.balance), created=not existed)
    return response.json(dump(out), status=200 if existed else 201)


@bp.get("/borrowers/<borrower_id:str>")
@operation(
    "The account: balance, conversations, plans with installments, promises, disputes, contact flags, reminder decisions, changes",
    auth="admin",
)
async def get_borrower(request: Request, borrower_id: str) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    bid = borrower_id_param(borrower_id)
    from sqlalchemy import select

    async with hub.transactions.read() as conn:
        borrower = await borrower_store.get_borrower(conn, bid)
        if borrower is None:
            raise not_found("borrower")
        convs = (
            await conn.execute(
                select(conversations.c.id, conversations.c.status, conversations.c.created_at)
                .where(conversations.c.borrower_id == bid)
                .order_by(conversations.c.created_at)
            )
        ).all()
        plans = await plan_store.list_plans(conn, bid)
        promise_rows = (await conn.execute(select(promises).where(promises.c.borrower_id == bid).order_by(promises.c.id))).mappings().all()
        hardships = await hardship_store.list_hardships(conn, bid)
        reminders = await reminders_json(conn, borrower, bid)
        notes = await borrower_store.account_notes(conn, bid)
        changes = await changes_json(conn, bid)
    account = account_json(borrower)
    account["flags"]["hardship_pause_reason"] = notes.get("hardship_pause_reason")
    opened_at = notes.get("dispute_opened_at")
    return response.json(
        {
            **account,
            "conversations": [{"conversation_id": c[0], "status": c[1], "created_at": c[2].isoformat()} for c in convs],
            "plans": [plan_json(p) for p in plans],
            "promises": [
                {
                    "id": p["id"],
                    "promised_for": p["promised_for"].isoformat(),
                    "status": p["status"],
                    "amount": str(from_fen(p["amount_fen"])) if p["amount_fen"] is not None else None,
                }
                for p in promise_rows
            ],
            "disputes": {
                "open": borrower.flags.dispute_open,
                "summary": notes.get("dispute_summary"),
                "opened_at": opened_at.isoformat() if opened_at is not None else None,
            },
            "hardship": [{"category": h.category.value, "recorded_at": h.recorded_at.isoformat()} for h in hardships],
            "reminders": reminders,
            "changes": changes,
        }
    )


@bp.post("/borrowers/<borrower_id:str>/dispute/clear")
@operation(
    "Close the Borrower's dispute (proactive contact may resume); recorded in the account's changes",
    body=FlagClear,
    responses={200: FlagCleared},
    auth="admin",
    description="Idempotent: clearing a dispute that is not open answers 200 with changed=false and writes nothing.",
)
async def clear_dispute(request: Request, borrower_id: str) -> HTTPResponse:
    return await _clear(request, borrower_id, "dispute_open")


@bp.post("/borrowers/<borrower_id:str>/wrong-contact/clear")
@operation(
    "Undo a wrong-contact mark (the contact is the Borrower's again); recorded in the account's changes",
    body=FlagClear,
    responses={200: FlagCleared},
    auth="admin",
    description="Idempotent: clearing a mark that is not set answers 200 with changed=false and writes nothing.",
)
async def clear_wrong_contact(request: Request, borrower_id: str) -> HTTPResponse:
    return await _clear(request, borrower_id, "wrong_contact")


async def _clear(request: Request, borrower_id: str, flag: Literal["dispute_open", "wrong_contact"]) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    bid = borrower_id_param(borrower_id)
    body = body_of(request, FlagClear)
    async with hub.transactions() as tx:
        borrower = await borrower_store.get_borrower(tx.conn, bid, for_update=True)
        if borrower is None:
            raise not_found("borrower")
        changed = await clear_flag(tx, borrower, flag, body.note.strip())
    out = FlagCleared(borrower_id=bid, flag=flag, value=False, changed=changed)
    return response.json(dump(out))


@bp.post("/reminders")
@operation(
    "Schedule a Reminder (the contact rules decide when, or whether)", body=ReminderCreate, responses={201: ReminderScheduled}, auth="admin"
)
async def schedule_reminder(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    body = body_of(request, ReminderCreate)
    bid = borrower_id_param(body.borrower_id)
    async with hub.transactions() as tx:
        if body.send_at < tx.now - timedelta(hours=1):
            raise invalid("send_at", "is in the past")
        if await borrower_store.get_borrower(tx.conn, bid) is None:
            raise not_found("borrower")
        scheduled = await hub.reminders.schedule_in(
            tx,
            bid,
            body.kind,
            body.send_at,
            source="lender",
            amount_fen=to_fen(body.amount) if body.amount is not None else None,
            due_date=body.due_date,
        )
    return response.json(
        {
            "id": scheduled.reminder_id,
            "status": scheduled.status.value,
            "scheduled_for": scheduled.scheduled_for.isoformat() if scheduled.scheduled_for else None,
            "reason": scheduled.reason,
        },
        status=201,
    )


@bp.get("/reminders")
@operation("A Borrower's Reminders with every decision", query=RemindersQuery, auth="admin")
async def list_reminders(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    bid = borrower_id_param(query_of(request, RemindersQuery).borrower_id)
    async with hub.transactions.read() as conn:
        borrower = await borrower_store.get_borrower(conn, bid)
        if borrower is None:
            raise not_found("borrower")
        return response.json({"reminders": await reminders_json(conn, borrower, bid)})


@bp.post("/payments")
@operation(
    "Record a payment (idempotent on payment_id); allocated to the active plan, oldest installment first",
    body=PaymentCreate,
    responses={200: PaymentOut, 201: PaymentOut},
    auth="admin",
)
async def post_payment(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    body = body_of(request, PaymentCreate)
    bid = borrower_id_param(body.borrower_id)
    if body.paid_at > hub.clock.now() + PAID_AT_FUTURE_LIMIT:
        raise invalid("paid_at", "is more than a day in the future")

    async def record() -> Recorded:
        async with hub.transactions() as tx:
            return await record_payment(
                tx, hub.reminders, body.payment_id, bid, body.amount, body.paid_at, grace_days=hub.settings.installment_grace_days
            )

    try:
        try:
            recorded = await record()
        except IntegrityError:  # the same payment_id delivered twice at once: the other request stored it, this is the retry
            recorded = await record()
    except PaymentConflict:
        raise conflict("payment_id was already used with a different amount or borrower") from None
    except UnknownBorrower:
        raise not_found("borrower") from None
    p = recorded.payment
    out = PaymentOut(
        payment_id=p.payment_id,
        borrower_id=p.borrower_id,
        amount=str(p.amount),
        plan_id=p.plan_id,
        allocations=[{"seq": a.seq, "amount": str(a.amount)} for a in p.allocations],
        to_balance=str(p.to_balance),
        duplicate=recorded.duplicate,
    )
    return response.json(dump(out), status=200 if recorded.duplicate else 201)


@bp.post("/aftercare/run")
@operation(
    "Run the after-plan check now: Installments and Promises past their grace are missed, broken plans go to a person",
    body=AftercareRun,
    responses={200: AftercareRan},
    auth="admin",
)
async def run_aftercare(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    body = body_of(request, AftercareRun)  # {} runs it as of now
    if body.as_of is not None and hub.settings.production:
        raise invalid("as_of", "is for rehearsals and tests; in production the check runs as of now")
    as_of = body.as_of or hub.clock.now()
    changed = await AftercareJob(hub).run_once(as_of)
    return response.json(dump(AftercareRan(changed=changed, as_of=as_of.isoformat())))


@bp.get("/plans")
@operation("Page through plans for reconciliation", query=PlansQuery, responses={200: PlansOut}, auth="admin")
async def list_plans(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    q = query_of(request, PlansQuery)
    async with hub.transactions.read() as conn:
        plans = await plan_store.page_plans(
            conn, status=PlanStatus(q.status) if q.status else None, since=q.since, after_id=q.after, limit=q.limit
        )
    next_after = plans[-1].plan_id if len(plans) == q.limit else None
    return response.json({"plans": [plan_json(p) for p in plans], "next_after": next_after})


@bp.get("/metrics/outcomes")
@operation("Outcomes for a period (the dashboard's numbers); format=csv for a spreadsheet", query=OutcomesQuery, auth="admin")
async def get_outcomes(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    q = query_of(request, OutcomesQuery)
    try:
        async with hub.transactions.read() as conn:
            report = await outcomes(conn, q.from_, q.to, hub.settings.staffed_hours.zone)
    except ValueError as exc:
        raise invalid("to", str(exc)) from None
    if q.format == "csv":
        return response.text(
            to_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="outcomes-{q.from_}-{q.to}.csv"'},
        )
    return response.json(report)


@bp.get("/webhooks/events")
@operation(
    "Webhook events by status (dead letters by default), a page at a time",
    query=OutboxQuery,
    responses={200: OutboxPage},
    auth="admin",
    description="Ordered by event id. limit 1-1000 (default 100); page with after=<next_after> until next_after is null.",
)
async def webhook_events(request: Request) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    q = query_of(request, OutboxQuery)
    async with hub.transactions.read() as conn:
        events = await outbox_store.listing(conn, q.status, q.limit, after=q.after)
    next_after = events[-1].event_id if len(events) == q.limit else None
    return response.json(
        {
            "events": [{**e.body(), "status": e.status, "attempts": e.attempts, "last_error": e.last_error} for e in events],
            "next_after": next_after,
        }
    )


@bp.post("/webhooks/events/<event_id:str>/replay")
@operation("Send a dead-lettered webhook event again", auth="admin", responses={200: ReplayOut})
async def replay(request: Request, event_id: str) -> HTTPResponse:
    require_admin(request)
    hub = hub_of(request)
    if len(event_id) > 64 or not event_id.startswith("evt_"):
        raise ApiError(404, "not_found", f"no webhook event {event_id[:64]!r}: event ids look like evt_<32 hex digits>")
    async with hub.transactions() as tx:
        found = await outbox_store.get(tx.conn, event_id)
        if found is None:
            raise ApiError(404, "not_found", f"no webhook event {event_id!r}")
        if not await outbox_store.replay(tx.conn, event_id, tx.now):
            raise ApiError(409, "conflict", f"only a dead-lettered event can be replayed; {event_id} is {found.status}")
    if hub.webhooks is not None:
        hub.webhooks.wake.set()
    return response.json({"id": event_id, "status": "pending"})
