"""The hub: the only service users reach (widget, console, lender API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from sanic import DefaultSanic

    from kuanxian.settings import Settings


def create_app(settings: Optional[Settings] = None) -> DefaultSanic:
    """Build the Sanic app (see kuanxian.hub.app)."""
    from kuanxian.hub.app import create_app as factory

    return factory(settings)
