"""Collector console: login (throttled), queue, transcript with context, replies, hand-back, reports."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import cast

from sanic import Blueprint, Request, Websocket, response
from sanic.response import HTTPResponse

from kuanxian.dates import Frequency
from kuanxian.domain.collector import Permission
from kuanxian.hub.api.common import console_user, conversation_id_param, hub_of
from kuanxian.hub.api.schemas import (
    ConversationEnvelope,
    Handback,
    Login,
    LoginOut,
    PlanPreview,
    PlanPreviewOut,
    PlanTermsIn,
    QueueOut,
    ReportIn,
    ReportLabel,
    ReportsOut,
    TextBody,
)
from kuanxian.hub.api.serialize import plan_json, report_json
from kuanxian.hub.api.spec import body_of, operation
from kuanxian.hub.auth import check_password_or_dummy, issue_console_token, verify_console_token
from kuanxian.hub.broker import Subscription
from kuanxian.hub.console import PlanException, PlanTerms
from kuanxian.hub.context import borrower_context
from kuanxian.hub.delivery import Blocked, review_draft
from kuanxian.hub.errors import ApiError, conflict, invalid, not_found, too_many, unauthorized
from kuanxian.hub.handoffs import HandoffConflict, HandoffMissing
from kuanxian.hub.protocol import FrameType, conversation_json, message_json
from kuanxian.hub.tx import record_blocked
from kuanxian.plans import PlanError
from kuanxian.safety.corpus import CATEGORIES
from kuanxian.storage import collectors as collector_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import messages as message_store
from kuanxian.storage import reports as report_store

bp = Blueprint("console", url_prefix="/api/console")


@bp.post("/login")
@operation(
    "Log in a collector, lead or trainer",
    body=Login,
    responses={200: LoginOut},
    description="Throttled per username and per address: after too many wrong passwords, 429 with Retry-After.",
)
async def login(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    body = body_of(request, Login)
    settings = hub.settings
    window = timedelta(seconds=settings.login_window_seconds)
    keys = [f"user:{body.username.lower()}", f"addr:{request.remote_addr or request.ip}"]
    async with hub.transactions.read() as conn:
        now = hub.clock.now()
        for key in keys:
            count, oldest = await collector_store.failures_since(conn, key, now - window)
            if count >= settings.login_attempts:
                retry = (oldest + window - now).total_seconds() if oldest else window.total_seconds()
                raise too_many(retry, "too many failed logins; please wait before trying again")
        creds = await collector_store.credentials(conn, body.username)
    stored = creds.password_hash if creds is not None else None
    ok = await asyncio.to_thread(check_password_or_dummy, body.password, stored)
    if creds is not None and creds.demo and not settings.demo:
        ok = False
    if not ok or creds is None:
        async with hub.transactions() as tx:
            await collector_store.record_failure(tx.conn, keys, tx.now)
        raise unauthorized("wrong username or password")
    async with hub.transactions() as tx:
        await collector_store.clear_failures(tx.conn, keys[0])
    collector = creds.collector
    token = issue_console_token(collector.collector_id, settings.secret, settings.console_ttl_seconds)
    return response.json(
        {
            "token": token,
            "collector": {
                "id": collector.collector_id,
                "username": collector.username,
                "display_name": collector.display_name,
                "role": collector.role.value,
            },
        }
    )


@bp.get("/queue")
@operation("Conversations waiting for or held by a person", responses={200: QueueOut}, auth="console")
async def queue(request: Request) -> HTTPResponse:
    await console_user(request)
    hub = hub_of(request)
    async with hub.transactions.read() as conn:
        items = await conversation_store.queue(conn)
    return response.json({"conversations": [conversation_json(c) for c in items]})


@bp.get("/conversations/<conversation_id:str>")
@operation("A conversation with its transcript (notes included) and the Borrower's context", auth="console")
async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
    await console_user(request)
    hub = hub_of(request)
    cid = conversation_id_param(conversation_id)
    async with hub.transactions.read() as conn:
        found = await conversation_store.get_conversation(conn, cid)
        if found is None:
            raise not_found("conversation")
        messages = await message_store.after(conn, cid, 0, include_internal=True, limit=5000)
        context = await borrower_context(conn, found, hub.clock.now())
    return response.json(
        {"conversation": conversation_json(found), "messages": [message_json(m, console=True) for m in messages], **context}
    )


def _mapped(exc: Exception) -> ApiError:
    if isinstance(exc, HandoffMissing):
        return not_found("conversation")
    return conflict(str(exc))


@bp.post("/conversations/<conversation_id:str>/claim")
@operation("Take a waiting conversation", responses={200: ConversationEnvelope}, auth="console")
async def claim(request: Request, conversation_id: str) -> HTTPResponse:
    collector = await console_user(request)
    try:
        found = await hub_of(request).console.claim(conversation_id_param(conversation_id), collector)
    except (HandoffConflict, HandoffMissing) as exc:
        raise _mapped(exc) from exc
    return response.json({"conversation": conversation_json(found)})


@bp.post("/conversations/<conversation_id:str>/messages")
@operation(
    "Reply to the Borrower (the guard checks it first)",
    body=TextBody,
    responses={201: None},
    auth="console",
    description="422 blocked_by_policy with the violations, the model's reasons, fair alternatives and the nearest corpus lines.",
)
async def reply(request: Request, conversation_id: str) -> HTTPResponse:
    collector = await console_user(request)
    hub = hub_of(request)
    body = body_of(request, TextBody)
    cid = conversation_id_param(conversation_id)
    from kuanxian.hub.inputs import clean_text

    text = clean_text(body.text, hub.settings.max_message_chars)
    try:
        message = await hub.console.reply(cid, collector, text)
    except Blocked as blocked:
        async with hub.transactions() as tx:
            from kuanxian.domain.events import GuardBlocked

            first = blocked.review.violations[0]
            await record_blocked(tx.conn, [GuardBlocked(cid, "collector", first.category, first.rule_id)], tx.now)
        explanation = await asyncio.to_thread(review_draft, blocked.text)
        raise ApiError(
            422,
            "blocked_by_policy",
            "the guard blocked this reply; nothing was sent",
            violations=[v.to_dict() for v in blocked.review.violations],
            explanation=explanation,
        ) from None
    except (HandoffConflict, HandoffMissing) as exc:
        raise _mapped(exc) from exc
    return response.json({"message": message_json(message, console=True)}, status=201)


@bp.post("/conversations/<conversation_id:str>/notes")
@operation("An internal note (never shown to the Borrower)", body=TextBody, responses={201: None}, auth="console")
async def note(request: Request, conversation_id: str) -> HTTPResponse:
    collector = await console_user(request)
    hub = hub_of(request)
    body = body_of(request, TextBody)
    from kuanxian.hub.inputs import clean_text

    text = clean_text(body.text, hub.settings.max_message_chars)
    try:
        message = await hub.console.note(conversation_id_param(conversation_id), collector, text)
    except (HandoffConflict, HandoffMissing) as exc:
        raise _mapped(exc) from exc
    return response.json({"message": message_json(message, console=True)}, status=201)


def _terms(plan: PlanTermsIn) -> PlanTerms:
    return PlanTerms(plan.amount, plan.count, Frequency(plan.frequency), plan.first_date, plan.holiday_days, plan.interest_frozen)


@bp.post("/conversations/<conversation_id:str>/handback")
@operation(
    "Hand the conversation back to the assistant, with the plan agreed (if any)",
    body=Handback,
    responses={200: ConversationEnvelope},
    auth="console",
    description="The plan is checked against the policy; a plan outside it needs a lead (422 plan_exception otherwise).",
)
async def handback(request: Request, conversation_id: str) -> HTTPResponse:
    collector = await console_user(request)
    hub = hub_of(request)
    body = body_of(request, Handback) if request.body and request.body.strip() else Handback()
    try:
        found = await hub.console.hand_back(
            conversation_id_param(conversation_id), collector, body.note, _terms(body.plan) if body.plan else None
        )
    except PlanException as exc:
        raise ApiError(
            422, "plan_exception", "this plan is outside the lender's policy: a lead must approve it", exceptions=list(exc.exceptions)
        ) from None
    except PlanError as exc:
        raise invalid("plan", exc.message_zh) from None
    except ValueError as exc:
        raise invalid("plan", str(exc)) from None
    except (HandoffConflict, HandoffMissing) as exc:
        raise _mapped(exc) from exc
    return response.json({"conversation": conversation_json(found)})


@bp.post("/conversations/<conversation_id:str>/resolve")
@operation("Close the conversation", responses={200: ConversationEnvelope}, auth="console")
async def resolve(request: Request, conversation_id: str) -> HTTPResponse:
    collector = await console_user(request)
    try:
        found = await hub_of(request).console.resolve(conversation_id_param(conversation_id), collector)
    except (HandoffConflict, HandoffMissing) as exc:
        raise _mapped(exc) from exc
    return response.json({"conversation": conversation_json(found)})


@bp.post("/conversations/<conversation_id:str>/plan-preview")
@operation(
    "The plan calculator: a plan as the collector would agree it, checked against the policy",
    body=PlanPreview,
    responses={200: PlanPreviewOut},
    auth="console",
)
async def plan_preview(request: Request, conversation_id: str) -> HTTPResponse:
    await console_user(request)
    hub = hub_of(request)
    body = body_of(request, PlanPreview)
    async with hub.transactions.read() as conn:
        found = await conversation_store.get_conversation(conn, conversation_id_param(conversation_id))
    if found is None:
        raise not_found("conversation")
    try:
        check = await hub.console.preview(found.borrower_id, _terms(body.terms))
    except PlanError as exc:
        raise invalid("terms", exc.message_zh) from None
    except ValueError as exc:
        raise invalid("terms", str(exc)) from None
    return response.json(
        {
            "plan": plan_json(check.plan, found.borrower_id),
            "exceptions": list(check.exceptions),
            "within_policy": not check.exceptions,
            "nearest_within_policy": plan_json(check.decision.plan, found.borrower_id),
        }
    )


@bp.post("/review")
@operation("The guard's verdict on a draft, with reasons and the nearest corpus lines", body=TextBody, auth="console")
async def review(request: Request) -> HTTPResponse:
    await console_user(request)
    body = body_of(request, TextBody)
    _draft_limit(request, body.text)
    return response.json(await asyncio.to_thread(review_draft, body.text))


def _draft_limit(request: Request, text: str) -> None:
    """A draft (or a reported block) is a reply: no longer than one may send (413), and the guard's cost stays bounded."""
    limit = hub_of(request).settings.max_message_chars
    if len(text.strip()) > limit:
        raise invalid("text", f"must be at most {limit} characters", status=413)


