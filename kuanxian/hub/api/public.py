"""Health, OpenAPI, demo helpers and the static front-ends."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from kuanxian.hub.api.common import body_of, hub_of
from kuanxian.hub.auth import issue_borrower_token
from kuanxian.hub.errors import invalid, not_found
from kuanxian.hub.openapi import spec

STATIC = Path(__file__).resolve().parent.parent / "static"
bp = Blueprint("public")


@bp.get("/api/health")
async def health(request: Request) -> HTTPResponse:
    status = {"hub": "ok", **await hub_of(request).rasa.health()}
    return response.json(status, status=200 if all(v == "ok" for v in status.values()) else 503)


@bp.get("/api/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    return response.json(spec())


@bp.get("/api/demo/info")
async def demo_info(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    if not hub.settings.demo:
        raise not_found("demo")
    from kuanxian.demo import DEMO_BORROWERS, DEMO_COLLECTOR

    return response.json(
        {
            "demo": True,
            "collector": {"username": DEMO_COLLECTOR[0], "password": DEMO_COLLECTOR[1]},
            "borrowers": [{"borrower_id": b.borrower_id, "display_name": b.display_name} for b in DEMO_BORROWERS],
        }
    )


@bp.post("/api/demo/borrower-token")
async def demo_token(request: Request) -> HTTPResponse:
    hub = hub_of(request)
    if not hub.settings.demo:
        raise not_found("demo")
    borrower_id = body_of(request).get("borrower_id")
    if not isinstance(borrower_id, str) or not borrower_id:
        raise invalid("borrower_id", "is required")
    if await hub.accounts.get_borrower(borrower_id) is None:
        raise not_found("borrower")
    return response.json({"token": issue_borrower_token(borrower_id, hub.settings.borrower_token_secret)})


@bp.get("/")
async def index(request: Request) -> HTTPResponse:
    return await response.file(STATIC / "index.html")


@bp.get("/console")
async def console(request: Request) -> HTTPResponse:
    return await response.file(STATIC / "console.html")


@bp.get("/static/<name:str>")
async def static(request: Request, name: str) -> HTTPResponse:
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise not_found("file")
    return await response.file(path, headers={"Cache-Control": "no-cache"})
