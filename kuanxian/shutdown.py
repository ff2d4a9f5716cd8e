"""How long a graceful stop may take: one setting for the hub and for the supervisor that stops it.

`KUANXIAN_DRAIN_SECONDS` (default 10) is the hub's drain budget. On SIGTERM a hub
gives in-flight HTTP requests up to that long (Sanic's GRACEFUL_SHUTDOWN_TIMEOUT),
then its running turns up to that long again, then closes its connections. The
supervisor waits longer than all of that before it SIGKILLs a hub's group, so a
hub that is draining as designed is never cut short (docs/deploy.md, section 5).

Standard library only: read by `kuanxian.settings` (the hub) and `kuanxian.supervisor`.
"""

from __future__ import annotations

from collections.abc import Mapping

DRAIN_VARIABLE = "KUANXIAN_DRAIN_SECONDS"
DEFAULT_DRAIN_SECONDS = 10.0
MIN_DRAIN_SECONDS = 1.0
MAX_DRAIN_SECONDS = 300.0
# After the two drains: cancel the background tasks, stop the Redis relay, close Rasa and database connections.
HUB_CLOSE_SECONDS = 5.0
# What the supervisor adds on top of the hub's worst case before it SIGKILLs.
SUPERVISOR_MARGIN_SECONDS = 5.0


class DrainSettingError(ValueError):
    """KUANXIAN_DRAIN_SECONDS is not a number in range (the message names the variable)."""


def drain_seconds(environ: Mapping[str, str]) -> float:
    """The hub's drain budget from the environment (refused when out of range)."""
    raw = environ.get(DRAIN_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_DRAIN_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not MIN_DRAIN_SECONDS <= value <= MAX_DRAIN_SECONDS:  # also refuses NaN
        raise DrainSettingError(
            f"{DRAIN_VARIABLE} must be a number of seconds from {MIN_DRAIN_SECONDS:g} to {MAX_DRAIN_SECONDS:g}, got {raw!r}"
        )
    return value


def hub_worst_case_seconds(drain: float) -> float:
    """The longest a hub takes from SIGTERM to exit: requests, then turns, then closing."""
    return drain + drain + HUB_CLOSE_SECONDS


def supervisor_grace_seconds(drain: float) -> float:
    """How long the supervisor waits after SIGTERM before it SIGKILLs a hub: more than the hub's worst case."""
    return hub_worst_case_seconds(drain) + SUPERVISOR_MARGIN_SECONDS