@bp.post("/reports")
@operation(
    "这条不该拦: report a block as wrong (a trainer labels it; nothing is sent)", body=ReportIn, responses={201: None}, auth="console"
)
async def report(request: Request) -> HTTPResponse:
    collector = await console_user(request)
    hub = hub_of(request)
    body = body_of(request, ReportIn)
    _draft_limit(request, body.text)
    verdict = await asyncio.to_thread(review_draft, body.text)
    violations = cast("list[dict[str, object]]", verdict.get("violations", []))  # Violation.to_dict() of each
    report_id = await hub.console.report_block(collector, body.text, body.conversation_id, list(violations))
    return response.json({"id": report_id, "status": "open"}, status=201)


@bp.get("/reports")
@operation("Reported blocks for trainers to review", responses={200: ReportsOut}, auth="console")
async def reports(request: Request) -> HTTPResponse:
    await console_user(request, Permission.REVIEW_REPORTS)
    hub = hub_of(request)
    status = request.args.get("status", "open")
    if status not in ("open", "labelled", "dismissed"):
        raise invalid("status", "must be open, labelled or dismissed")
    async with hub.transactions.read() as conn:
        rows = await report_store.listing(conn, status)
    return response.json({"reports": [report_json(r) for r in rows]})


@bp.get("/reports/corpus.tsv")
@operation("Labelled reports as a guard corpus batch (TSV with a provenance header), for kuanxian/safety/corpus/guard/", auth="console")
async def reports_corpus(request: Request) -> HTTPResponse:
    trainer = await console_user(request, Permission.REVIEW_REPORTS)
    hub = hub_of(request)
    async with hub.transactions.read() as conn:
        rows = await report_store.listing(conn, "labelled", limit=10_000)
    header = [
        "batch: reports (rename the file r<NN>.tsv when adding it to kuanxian/safety/corpus/guard/)",
        "kind: guard",
        f"exported: {hub.clock.now().date().isoformat()} by {trainer.username}",
        "writer: collectors' replies the guard blocked and a collector reported (这条不该拦);",
        "        labelled by a trainer, not by the collector. Run `make safety-train` after adding it.",
    ]
    lines = [f"{r.label}\t{r.category}\tstandard\t{' '.join(r.text.split())}" for r in rows if r.label and r.category]
    body = "".join(f"# {h}\n" for h in header) + "".join(line + "\n" for line in lines)
    return response.text(
        body, content_type="text/tab-separated-values; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="reports.tsv"'}
    )


