"""What a message from a person must be before the hub accepts it: text and client ids, with clear errors."""

from __future__ import annotations

import unicodedata
from typing import Optional

from kuanxian.hub.errors import invalid

__all__ = ["clean_client_id", "clean_text"]

_ALLOWED_CONTROL = {"\n", "\t"}


def clean_text(value: object, max_chars: int) -> str:
    """A message text, or a 4xx: a string, not blank (zero-width counts as blank), not too long, valid Unicode."""
    if not isinstance(value, str):
        raise invalid("text", "must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise invalid("text", "contains an invalid character (a lone surrogate)") from exc
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL for ch in value):
        raise invalid("text", "contains a control character")
    visible = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cf", "Zs", "Zl", "Zp") and not ch.isspace())
    if not visible:
        raise invalid("text", "must not be empty")
    text = value.strip()
    if len(text) > max_chars:
        raise invalid("text", f"must be at most {max_chars} characters", status=413)
    return text


def clean_client_id(value: object) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 128 or not value.isprintable() or not value.isascii():
        raise invalid("client_id", "must be 1 to 128 printable ASCII characters")
    return value
