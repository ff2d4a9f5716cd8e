"""Collector console: login, queue, transcript with context, replies and hand-back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from kuanxian.hub.api.common import body_of, console_collector, hub_of
from kuanxian.hub.auth import check_password, issue_console_token, verify_console_token
from kuanxian.hub.context import borrower_context
from kuanxian.hub.errors import ApiError, invalid, not_found, unauthorized
from kuanxian.safety import review_message

bp = Blueprint("console", url_prefix="/api/console")


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    body = body_of(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise invalid("username", "username and password are required")
    collector = await hub.store.collector_by_username(username)
    ok = collector is not None and await asyncio.to_thread(check_password, password, collector["password_hash"])
    if not ok:
        raise unauthorized("wrong username or password")
    assert collector is not None
    token = issue_console_token(collector["id"], hub.settings.secret, hub.settings.console_ttl_seconds)
    return response.json(
        {"token": token, "collector": {"id": collector["id"], "username": collector["username"], "display_name": collector["display_name"]}}
    )


@bp.get("/queue")
async def queue(request: Request) -> HTTPResponse:
    console_collector(request)
    items = await hub_of(request).store.queue()
    return response.json({"conversations": [c.to_json() for c in items]})


@bp.get("/conversations/<conversation_id:str>")
async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
    console_collector(request)
    hub = hub_of(request)
    found = await hub.store.get_conversation(conversation_id)
    if found is None:
        raise not_found("conversation")
    messages = await hub.store.messages_after(conversation_id, 0, include_internal=True, limit=5000)
    context = await borrower_context(hub, found.borrower_id)
    return response.json({"conversation": found.to_json(), "messages": [m.to_json(console=True) for m in messages], **context})


@bp.post("/conversations/<conversation_id:str>/claim")
async def claim(request: Request, conversation_id: str) -> HTTPResponse:
    collector_id = console_collector(request)
    found = await hub_of(request).claim(conversation_id, collector_id)
    return response.json({"conversation": found.to_json()})


@bp.post("/conversations/<conversation_id:str>/messages")
async def reply(request: Request, conversation_id: str) -> HTTPResponse:
    collector_id = console_collector(request)
    message = await hub_of(request).collector_reply(conversation_id, collector_id, body_of(request).get("text"))
    return response.json({"message": message.to_json(console=True)}, status=201)


@bp.post("/conversations/<conversation_id:str>/notes")
async def note(request: Request, conversation_id: str) -> HTTPResponse:
    collector_id = console_collector(request)
    message = await hub_of(request).note(conversation_id, collector_id, body_of(request).get("text"))
    return response.json({"message": message.to_json(console=True)}, status=201)


@bp.post("/conversations/<conversation_id:str>/handback")
async def handback(request: Request, conversation_id: str) -> HTTPResponse:
    collector_id = console_collector(request)
    body = body_of(request) if request.body else {}
    found = await hub_of(request).handback(conversation_id, collector_id, body.get("note", ""))
    return response.json({"conversation": found.to_json()})


@bp.post("/conversations/<conversation_id:str>/resolve")
async def resolve(request: Request, conversation_id: str) -> HTTPResponse:
    collector_id = console_collector(request)
    found = await hub_of(request).resolve(conversation_id, collector_id)
    return response.json({"conversation": found.to_json()})


@bp.post("/review")
async def review(request: Request) -> HTTPResponse:
    """The guard's verdict on a draft, without sending it."""
    console_collector(request)
    text = body_of(request).get("text")
    if not isinstance(text, str):
        raise invalid("text", "must be a string")
    verdict = review_message(text)
    return response.json({"allowed": verdict.allowed, "violations": [v.to_dict() for v in verdict.violations]})


@bp.websocket("/stream")
async def stream(request: Request, ws: Any) -> None:
    hub = hub_of(request)
    try:
        verify_console_token(request.args.get("token"), hub.settings.secret)
    except ApiError as exc:
        await ws.send(json.dumps({"type": "error", **exc.body()}))
        await ws.close(code=4401, reason=exc.error)
        return
    async with hub.broker.subscribe_console() as subscription:
        items = await hub.store.queue()
        await ws.send(json.dumps({"type": "queue", "conversations": [c.to_json() for c in items]}, ensure_ascii=False))
        sender = asyncio.create_task(_pump(ws, subscription))
        try:
            async for _ in ws:
                pass  # the console only listens
        finally:
            sender.cancel()


async def _pump(ws: Any, subscription: Any) -> None:
    async for frame in subscription.frames():
        await ws.send(json.dumps(frame, ensure_ascii=False))
