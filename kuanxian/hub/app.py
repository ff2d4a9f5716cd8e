"""The hub's Sanic app factory: resources are attached in listeners, not at import."""

from __future__ import annotations

import itertools
import logging
from typing import Any, Optional

from sanic import Request, Sanic, response
from sanic.exceptions import SanicException

from kuanxian.hub.errors import ApiError
from kuanxian.hub.settings import Settings

logger = logging.getLogger(__name__)
_names = itertools.count()

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors *"


def create_app(settings: Optional[Settings] = None) -> Sanic:
    """Build the hub; `settings` defaults to the environment."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Sanic(f"kuanxian_hub_{next(_names)}")
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.config.WEBSOCKET_MAX_SIZE = 64 * 1024
    app.config.KEEP_ALIVE_TIMEOUT = 30
    app.ctx.settings = settings

    from kuanxian.hub.api import admin, console, public, widget

    for bp in (public.bp, widget.bp, console.bp, admin.bp):
        app.blueprint(bp)

    app.register_listener(_start, "before_server_start")
    app.register_listener(_stop, "after_server_stop")
    app.error_handler.add(ApiError, _api_error)
    app.error_handler.add(SanicException, _sanic_error)
    app.error_handler.add(Exception, _unexpected)

    @app.on_response
    async def security_headers(request: Request, resp: Any) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith("/api/widget/"):
            _cors(settings, request, resp)
        if resp.content_type and resp.content_type.startswith("text/html"):
            resp.headers.setdefault("Content-Security-Policy", CSP)

    return app


def _cors(settings: Settings, request: Request, resp: Any) -> None:
    """Lenders embed the widget on their own origin: allow it (or any, with "*")."""
    origin = request.headers.get("origin")
    if not origin:
        return
    if "*" in settings.widget_origins or origin in settings.widget_origins:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Vary"] = "Origin"
        resp.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Max-Age"] = "600"


async def _start(app: Sanic) -> None:
    from kuanxian.hub.rasa_client import RasaClient
    from kuanxian.hub.realtime import Broker
    from kuanxian.hub.reminders import ReminderService
    from kuanxian.hub.service import Hub
    from kuanxian.hub.store import HubStore
    from kuanxian.storage import create_schema, load_account_repository, make_engine

    settings: Settings = app.ctx.settings
    engine = make_engine(settings.database_url)
    await create_schema(engine)
    store = HubStore(engine)
    accounts = load_account_repository(engine)
    rasa = RasaClient(settings.rasa_url, settings.actions_url, token=settings.rasa_token, timeout=settings.rasa_timeout_seconds)
    hub = Hub(settings, store, accounts, rasa, Broker())
    hub.reminders = ReminderService(engine, hub, settings.contact_limits)
    app.ctx.engine, app.ctx.hub = engine, hub
    if settings.demo:
        from kuanxian.hub.seed import seed_demo

        await seed_demo(accounts, store)
    if settings.scheduler_enabled:
        app.add_task(hub.reminders.run_forever(settings.scheduler_interval_seconds), name="reminder_scheduler")


async def _stop(app: Sanic) -> None:
    hub = getattr(app.ctx, "hub", None)
    if hub is not None:
        await hub.drain(timeout=5)
        await hub.rasa.close()
    engine = getattr(app.ctx, "engine", None)
    if engine is not None:
        await engine.dispose()


async def _api_error(request: Request, exc: ApiError) -> Any:
    return response.json(exc.body(), status=exc.status)


async def _sanic_error(request: Request, exc: SanicException) -> Any:
    status = getattr(exc, "status_code", 500) or 500
    names = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
    return response.json({"error": names.get(status, "error"), "message": str(exc) or names.get(status, "error")}, status=status)


async def _unexpected(request: Request, exc: Exception) -> Any:
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return response.json({"error": "internal", "message": "internal error; nothing was changed"}, status=500)