@bp.post("/reports/<report_id:int>/label")
@operation("A trainer labels a reported block for the corpus", body=ReportLabel, auth="console")
async def label(request: Request, report_id: int) -> HTTPResponse:
    trainer = await console_user(request, Permission.REVIEW_REPORTS)
    hub = hub_of(request)
    body = body_of(request, ReportLabel)
    if body.category not in CATEGORIES["guard"][body.label]:
        raise invalid("category", f"for {body.label} one of {', '.join(CATEGORIES['guard'][body.label])}")
    if not 0 < report_id < 2**31:
        raise not_found("report")
    async with hub.transactions() as tx:
        if not await report_store.label(tx.conn, report_id, body.label, body.category, trainer.collector_id, tx.now):
            raise not_found("open report")
    return response.json({"id": report_id, "status": "labelled", "label": body.label, "category": body.category})


@bp.post("/reports/<report_id:int>/dismiss")
@operation("A trainer dismisses a report", auth="console")
async def dismiss(request: Request, report_id: int) -> HTTPResponse:
    trainer = await console_user(request, Permission.REVIEW_REPORTS)
    hub = hub_of(request)
    if not 0 < report_id < 2**31:
        raise not_found("report")
    async with hub.transactions() as tx:
        if not await report_store.dismiss(tx.conn, report_id, trainer.collector_id, tx.now):
            raise not_found("open report")
    return response.json({"id": report_id, "status": "dismissed"})


