"""Tokens and passwords: borrower identity, widget sessions, console logins."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Optional

import jwt

from kuanxian.hub.errors import unauthorized

ALGORITHM = "HS256"
_BORROWER_ID = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.:\-\u4e00-\u9fff]{0,63}$")
# Checked when a username is unknown, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = "scrypt$" + "00" * 16 + "$" + "00" * 32


def issue_borrower_token(borrower_id: str, secret: str, ttl_seconds: int = 3600) -> str:
    """What a lender's app does: sign the Borrower's identity (demo mode uses it too)."""
    now = int(time.time())
    return jwt.encode({"sub": borrower_id, "iat": now, "exp": now + ttl_seconds}, secret, algorithm=ALGORITHM)


def verify_borrower_token(token: object, secret: str) -> str:
    """The borrower_id in a lender-signed token, or 401."""
    claims = _decode(token, secret)
    sub = claims.get("sub")
    if not isinstance(sub, str) or not _BORROWER_ID.match(sub):
        raise unauthorized("borrower token has no valid subject")
    return sub


@dataclass(frozen=True)
class WidgetSession:
    borrower_id: str
    conversation_id: str


def issue_session_token(session: WidgetSession, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {"typ": "session", "sub": session.borrower_id, "cid": session.conversation_id, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_session_token(token: object, secret: str) -> WidgetSession:
    claims = _decode(token, secret)
    cid, sub = claims.get("cid"), claims.get("sub")
    if claims.get("typ") != "session" or not isinstance(cid, str) or not isinstance(sub, str) or len(cid) > 64:
        raise unauthorized("not a widget session token")
    return WidgetSession(sub, cid)


def issue_console_token(collector_id: int, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {"typ": "console", "sub": str(collector_id), "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_console_token(token: object, secret: str) -> int:
    claims = _decode(token, secret)
    if claims.get("typ") != "console":
        raise unauthorized("not a console token")
    try:
        return int(claims["sub"])
    except (KeyError, ValueError) as exc:
        raise unauthorized("bad console token") from exc


def bearer(header: Optional[str]) -> str:
    """The token in an `Authorization: Bearer ...` header, or 401."""
    if not header or not header.startswith("Bearer "):
        raise unauthorized("Authorization: Bearer <token> required")
    token = header[len("Bearer ") :].strip()
    if not token:
        raise unauthorized()
    return token


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def hash_password(password: str, *, salt: Optional[bytes] = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password_or_dummy(password: str, stored: str | None) -> bool:
    """Check a password; with no stored hash, do the same work and fail (no timing oracle)."""
    if stored is None:
        check_password(password, _DUMMY_HASH)
        return False
    return check_password(password, stored)


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1, dklen=32)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _decode(token: object, secret: str) -> dict[str, Any]:
    if not isinstance(token, str) or not token:
        raise unauthorized("token required")
    if len(token) > 4096:
        raise unauthorized("invalid token")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise unauthorized("token expired") from exc
    except (jwt.PyJWTError, UnicodeError, ValueError, TypeError) as exc:
        raise unauthorized("invalid token") from exc
    if not isinstance(claims, dict):
        raise unauthorized("invalid token")
    return claims
