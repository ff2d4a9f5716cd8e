"""What `make run` prints once every service is healthy."""

from __future__ import annotations

from collections.abc import Mapping

from kuanxian.supervisor.topology import Topology

RULE = "=" * 64
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def demo_enabled(environ: Mapping[str, str]) -> bool:
    """The hub's rule: demo data is on by default, off by default in production."""
    production = environ.get("KUANXIAN_ENV", "development").strip().lower() == "production"
    return environ.get("KUANXIAN_DEMO", "false" if production else "true").strip().lower() in TRUE_WORDS


def starting_text(topology: Topology) -> str:
    count = topology.rasa_instances
    hubs = "the hub" if topology.hubs == 1 else f"{topology.hubs} hubs"
    rasa = "Rasa" if count == 1 else f"{count} Rasa instances"
    actions = "the action server" if count == 1 else f"{count} action servers"
    return f"Starting {actions}, {rasa} (model load takes about 30 s) and {hubs}…"


def banner_text(topology: Topology, environ: Mapping[str, str]) -> str:
    base = topology.hub_urls[0]
    lines = [
        "",
        RULE,
        "Kuanxian (宽限) is running.",
        f"  Borrower widget (demo page): {base}/",
        f"  Collector console:           {base}/console",
        f"  API description:             {base}/api/openapi.json",
    ]
    if topology.hubs > 1:
        lines.append(f"  Hubs:           {'  '.join(topology.hub_urls)}")
    lines.append(f"  Rasa:           {'  '.join(topology.rasa_urls)}")
    lines.append(f"  Action servers: {'  '.join(topology.actions_urls)}")
    if demo_enabled(environ):
        lines.extend(_demo_lines())
    lines += ["  Terminal chat: make shell    Stop: Ctrl-C", RULE, "", ""]
    return "\n".join(lines)


def _demo_lines() -> list[str]:
    try:
        from kuanxian.demo import DEMO_ADMIN_TOKEN, DEMO_COLLECTOR
    except Exception:
        return ["  Demo data is on (demo borrowers demo-001 to demo-003; credentials in README.md)."]
    return [
        f"  Demo collector: {DEMO_COLLECTOR[0]} / {DEMO_COLLECTOR[1]}",
        f"  Demo admin token: {DEMO_ADMIN_TOKEN}",
        "  Demo borrowers: demo-001 王女士, demo-002 李先生, demo-003 陈女士",
    ]
