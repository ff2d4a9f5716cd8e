"""Helpers shared by the blueprints: the hub, who is calling, and ids from the URL."""

from __future__ import annotations

import re
from urllib.parse import unquote

from sanic import Request

from kuanxian.domain.collector import Collector, Permission
from kuanxian.hub.auth import WidgetSession, bearer, same_secret, verify_console_token, verify_session_token
from kuanxian.hub.errors import forbidden, invalid, unauthorized
from kuanxian.hub.services import Hub
from kuanxian.storage import collectors as collector_store

# Borrower ids: letters, digits, Chinese characters and _ . : - ; 1 to 64 characters, starting with a letter,
# digit or Chinese character. Percent-encoded ids in URLs are decoded first (docs/lender-integration.md).
BORROWER_ID = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.:\-\u4e00-\u9fff]{0,63}$")
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.ctx.hub
    return hub


def borrower_id_param(raw: str) -> str:
    value = unquote(raw)
    if not BORROWER_ID.match(value):
        raise invalid("borrower_id", "must be 1 to 64 letters, digits, Chinese characters or _ . : - (URL-encoded in paths)")
    return value


def conversation_id_param(raw: str) -> str:
    if not CONVERSATION_ID.match(raw):
        from kuanxian.hub.errors import not_found

        raise not_found("conversation")
    return raw


def widget_session(request: Request) -> WidgetSession:
    return verify_session_token(bearer(request.headers.get("authorization")), hub_of(request).settings.secret)


async def console_user(request: Request, permission: Permission = Permission.CHAT) -> Collector:
    hub = hub_of(request)
    collector_id = verify_console_token(bearer(request.headers.get("authorization")), hub.settings.secret)
    async with hub.transactions.read() as conn:
        creds = await collector_store.credentials_by_id(conn, collector_id)
    if creds is None or (creds.demo and not hub.settings.demo):
        raise unauthorized("this account cannot use the console")
    if not creds.collector.role.may(permission):
        raise forbidden()
    return creds.collector


def require_admin(request: Request) -> None:
    token = bearer(request.headers.get("authorization"))
    if not same_secret(token, hub_of(request).settings.admin_token):
        raise unauthorized("bad admin token")
