"""Borrower widget: sessions, messages, read marks and the live stream (CORS: the lender's origin)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sanic import Blueprint, Request, Websocket, response
from sanic.response import HTTPResponse

from kuanxian.hub.api.common import hub_of, widget_session
from kuanxian.hub.api.schemas import Accepted, MessageCreate, MessagesOut, MessagesQuery, ReadMark, SessionCreate, SessionOut
from kuanxian.hub.api.spec import body_of, dump, operation, parse_json, query_of, validation_error
from kuanxian.hub.auth import WidgetSession, issue_session_token, verify_borrower_token, verify_session_token
from kuanxian.hub.broker import Subscription
from kuanxian.hub.errors import ApiError, invalid, not_found, unauthorized
from kuanxian.hub.protocol import ClientFrameType, FrameType, message_json
from kuanxian.hub.services import Hub
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import messages as message_store

bp = Blueprint("widget", url_prefix="/api/widget")
RESYNC_SECONDS = 15.0


async def _live_session(hub: Hub, session: WidgetSession) -> None:
    """A signed session for a Conversation that no longer exists is refused like a bad token."""
    async with hub.transactions.read() as conn:
        found = await conversation_store.get_conversation(conn, session.conversation_id)
    if found is None or found.borrower_id != session.borrower_id:
        raise unauthorized("this session has ended; start a new one")


@bp.post("/sessions")
@operation("Start (or resume) the Borrower's conversation", body=SessionCreate, responses={201: SessionOut})
async def create_session(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    body = body_of(request, SessionCreate)
    borrower_id = verify_borrower_token(body.borrower_token, hub.settings.borrower_token_secret)
    async with hub.transactions() as tx:
        if await borrower_store.get_borrower(tx.conn, borrower_id) is None:
            raise not_found("borrower")
        conversation = await conversation_store.find_open(tx.conn, borrower_id) or await conversation_store.create(
            tx.conn, borrower_id, tx.now
        )
        unread = await conversation_store.unread_count(tx.conn, conversation.conversation_id, conversation.last_read_seq)
    token = issue_session_token(
        WidgetSession(borrower_id, conversation.conversation_id), hub.settings.secret, hub.settings.session_ttl_seconds
    )
    out = SessionOut(
        conversation_id=conversation.conversation_id,
        session_token=token,
        status=conversation.status.value,
        collector_name=conversation.collector_name,
        last_read_seq=conversation.last_read_seq,
        unread=unread,
    )
    return response.json(dump(out), status=201)


@bp.post("/messages")
@operation("Send a message", body=MessageCreate, responses={202: Accepted}, auth="widget")
async def post_message(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    session = widget_session(request)
    body = body_of(request, MessageCreate)
    await _live_session(hub, session)
    accepted = await hub.turns.accept(session.conversation_id, body.text, body.client_id)
    return response.json(dump(Accepted(seq=accepted.message.seq)), status=202)


@bp.get("/messages")
@operation("Messages after a seq (replay)", query=MessagesQuery, responses={200: MessagesOut}, auth="widget")
async def list_messages(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    session = widget_session(request)
    query = query_of(request, MessagesQuery)
    await _live_session(hub, session)
    async with hub.transactions.read() as conn:
        messages = await message_store.after(conn, session.conversation_id, query.after)
    return response.json({"messages": [message_json(m) for m in messages]})


@bp.post("/read")
@operation("Mark messages read up to a seq", body=ReadMark, responses={204: None}, auth="widget")
async def mark_read(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    session = widget_session(request)
    body = body_of(request, ReadMark)
    await _live_session(hub, session)
    async with hub.transactions() as tx:
        await conversation_store.mark_read(tx.conn, session.conversation_id, body.seq)
    return response.empty(status=204)


def _error_frame(exc: ApiError, client_id: Any = None) -> str:
    frame = {"type": FrameType.ERROR.value, **exc.body()}
    if isinstance(client_id, str):
        frame["client_id"] = client_id
    return json.dumps(frame, ensure_ascii=False)


async def stream(request: Request, ws: Websocket) -> None:
    """Replay after `after`, then live frames; the client may also send message frames."""
    hub = hub_of(request)
    try:
        session = verify_session_token(request.args.get("token"), hub.settings.secret)
        await _live_session(hub, session)
        after = query_of(request, _StreamQuery).after
    except ApiError as exc:
        await ws.send(_error_frame(exc))
        await ws.close(code=4401 if exc.status == 401 else 4400, reason=exc.error)
        return
    cid = session.conversation_id
    async with hub.broker.conversation(cid) as subscription:
        state = {"last": after}
        await _replay(hub, ws, cid, state)
        async with hub.transactions.read() as conn:
            conversation = await conversation_store.get_conversation(conn, cid)
        if conversation is not None:
            await ws.send(
                json.dumps(
                    {"type": FrameType.STATUS.value, "status": conversation.status.value, "collector_name": conversation.collector_name},
                    ensure_ascii=False,
                )
            )
        sender = asyncio.create_task(_pump(hub, ws, cid, subscription, state))
        try:
            async for raw in ws:
                await _client_frame(hub, ws, session, raw)
        finally:
            sender.cancel()


bp.add_websocket_route(stream, "/stream")  # what @bp.websocket("/stream") does (its decorator is untyped)


class _StreamQuery(MessagesQuery):
    token: str = ""


async def _replay(hub: Hub, ws: Websocket, cid: str, state: dict[str, int]) -> None:
    async with hub.transactions.read() as conn:
        missed = await message_store.after(conn, cid, state["last"])
    for message in missed:
        await ws.send(json.dumps({"type": FrameType.MESSAGE.value, "message": message_json(message)}, ensure_ascii=False))
        state["last"] = message.seq


async def _pump(hub: Hub, ws: Websocket, cid: str, subscription: Subscription, state: dict[str, int]) -> None:
    """Live frames; a gap in seq (a lost publication) or a quiet spell triggers a replay from the database."""
    frames = subscription.frames()
    while True:
        try:
            frame = await asyncio.wait_for(frames.__anext__(), timeout=RESYNC_SECONDS)
        except TimeoutError:
            await _replay(hub, ws, cid, state)
            continue
        if frame.get("type") == FrameType.MESSAGE.value:
            seq = int(frame["message"]["seq"])
            if seq <= state["last"]:
                continue
            if seq > state["last"] + 1:
                await _replay(hub, ws, cid, state)
                continue
            state["last"] = seq
        await ws.send(json.dumps(frame, ensure_ascii=False))


async def _client_frame(hub: Hub, ws: Websocket, session: WidgetSession, raw: Any) -> None:
    client_id: Any = None
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        frame = parse_json(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else b"")
        client_id = frame.get("client_id")
        kind = frame.get("type")
        if kind == ClientFrameType.PING.value:
            await ws.send(json.dumps({"type": "pong"}))
            return
        if kind != ClientFrameType.MESSAGE.value:
            raise invalid("type", "only message and ping frames are accepted")
        try:
            body = MessageCreate.model_validate({k: v for k, v in frame.items() if k != "type"})
        except Exception as exc:  # pydantic ValidationError
            from pydantic import ValidationError

            if isinstance(exc, ValidationError):
                raise validation_error(exc) from exc
            raise
        await _live_session(hub, session)
        await hub.turns.accept(session.conversation_id, body.text, body.client_id)
    except ApiError as exc:
        await ws.send(_error_frame(exc, client_id))
    except UnicodeError:
        await ws.send(_error_frame(ApiError(400, "bad_request", "frames must be UTF-8 JSON"), client_id))
