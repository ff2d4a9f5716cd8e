"""Helpers shared by the blueprints."""

from __future__ import annotations

from typing import Any

from sanic import Request

from kuanxian.hub.auth import bearer, same_secret, verify_console_token, verify_session_token, WidgetSession
from kuanxian.hub.errors import unauthorized
from kuanxian.hub.service import Hub
from kuanxian.hub.validation import json_body


def hub_of(request: Request) -> Hub:
    return request.app.ctx.hub


def body_of(request: Request) -> dict[str, Any]:
    return json_body(request.body or b"")


def widget_session(request: Request) -> WidgetSession:
    return verify_session_token(bearer(request.headers.get("authorization")), hub_of(request).settings.secret)


def console_collector(request: Request) -> int:
    return verify_console_token(bearer(request.headers.get("authorization")), hub_of(request).settings.secret)


def require_admin(request: Request) -> None:
    token = bearer(request.headers.get("authorization"))
    if not same_secret(token, hub_of(request).settings.admin_token):
        raise unauthorized("bad admin token")