async def stream(request: Request, ws: Websocket) -> None:
    hub = hub_of(request)
    try:
        verify_console_token(request.args.get("token"), hub.settings.secret)
    except ApiError as exc:
        await ws.send(json.dumps({"type": FrameType.ERROR.value, **exc.body()}))
        await ws.close(code=4401, reason=exc.error)
        return
    async with hub.broker.console() as subscription:
        async with hub.transactions.read() as conn:
            items = await conversation_store.queue(conn)
        await ws.send(
            json.dumps({"type": FrameType.QUEUE.value, "conversations": [conversation_json(c) for c in items]}, ensure_ascii=False)
        )
        sender = asyncio.create_task(_pump(ws, subscription))
        try:
            async for _ in ws:
                pass  # the console only listens
        finally:
            sender.cancel()


bp.add_websocket_route(stream, "/stream")  # what @bp.websocket("/stream") does (its decorator is untyped)


async def _pump(ws: Websocket, subscription: Subscription) -> None:
    async for frame in subscription.frames():
        await ws.send(json.dumps(frame, ensure_ascii=False))


@bp.get("/outcomes")
@operation("数据看板: outcomes for a period (leads); the same query as GET /api/admin/metrics/outcomes", auth="console")
async def console_outcomes(request: Request) -> HTTPResponse:
    await console_user(request, Permission.DASHBOARD)
    hub = hub_of(request)
    from kuanxian.hub.api.schemas import OutcomesQuery
    from kuanxian.hub.api.spec import query_of
    from kuanxian.hub.outcomes import outcomes, to_csv

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
