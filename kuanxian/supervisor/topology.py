"""How many hubs and Rasa instances a run starts, and on which ports.

Read once from the environment:

- `KUANXIAN_HUBS` (1) hubs on `KUANXIAN_PORT` (8000), +1, ...
- `KUANXIAN_RASA_INSTANCES` (1) Rasa instances on `KUANXIAN_RASA_PORT` (5005), +1, ...,
  each with its own action server on `KUANXIAN_ACTIONS_PORT` (5055), +1, ...
- `KUANXIAN_HOST` (127.0.0.1): the hubs' interface. Rasa and the action servers
  always listen on loopback only.
- `KUANXIAN_DRAIN_SECONDS` (10): the hubs' drain budget; the supervisor waits longer
  than a hub's worst-case graceful stop before it SIGKILLs one (kuanxian.shutdown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kuanxian.shutdown import DEFAULT_DRAIN_SECONDS, DrainSettingError, drain_seconds

LOOPBACK = "127.0.0.1"
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
MAX_INSTANCES = 32


class ConfigError(ValueError):
    """A supervisor setting refused at start (the message names the variable)."""


@dataclass(frozen=True)
class Endpoint:
    """One port a run needs: which service, on which interface."""

    name: str
    host: str
    port: int


@dataclass(frozen=True)
class Topology:
    hub_port: int = 8000
    hubs: int = 1
    rasa_port: int = 5005
    rasa_instances: int = 1
    actions_port: int = 5055
    hub_host: str = LOOPBACK
    hub_drain_seconds: float = DEFAULT_DRAIN_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Topology:
        topology = cls(
            hub_port=_int(environ, "KUANXIAN_PORT", 8000),
            hubs=_int(environ, "KUANXIAN_HUBS", 1),
            rasa_port=_int(environ, "KUANXIAN_RASA_PORT", 5005),
            rasa_instances=_int(environ, "KUANXIAN_RASA_INSTANCES", 1),
            actions_port=_int(environ, "KUANXIAN_ACTIONS_PORT", 5055),
            hub_host=environ.get("KUANXIAN_HOST", LOOPBACK).strip() or LOOPBACK,
            hub_drain_seconds=_drain(environ),
        )
        topology.check()
        return topology

    def check(self) -> None:
        """Refuse counts or port ranges that cannot work."""
        for variable, count in (("KUANXIAN_HUBS", self.hubs), ("KUANXIAN_RASA_INSTANCES", self.rasa_instances)):
            if not 1 <= count <= MAX_INSTANCES:
                raise ConfigError(f"{variable}={count} is out of range (1 to {MAX_INSTANCES})")
        ranges = (
            ("KUANXIAN_PORT", self.hub_ports),
            ("KUANXIAN_RASA_PORT", self.rasa_ports),
            ("KUANXIAN_ACTIONS_PORT", self.actions_ports),
        )
        for variable, ports in ranges:
            if ports[0] < 1 or ports[-1] > 65535:
                raise ConfigError(f"{variable}: ports {ports[0]}-{ports[-1]} are outside 1-65535")
        seen: dict[int, str] = {}
        for variable, ports in ranges:
            for port in ports:
                if port in seen and seen[port] != variable:
                    raise ConfigError(f"{variable} and {seen[port]} both need port {port}; choose ranges that do not overlap")
                seen[port] = variable

    @property
    def hub_ports(self) -> list[int]:
        return [self.hub_port + i for i in range(self.hubs)]

    @property
    def rasa_ports(self) -> list[int]:
        return [self.rasa_port + i for i in range(self.rasa_instances)]

    @property
    def actions_ports(self) -> list[int]:
        return [self.actions_port + i for i in range(self.rasa_instances)]

    @property
    def hub_connect_host(self) -> str:
        """Where to reach the hubs from this machine (loopback when they listen everywhere)."""
        return LOOPBACK if self.hub_host in WILDCARD_HOSTS else self.hub_host

    @property
    def hub_urls(self) -> list[str]:
        return [http_url(self.hub_connect_host, port) for port in self.hub_ports]

    @property
    def rasa_urls(self) -> list[str]:
        return [http_url(LOOPBACK, port) for port in self.rasa_ports]

    @property
    def actions_urls(self) -> list[str]:
        return [http_url(LOOPBACK, port) for port in self.actions_ports]

    def endpoints(self) -> list[Endpoint]:
        """Every port the run will listen on."""
        return (
            [Endpoint(instance_name("hub", i, self.hubs), self.hub_host, p) for i, p in enumerate(self.hub_ports)]
            + [Endpoint(instance_name("rasa", i, self.rasa_instances), LOOPBACK, p) for i, p in enumerate(self.rasa_ports)]
            + [Endpoint(instance_name("actions", i, self.rasa_instances), LOOPBACK, p) for i, p in enumerate(self.actions_ports)]
        )

    def ports_by_role(self) -> dict[str, list[int]]:
        return {"hub": self.hub_ports, "rasa": self.rasa_ports, "actions": self.actions_ports}

    @property
    def key(self) -> str:
        """A file-name-safe name for this port set, e.g. `8000-5005-5055` or `8000x2-5005x3-5055x3`."""
        return "-".join(
            f"{start}x{count}" if count > 1 else str(start)
            for start, count in (
                (self.hub_port, self.hubs),
                (self.rasa_port, self.rasa_instances),
                (self.actions_port, self.rasa_instances),
            )
        )


def instance_name(role: str, index: int, count: int) -> str:
    """`hub` when there is one, `hub-0`, `hub-1`, ... when there are several."""
    return role if count == 1 else f"{role}-{index}"


def http_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _drain(environ: Mapping[str, str]) -> float:
    try:
        return drain_seconds(environ)
    except DrainSettingError as exc:
        raise ConfigError(str(exc)) from None


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
