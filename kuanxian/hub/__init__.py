"""The hub: the only service users reach (widget, console, lender API)."""

from __future__ import annotations

from typing import Any


def create_app(settings: Any = None) -> Any:
    """Build the Sanic app (see kuanxian.hub.app)."""
    from kuanxian.hub.app import create_app as factory

    return factory(settings)
