"""The hub's OpenAPI 3.1 description, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from kuanxian import __version__


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(schema: Any) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


ERRORS = {
    "400": _ok("Malformed JSON", _ref("Error")),
    "401": _ok("Missing, bad or expired token", _ref("Error")),
    "404": _ok("Not found (or not yours)", _ref("Error")),
    "422": _ok("Invalid field; `field` names it", _ref("Error")),
}


def _op(summary: str, responses: dict[str, Any], *, body: Any = None, auth: str | None = None, params: list[Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **ERRORS}}
    if body is not None:
        op["requestBody"] = _body(body)
    if auth:
        op["security"] = [{auth: []}]
    if params:
        op["parameters"] = params
    return op


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props)}


S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}
DEC = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "description": "decimal amount as a string"}
DT = {"type": "string", "format": "date-time", "description": "ISO 8601 with a zone"}
ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": S}]


def spec() -> dict[str, Any]:
    conversation = _obj(
        {"conversation_id": S, "borrower_id": S, "borrower_name": S, "status": {"enum": ["bot", "waiting_for_collector", "with_collector", "resolved"]},
         "priority": {"enum": ["urgent", "high", "normal", None]}, "reason": S, "collector_id": I, "collector_name": S, "waiting_since": DT, "created_at": DT},
        ["conversation_id", "borrower_id", "status"],
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kuanxian hub", "version": __version__, "description": "Borrower widget, collector console and lender integration."},
        "components": {
            "securitySchemes": {
                "admin": {"type": "http", "scheme": "bearer", "description": "the lender's admin token"},
                "session": {"type": "http", "scheme": "bearer", "description": "widget session_token"},
                "console": {"type": "http", "scheme": "bearer", "description": "token from /api/console/login"},
            },
            "schemas": {
                "Error": _obj({"error": S, "message": S, "field": S}, ["error", "message"]),
                "Button": _obj({"title": S, "payload": S}),
                "Message": _obj(
                    {"seq": I, "sender_type": {"enum": ["borrower", "bot", "collector", "system"]}, "text": S,
                     "buttons": {"type": "array", "items": _ref("Button")}, "created_at": DT, "sender_name": S, "client_id": S, "internal": B},
                    ["seq", "sender_type", "text", "buttons", "created_at"],
                ),
                "Conversation": conversation,
                "Policy": _obj({"min_installment": DEC, "max_term_months": I, "payment_holiday_days": I, "interest_freeze_on_hardship": B,
                                "allowed_frequencies": {"type": "array", "items": {"enum": ["monthly", "biweekly", "weekly"]}}},
                               ["min_installment", "max_term_months"]),
                "Account": _obj({"display_name": S, "timezone": S, "currency": S, "principal": DEC, "interest_and_fees": DEC, "days_overdue": I,
                                 "due_day": I, "policy": _ref("Policy"), "breathing_space_until": DT},
                                ["display_name", "timezone", "principal", "interest_and_fees", "days_overdue", "due_day", "policy"]),
                "Reminder": _obj({"id": I, "status": {"enum": ["scheduled", "deferred", "suppressed", "sent", "cancelled"]}, "scheduled_for": DT, "reason": S}),
                "Violation": _obj({"rule_id": S, "category": S, "span": {"type": "array", "items": I}, "matched": S, "explanation": S, "suggestion": S}),
            },
        },
        "paths": {
            "/api/health": {"get": _op("Health of hub, Rasa and the action server", {"200": _ok("all ok"), "503": _ok("something is down")})},
            "/api/admin/borrowers/{id}": {"put": _op("Upsert a Borrower's account", {"200": _ok("updated"), "201": _ok("created")}, body=_ref("Account"), auth="admin", params=ID_PARAM)},
            "/api/admin/reminders": {
                "post": _op("Schedule a Reminder", {"201": _ok("decided", _ref("Reminder"))},
                            body=_obj({"borrower_id": S, "send_at": DT, "kind": {"enum": ["upcoming_due", "overdue", "installment_due", "follow_up"]}, "amount": DEC, "due_date": {"type": "string", "format": "date"}},
                                      ["borrower_id", "send_at", "kind"]), auth="admin"),
                "get": _op("A Borrower's Reminders with their decision history", {"200": _ok("list")}, auth="admin",
                           params=[{"name": "borrower_id", "in": "query", "required": True, "schema": S}]),
            },
            "/api/demo/borrower-token": {"post": _op("Demo mode only: a signed borrower token", {"200": _ok("token", _obj({"token": S}))}, body=_obj({"borrower_id": S}))},
            "/api/widget/sessions": {"post": _op("Open (or resume) the Borrower's Conversation", {"201": _ok("session", _obj({"conversation_id": S, "session_token": S, "status": S, "last_read_seq": I, "unread": I}))}, body=_obj({"borrower_token": S}))},
            "/api/widget/messages": {
                "post": _op("Send a Borrower message (idempotent by client_id)", {"202": _ok("accepted", _obj({"seq": I})), "413": _ok("too long"), "429": _ok("rate limited")},
                            body=_obj({"text": S, "client_id": S}, ["text"]), auth="session"),
                "get": _op("Messages after a seq", {"200": _ok("messages", _obj({"messages": {"type": "array", "items": _ref("Message")}}))}, auth="session",
                           params=[{"name": "after", "in": "query", "schema": I}]),
            },
            "/api/widget/read": {"post": _op("Mark messages read up to seq", {"204": _ok("done")}, body=_obj({"seq": I}), auth="session")},
            "/api/widget/stream": {"get": _op("WebSocket: replay after seq, then message/typing/status frames", {"101": _ok("switching protocols")},
                                              params=[{"name": "token", "in": "query", "required": True, "schema": S}, {"name": "after", "in": "query", "schema": I}])},
            "/api/console/login": {"post": _op("Collector login", {"200": _ok("token", _obj({"token": S, "collector": {"type": "object"}}))}, body=_obj({"username": S, "password": S}))},
            "/api/console/queue": {"get": _op("Conversations waiting for or held by a person", {"200": _ok("queue", _obj({"conversations": {"type": "array", "items": conversation}}))}, auth="console")},
            "/api/console/conversations/{id}": {"get": _op("Transcript and Borrower context", {"200": _ok("conversation")}, auth="console", params=ID_PARAM)},
            "/api/console/conversations/{id}/claim": {"post": _op("Claim", {"200": _ok("claimed"), "409": _ok("held by another collector", _ref("Error"))}, auth="console", params=ID_PARAM)},
            "/api/console/conversations/{id}/messages": {"post": _op("Reply (checked by the pressure guard)", {"201": _ok("sent"), "409": _ok("not held by you"), "422": _ok("blocked_by_policy with violations")},
                                                                      body=_obj({"text": S}), auth="console", params=ID_PARAM)},
            "/api/console/conversations/{id}/notes": {"post": _op("Internal note", {"201": _ok("noted")}, body=_obj({"text": S}), auth="console", params=ID_PARAM)},
            "/api/console/conversations/{id}/handback": {"post": _op("Hand back to the bot with what was agreed", {"200": _ok("bot resumes")}, body=_obj({"note": S}, []), auth="console", params=ID_PARAM)},
            "/api/console/conversations/{id}/resolve": {"post": _op("Resolve", {"200": _ok("resolved")}, auth="console", params=ID_PARAM)},
            "/api/console/review": {"post": _op("Guard verdict on a draft", {"200": _ok("verdict")}, body=_obj({"text": S}), auth="console")},
            "/api/console/stream": {"get": _op("WebSocket: queue, message and conversation frames", {"101": _ok("switching protocols")},
                                               params=[{"name": "token", "in": "query", "required": True, "schema": S}])},
        },
    }
