"""Declare each endpoint once: its schemas validate requests and generate the OpenAPI description.

    @bp.post("/messages")
    @operation("Send a message", body=MessageCreate, responses={202: Accepted}, auth="widget")
    async def post_message(request, body: MessageCreate): ...

`parse_json` turns any hostile body (malformed, too deep, giant integers, not
an object) into a 400, and a schema violation into a 422 that names the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, TypeVar

from pydantic import BaseModel, ValidationError
from sanic import DefaultSanic, Request

from kuanxian.hub.errors import ApiError, bad_request

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 32
M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

AUTH_SCHEMES = {
    "widget": "widgetSession",
    "console": "consoleToken",
    "admin": "adminToken",
}


@dataclass(frozen=True)
class Operation:
    summary: str
    body: Optional[type[BaseModel]] = None
    query: Optional[type[BaseModel]] = None
    responses: Mapping[int, Optional[type[BaseModel]]] = field(default_factory=dict)
    auth: Optional[str] = None
    description: str = ""
    content_type: str = "application/json"


def operation(
    summary: str,
    *,
    body: Optional[type[BaseModel]] = None,
    query: Optional[type[BaseModel]] = None,
    responses: Optional[Mapping[int, Optional[type[BaseModel]]]] = None,
    auth: Optional[str] = None,
    description: str = "",
    content_type: str = "application/json",
) -> Callable[[F], F]:
    op = Operation(summary, body, query, responses or {200: None}, auth, description, content_type)

    def decorate(handler: F) -> F:
        handler.__kuanxian_operation__ = op  # type: ignore[attr-defined]
        return handler

    return decorate


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def parse_json(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body must be at most {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise bad_request("a JSON object body is required")
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise bad_request(f"malformed JSON: {type(exc).__name__}") from exc
    if not isinstance(value, dict):
        raise bad_request("the JSON body must be an object")
    if _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise bad_request(f"the JSON body is nested more than {MAX_DEPTH} levels deep")
    return value


def validation_error(exc: ValidationError) -> ApiError:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__") or "body"
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return ApiError(422, "invalid", f"{where}: {message}", field=where)


def body_of(request: Request, model: type[M]) -> M:
    data = parse_json(request.body or b"")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def query_of(request: Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    # A blank value (?since=) is a value, refused if the field cannot be blank, never silently dropped.
    for key, values in request.get_args(keep_blank_values=True).items():
        data[key] = values[-1] if values else ""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


# OpenAPI ---------------------------------------------------------------------------------
_PARAM = re.compile(r"<([a-zA-Z_]+)(?::[a-z]+)?>")


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_openapi(app: DefaultSanic, title: str, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    from kuanxian.hub.api.schemas import Error

    error_ref = _schema_ref(Error, components)
    for route in app.router.routes:
        handler = route.handler
        op: Optional[Operation] = getattr(handler, "__kuanxian_operation__", None)
        if op is None:
            continue
        path = "/" + _PARAM.sub(r"{\1}", route.path).lstrip("/")
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS"):
                continue
            entry: dict[str, Any] = {"summary": op.summary, "operationId": f"{method.lower()}_{handler.__name__}"}
            if op.description:
                entry["description"] = op.description
            params = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 128}}
                for n in _PARAM.findall(route.path)
            ]
            if op.query is not None:
                q = op.query.model_json_schema(by_alias=True)
                required = set(q.get("required", []))
                for name, prop in q.get("properties", {}).items():
                    params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
            if params:
                entry["parameters"] = params
            if op.body is not None:
                entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema_ref(op.body, components)}}}
            responses: dict[str, Any] = {}
            for status, model in op.responses.items():
                content_type = op.content_type if status < 300 else "application/json"
                if model is None:
                    responses[str(status)] = {"description": "OK" if status < 300 else "error"}
                else:
                    responses[str(status)] = {
                        "description": model.__name__,
                        "content": {content_type: {"schema": _schema_ref(model, components)}},
                    }
            for status in (400, 401, 403, 404, 409, 413, 422, 429):
                responses.setdefault(str(status), {"description": "error", "content": {"application/json": {"schema": error_ref}}})
            entry["responses"] = responses
            if op.auth:
                entry["security"] = [{AUTH_SCHEMES[op.auth]: []}]
            paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": version,
            "description": "Kuanxian (宽限) hub: the borrower widget, the collector console and the lender API.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "widgetSession": {"type": "http", "scheme": "bearer", "description": "a session token from POST /api/widget/sessions"},
                "consoleToken": {"type": "http", "scheme": "bearer", "description": "a token from POST /api/console/login"},
                "adminToken": {"type": "http", "scheme": "bearer", "description": "the lender's KUANXIAN_ADMIN_TOKEN"},
            },
        },
    }
