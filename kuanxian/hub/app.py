"""The hub's Sanic app factory: parts are wired in a listener, never at import."""

from __future__ import annotations

import itertools
import logging
from typing import Optional

from sanic import DefaultSanic, Request, Sanic, response
from sanic.constants import HTTP_METHODS
from sanic.exceptions import SanicException
from sanic.response import BaseHTTPResponse, HTTPResponse
from sanic_ext import Extend

from kuanxian.hub.brain import Brain
from kuanxian.hub.errors import ApiError
from kuanxian.settings import Settings

logger = logging.getLogger(__name__)
_names = itertools.count()

CSP_PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
    "img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


def create_app(settings: Optional[Settings] = None, *, brain: Optional[Brain] = None) -> DefaultSanic:
    """Build the hub; `settings` defaults to the environment, `brain` to the one Settings names."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Sanic(f"kuanxian_hub_{next(_names)}")
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024
    app.config.KEEP_ALIVE_TIMEOUT = 30
    # In-flight requests get the drain budget; Hub.stop then gives running turns as long again (kuanxian.shutdown).
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = settings.drain_seconds
    # CORS (sanic-ext): lenders embed the widget on their own origin; preflights are answered automatically.
    app.config.CORS_ORIGINS = ",".join(settings.widget_origins) if "*" not in settings.widget_origins else "*"
    app.config.CORS_ALLOW_HEADERS = ["authorization", "content-type"]
    app.config.CORS_METHODS = ["GET", "POST", "PUT", "OPTIONS"]
    app.config.CORS_MAX_AGE = 600
    app.config.OAS = False
    app.config.HEALTH = False
    Extend(app)
    app.ctx.settings = settings
    app.ctx.brain_override = brain

    from kuanxian.hub.api import admin, console, public, widget

    for bp in (public.bp, widget.bp, console.bp, admin.bp):
        app.blueprint(bp)
    app.register_listener(_start, "before_server_start")
    app.register_listener(_stop, "after_server_stop")
    app.error_handler.add(ApiError, _api_error)
    app.error_handler.add(SanicException, _sanic_error)
    app.error_handler.add(Exception, _unexpected)

    async def security_headers(request: Request, resp: BaseHTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        if resp.content_type and resp.content_type.startswith("text/html"):
            resp.headers["Content-Security-Policy"] = CSP_PAGES
            resp.headers["X-Frame-Options"] = "SAMEORIGIN"

    app.middleware(security_headers, "response")  # what @app.on_response does (its decorator is untyped)
    return app


async def _start(app: DefaultSanic) -> None:
    from kuanxian.hub.services import Hub

    app.ctx.hub = await Hub.start(app.ctx.settings, brain=app.ctx.brain_override)


async def _stop(app: DefaultSanic) -> None:
    hub = getattr(app.ctx, "hub", None)
    if hub is not None:
        await hub.stop()


async def _api_error(request: Request, exc: ApiError) -> HTTPResponse:
    headers = {}
    if exc.status == 429 and "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return response.json(exc.body(), status=exc.status, headers=headers)


async def _sanic_error(request: Request, exc: SanicException) -> HTTPResponse:
    status = getattr(exc, "status_code", 500) or 500
    names = {
        400: "bad_request",
        401: "unauthorized",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        414: "uri_too_long",
        431: "headers_too_large",
    }
    if status >= 500:
        logger.error("server error on %s %s: %s", request.method, request.path, exc)
        return response.json({"error": "internal", "message": "internal error; nothing was changed"}, status=status)
    # Sanic's own headers, such as a 405's Allow (RFC 9110 requires it), are kept.
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405 and not any(k.lower() == "allow" for k in headers):
        headers["Allow"] = _allowed_methods(request)  # Sanic names them for static routes only
    return response.json(
        {"error": names.get(status, "error"), "message": str(exc) or names.get(status, "error")},
        status=status,
        headers=headers,
    )


def _allowed_methods(request: Request) -> str:
    allowed = []
    for method in HTTP_METHODS:
        try:
            request.app.router.get(request.path, method, None)
        except SanicException:
            continue
        allowed.append(str(method))
    return ", ".join(allowed)


async def _unexpected(request: Request, exc: Exception) -> HTTPResponse:
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return response.json({"error": "internal", "message": "internal error; nothing was changed"}, status=500)
