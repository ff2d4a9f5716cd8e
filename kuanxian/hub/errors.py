"""API errors: a clear JSON body and the right status, nothing half-written."""

from __future__ import annotations

from typing import Any, Optional


class ApiError(Exception):
    """Raised anywhere in a handler; rendered as {"error", "message", ...}."""

    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def unauthorized(message: str = "missing or invalid token") -> ApiError:
    return ApiError(401, "unauthorized", message)


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def invalid(field: str, message: str, status: int = 422) -> ApiError:
    return ApiError(status, "invalid", f"{field}: {message}", field=field)


def too_many(retry_after: Optional[float] = None, message: str = "too many messages; please wait a moment") -> ApiError:
    """429; the app adds a Retry-After header from `retry_after` (whole seconds)."""
    seconds = max(1, int(retry_after + 0.999)) if retry_after is not None else 1
    return ApiError(429, "rate_limited", message, retry_after=seconds)


def forbidden(message: str = "not allowed for your role") -> ApiError:
    return ApiError(403, "forbidden", message)
