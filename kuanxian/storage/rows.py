"""Typed access to what SQLAlchemy hands back (the same on 1.4 and 2.x)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult


def inserted_id(result: CursorResult[Any]) -> int:
    """The integer primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT reported no primary key")
    return int(key[0])
