"""Borrower widget: sessions, messages, read marks and the live stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from kuanxian.hub.api.common import body_of, hub_of, widget_session
from kuanxian.hub.auth import WidgetSession, issue_session_token, verify_borrower_token, verify_session_token
from kuanxian.hub.errors import ApiError, invalid, not_found

bp = Blueprint("widget", url_prefix="/api/widget")


@bp.route("/<path:path>", methods=["OPTIONS"])
async def preflight(request: Request, path: str) -> HTTPResponse:
    """CORS preflight for lenders' pages; the headers are added on every widget response."""
    return response.empty(status=204)


@bp.post("/sessions")
async def create_session(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    body = body_of(request)
    borrower_id = verify_borrower_token(body.get("borrower_token"), hub.settings.borrower_token_secret)
    if await hub.accounts.get_borrower(borrower_id) is None:
        raise not_found("borrower")
    conversation = await hub.store.open_conversation(borrower_id)
    token = issue_session_token(WidgetSession(borrower_id, conversation.conversation_id), hub.settings.secret, hub.settings.session_ttl_seconds)
    unread = await hub.store.unread_count(conversation.conversation_id, conversation.last_read_seq)
    return response.json(
        {
            "conversation_id": conversation.conversation_id,
            "session_token": token,
            "status": conversation.status,
            "collector_name": conversation.collector_name,
            "last_read_seq": conversation.last_read_seq,
            "unread": unread,
        },
        status=201,
    )


@bp.post("/messages")
async def post_message(request: Request) -> HTTPResponse:
    session = widget_session(request)
    body = body_of(request)
    turn = await hub_of(request).borrower_message(session.conversation_id, session.borrower_id, body.get("text"), body.get("client_id"))
    return response.json({"seq": turn.message.seq}, status=202)


@bp.get("/messages")
async def list_messages(request: Request) -> HTTPResponse:
    session = widget_session(request)
    after = _after(request.args.get("after", "0"))
    messages = await hub_of(request).store.messages_after(session.conversation_id, after)
    return response.json({"messages": [m.to_json() for m in messages]})


@bp.post("/read")
async def mark_read(request: Request) -> HTTPResponse:
    session = widget_session(request)
    seq = body_of(request).get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise invalid("seq", "must be a non-negative integer")
    await hub_of(request).store.mark_read(session.conversation_id, seq)
    return response.empty(status=204)


@bp.websocket("/stream")
async def stream(request: Request, ws: Any) -> None:
    hub = hub_of(request)
    try:
        session = verify_session_token(request.args.get("token"), hub.settings.secret)
        after = _after(request.args.get("after", "0"))
    except ApiError as exc:
        await ws.send(json.dumps({"type": "error", **exc.body()}))
        await ws.close(code=4401 if exc.status == 401 else 4400, reason=exc.error)
        return
    cid = session.conversation_id
    async with hub.broker.subscribe(cid) as subscription:
        # Replay after subscribing, so nothing falls between replay and live frames.
        last = after
        for message in await hub.store.messages_after(cid, after):
            await ws.send(json.dumps({"type": "message", "message": message.to_json()}, ensure_ascii=False))
            last = message.seq
        conversation = await hub.store.get_conversation(cid)
        if conversation:
            await ws.send(json.dumps({"type": "status", "status": conversation.status, "collector_name": conversation.collector_name}, ensure_ascii=False))
        sender = asyncio.create_task(_pump(ws, subscription, last))
        try:
            async for raw in ws:
                await _client_frame(hub, ws, session, raw)
        finally:
            sender.cancel()


async def _pump(ws: Any, subscription: Any, last_seq: int) -> None:
    async for frame in subscription.frames():
        if frame.get("type") == "message":
            seq = frame["message"]["seq"]
            if seq <= last_seq:
                continue  # already replayed
            last_seq = seq
        await ws.send(json.dumps(frame, ensure_ascii=False))


async def _client_frame(hub: Any, ws: Any, session: WidgetSession, raw: Any) -> None:
    try:
        frame = json.loads(raw)
        if not isinstance(frame, dict) or frame.get("type") != "message":
            raise invalid("type", "only message frames are accepted")
        await hub.borrower_message(session.conversation_id, session.borrower_id, frame.get("text"), frame.get("client_id"))
    except json.JSONDecodeError:
        await ws.send(json.dumps({"type": "error", "error": "bad_request", "message": "malformed JSON"}))
    except ApiError as exc:
        await ws.send(json.dumps({"type": "error", **exc.body(), "client_id": _client_id(raw)}, ensure_ascii=False))


def _client_id(raw: Any) -> Any:
    try:
        return json.loads(raw).get("client_id")
    except (ValueError, AttributeError):
        return None


def _after(value: Any) -> int:
    try:
        after = int(value)
    except (TypeError, ValueError) as exc:
        raise invalid("after", "must be an integer") from exc
    if after < 0:
        raise invalid("after", "must not be negative")
    return after
