"""Health, the OpenAPI description, Prometheus metrics, demo helpers and the static front-ends."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.hub.api.common import hub_of, require_admin
from kuanxian.hub.api.schemas import DemoToken, TokenOut
from kuanxian.hub.api.spec import body_of, build_openapi, operation
from kuanxian.hub.auth import issue_borrower_token
from kuanxian.hub.errors import not_found
from kuanxian.hub.metrics import CONTENT_TYPE
from kuanxian.storage import borrowers as borrower_store

logger = logging.getLogger(__name__)
STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()
HEALTH_TIMEOUT_SECONDS = 2.0
MAX_STATIC_PATH = 200
bp = Blueprint("public")


@bp.get("/api/health/live")
@operation("Liveness: the hub process answers")
async def live(request: Request) -> HTTPResponse:
    return response.json({"hub": "ok"})


@bp.get("/api/health")
@operation(
    "Readiness: the database answers and at least one assistant (Rasa) instance answers",
    responses={200: None, 503: None},
    description=(
        "Body: hub, database, then rasa/actions (first instance), rasa1/actions1, … each ok or down, and ready. "
        "503 when the database is down or no Rasa instance answers; one instance down is reported, not 503 "
        "(turns fail over to the others)."
    ),
)
async def health(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    database, brain = await asyncio.gather(_database_up(hub.engine), hub.brain.health())
    status: dict[str, object] = {"hub": "ok", "database": database, **brain}
    if brain.get("brain") == "scripted":
        assistant = True
    else:
        assistant = any(value == "ok" for key, value in brain.items() if key.startswith("rasa"))
    ready = database == "ok" and assistant
    status["ready"] = ready
    return response.json(status, status=200 if ready else 503)


async def _database_up(engine: AsyncEngine) -> str:
    """Whether the database answers SELECT 1 within the probe timeout: "ok" or "down"."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception:
        logger.warning("readiness: the database did not answer", exc_info=True)
        return "down"
    return "ok"


@bp.get("/api/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    return response.json(build_openapi(request.app, "Kuanxian hub", "2.0"))


@bp.get("/metrics")
@operation("Prometheus metrics (turns, latency, guard blocks, queue, outbox lag)", auth="admin", content_type="text/plain")
async def metrics(request: Request) -> HTTPResponse:
    require_admin(request)
    body = await hub_of(request).metrics.render()
    return response.raw(body, content_type=CONTENT_TYPE)


@bp.get("/api/demo/info")
@operation("Demo mode: the demo borrowers and console users")
async def demo_info(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    if not hub.settings.demo:
        raise not_found("demo")
    from kuanxian.demo import DEMO_BORROWERS, DEMO_USERS

    return response.json(
        {
            "demo": True,
            "collector": {"username": DEMO_USERS[0][0], "password": DEMO_USERS[0][1]},
            "users": [{"username": u, "password": p, "display_name": n, "role": r.value} for u, p, n, r in DEMO_USERS],
            "borrowers": [{"borrower_id": b.borrower_id, "display_name": b.display_name} for b in DEMO_BORROWERS],
        }
    )


@bp.post("/api/demo/borrower-token")
@operation("Demo mode: a borrower token, as a lender's app would sign it", body=DemoToken, responses={200: TokenOut})
async def demo_token(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    if not hub.settings.demo:
        raise not_found("demo")
    body = body_of(request, DemoToken)
    async with hub.transactions.read() as conn:
        if await borrower_store.get_borrower(conn, body.borrower_id) is None:
            raise not_found("borrower")
    return response.json({"token": issue_borrower_token(body.borrower_id, hub.settings.borrower_token_secret)})


@bp.get("/")
async def index(request: Request) -> HTTPResponse:
    return await response.file(STATIC / "index.html")


@bp.get("/console")
async def console(request: Request) -> HTTPResponse:
    return await response.file(STATIC / "console.html")


@bp.get("/static/<name:path>")
async def static(request: Request, name: str) -> HTTPResponse:
    if len(name) > MAX_STATIC_PATH or "\x00" in name:
        raise not_found("file")
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        raise not_found("file")
    return await response.file(path, headers={"Cache-Control": "no-cache"})
