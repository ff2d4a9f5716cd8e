"""The supervisor's pieces without processes: topology, services, endpoints, lock, ports, backoff, banner."""

from __future__ import annotations

import io
import json
import os
import socket
from pathlib import Path

import pytest
import yaml
from supervisor_kit import ROOT, free_blocks

from kuanxian.supervisor.banner import banner_text
from kuanxian.supervisor.console import Console
from kuanxian.supervisor.endpoints import endpoints_config, lock_store, tracker_store
from kuanxian.supervisor.lock import AlreadyRunning, Holder, RunLock, holder_of_port
from kuanxian.supervisor.ports import (
    busy_ports,
    command_line,
    listener_of,
    port_in_use,
    redact,
)
from kuanxian.supervisor.services import (
    STOP_ACTIONS,
    STOP_HUB,
    STOP_RASA,
    Refusal,
    RunContext,
    check_installation,
    product_services,
    write_endpoint_files,
)
from kuanxian.supervisor.supervisor import CrashHistory, Policy, backoff_delay
from kuanxian.supervisor.topology import ConfigError, Topology

SCALED = {
    "KUANXIAN_PORT": "9000",
    "KUANXIAN_HUBS": "2",
    "KUANXIAN_RASA_PORT": "6005",
    "KUANXIAN_RASA_INSTANCES": "3",
    "KUANXIAN_ACTIONS_PORT": "6055",
}


# Topology


def test_without_settings_the_run_is_one_of_each_on_the_usual_ports() -> None:
    topology = Topology.from_env({})
    assert (topology.hub_ports, topology.rasa_ports, topology.actions_ports) == ([8000], [5005], [5055])
    assert topology.key == "8000-5005-5055"
    assert [e.name for e in topology.endpoints()] == ["hub", "rasa", "actions"]


def test_scale_out_counts_up_from_each_base_port() -> None:
    topology = Topology.from_env(SCALED)
    assert topology.hub_urls == ["http://127.0.0.1:9000", "http://127.0.0.1:9001"]
    assert topology.rasa_urls == [f"http://127.0.0.1:{p}" for p in (6005, 6006, 6007)]
    assert topology.actions_ports == [6055, 6056, 6057]
    assert topology.key == "9000x2-6005x3-6055x3"
    assert [e.name for e in topology.endpoints()][:3] == ["hub-0", "hub-1", "rasa-0"]


def test_hubs_listening_everywhere_are_reached_on_loopback() -> None:
    topology = Topology.from_env({"KUANXIAN_HOST": "0.0.0.0"})
    assert topology.hub_urls == ["http://127.0.0.1:8000"]
    assert topology.endpoints()[0].host == "0.0.0.0"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KUANXIAN_HUBS": "two"}, "KUANXIAN_HUBS='two' is not a whole number"),
        ({"KUANXIAN_RASA_INSTANCES": "0"}, "KUANXIAN_RASA_INSTANCES=0 is out of range"),
        ({"KUANXIAN_PORT": "65535", "KUANXIAN_HUBS": "2"}, "KUANXIAN_PORT: ports 65535-65536 are outside 1-65535"),
        ({"KUANXIAN_RASA_PORT": "5054", "KUANXIAN_RASA_INSTANCES": "2"}, "both need port 5055"),
    ],
)
def test_impossible_settings_are_refused_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Topology.from_env(env)


# Services


def context(tmp_path: Path, env: dict[str, str]) -> RunContext:
    return RunContext(tmp_path, Topology.from_env(env), tmp_path / "var" / "run" / "k", env)


def test_every_hub_learns_the_whole_topology_and_its_own_place(tmp_path: Path) -> None:
    services = product_services(context(tmp_path, SCALED))
    hubs = [s for s in services if s.name.startswith("hub")]
    assert [h.name for h in hubs] == ["hub-0", "hub-1"]
    for index, hub in enumerate(hubs):
        assert hub.env["KUANXIAN_PORT"] == str(9000 + index)
        assert hub.env["KUANXIAN_INSTANCE"] == str(index)
        assert hub.env["KUANXIAN_RASA_URLS"] == "http://127.0.0.1:6005,http://127.0.0.1:6006,http://127.0.0.1:6007"
        assert hub.env["KUANXIAN_ACTIONS_URLS"] == "http://127.0.0.1:6055,http://127.0.0.1:6056,http://127.0.0.1:6057"
        assert hub.env["KUANXIAN_RASA_URL"] == "http://127.0.0.1:6005"
        assert hub.env["KUANXIAN_ACTIONS_URL"] == "http://127.0.0.1:6055"
        assert hub.health == (f"http://127.0.0.1:{9000 + index}/api/health/live", f"http://127.0.0.1:{9000 + index}/api/openapi.json")
        assert hub.stop_rank == STOP_HUB


def test_each_rasa_instance_uses_its_own_endpoints_file_and_port(tmp_path: Path) -> None:
    ctx = context(tmp_path, SCALED)
    rasa = [s for s in product_services(ctx) if s.name.startswith("rasa")]
    for index, service in enumerate(rasa):
        argv = list(service.argv)
        assert argv[argv.index("--port") + 1] == str(6005 + index)
        assert argv[argv.index("--endpoints") + 1] == str(ctx.run_dir / f"endpoints-{index}.yml")
        assert argv[argv.index("--interface") + 1] == "127.0.0.1"
        assert "--auth-token" not in argv
        assert service.health == (f"http://127.0.0.1:{6005 + index}/",)
        assert service.stop_rank == STOP_RASA
    actions = [s for s in product_services(ctx) if s.name.startswith("actions")]
    assert [s.argv[-1] for s in actions] == ["6055", "6056", "6057"]
    assert {s.stop_rank for s in actions} == {STOP_ACTIONS}
    assert [s.health[0] for s in actions] == [f"http://127.0.0.1:{p}/health" for p in (6055, 6056, 6057)]


def test_the_rasa_token_protects_every_rasa_instance(tmp_path: Path) -> None:
    ctx = context(tmp_path, {**SCALED, "KUANXIAN_RASA_TOKEN": "s3cret"})
    for service in product_services(ctx):
        if service.name.startswith("rasa"):
            assert service.argv[-2:] == ("--auth-token", "s3cret")


def test_a_missing_model_or_rasa_venv_is_a_refusal(tmp_path: Path) -> None:
    with pytest.raises(Refusal, match="no trained model"):
        check_installation(tmp_path)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "kuanxian.tar.gz").write_bytes(b"")
    with pytest.raises(Refusal, match="make setup"):
        check_installation(tmp_path)


# Endpoints


def test_endpoints_files_point_each_rasa_at_its_own_action_server(tmp_path: Path) -> None:
    (tmp_path / "endpoints.yml").write_text((ROOT / "endpoints.yml").read_text(encoding="utf-8"), encoding="utf-8")
    ctx = context(tmp_path, SCALED)
    ctx.run_dir.mkdir(parents=True)
    paths = write_endpoint_files(ctx)
    assert [p.name for p in paths] == ["endpoints-0.yml", "endpoints-1.yml", "endpoints-2.yml"]
    for index, path in enumerate(paths):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert config == {"action_endpoint": {"url": f"http://127.0.0.1:{6055 + index}/webhook"}}


def test_postgres_adds_the_sql_tracker_store_with_decoded_credentials() -> None:
    store = tracker_store("postgresql+asyncpg://kx:p%40ss%3Aw@db.example:6543/kuanxian?sslmode=require")
    assert store == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.example",
        "port": 6543,
        "db": "kuanxian",
        "username": "kx",
        "password": "p@ss:w",
        "query": {"sslmode": "require"},
    }
    assert tracker_store("postgres://localhost/k")["port"] == 5432  # type: ignore[index]
    assert tracker_store("sqlite+aiosqlite:///var/kuanxian.db") is None
    assert tracker_store("") is None


def test_redis_adds_the_lock_store() -> None:
    assert lock_store("redis://cache:6380/2") == {"type": "redis", "url": "cache", "port": 6380, "db": 2}
    assert lock_store("rediss://:pw@cache") == {"type": "redis", "url": "cache", "port": 6379, "db": 0, "password": "pw", "use_ssl": True}
    assert lock_store("") is None


def test_the_base_file_keeps_its_other_settings() -> None:
    base = {"action_endpoint": {"url": "http://x/webhook", "token": "t"}, "event_broker": {"type": "pika"}}
    env = {"KUANXIAN_DATABASE_URL": "postgresql://u@h/db", "KUANXIAN_REDIS_URL": "redis://r"}
    config = endpoints_config(base, "http://127.0.0.1:7000", env)
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:7000/webhook", "token": "t"}
    assert config["event_broker"] == {"type": "pika"}
    assert config["tracker_store"]["db"] == "db" and config["lock_store"]["url"] == "r"


# Lock

PORTS = {"hub": [8000], "rasa": [5005], "actions": [5055]}


def test_a_held_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    path = tmp_path / "run" / "8000-5005-5055.lock"
    with RunLock(path) as first:
        first.acquire(Holder.current(PORTS))
        with pytest.raises(AlreadyRunning) as refused:
            RunLock(path).acquire(Holder.current(PORTS))
        holder = refused.value.holder
        assert holder is not None and holder.pid == os.getpid()
        assert holder.describe().startswith(f"supervisor pid {os.getpid()}, started 20")
        assert "ports hub 8000; rasa 5005; actions 5055" in holder.describe()
    assert not path.exists(), "release removes the lock file"
    RunLock(path).acquire(Holder.current(PORTS))  # and the lock is free again


def test_a_stale_lock_file_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "8000-5005-5055.lock"
    path.write_text(json.dumps({"pid": 999999, "started": "yesterday", "ports": PORTS}))
    lock = RunLock(path)
    lock.acquire(Holder.current(PORTS))
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()


def test_the_run_using_a_port_is_found_among_live_lock_files(tmp_path: Path) -> None:
    (tmp_path / "dead.lock").write_text(json.dumps({"pid": 999999, "started": "then", "ports": {"rasa": [7005]}}))
    assert holder_of_port(tmp_path, 7005) is None
    me = Holder.current({"rasa": [7005]})
    (tmp_path / "live.lock").write_text(me.to_json())
    assert holder_of_port(tmp_path, 7005) is None, "our own run is not 'another run'"
    other = Holder(1, "boot", {"rasa": [7005]}, None)  # pid 1 is always alive
    (tmp_path / "other.lock").write_text(other.to_json())
    assert holder_of_port(tmp_path, 7005) == other


# Ports


def test_a_listening_port_is_busy_and_its_process_is_named() -> None:
    (port,) = free_blocks(1)
    assert not port_in_use("127.0.0.1", port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        assert port_in_use("127.0.0.1", port)
        owner = listener_of(port)
        assert owner is not None and owner.startswith(f"pid {os.getpid()} (")
        busy = busy_ports(Topology(hub_port=port).endpoints())
        assert [(b.endpoint.name, b.endpoint.port) for b in busy] == [("hub", port)]


def test_secrets_on_a_command_line_are_not_repeated() -> None:
    assert redact(["rasa", "run", "--auth-token", "s3cret", "--port", "5005"]) == ["rasa", "run", "--auth-token", "***", "--port", "5005"]
    assert redact(["rasa", "--auth-token=s3cret"]) == ["rasa", "--auth-token=***"]
    assert "python" in command_line(os.getpid())


# Backoff and crash loops


def test_backoff_doubles_from_one_second_up_to_thirty() -> None:
    assert [backoff_delay(n, Policy()) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_only_crashes_within_two_minutes_count() -> None:
    history = CrashHistory(window=120)
    assert [history.record(t) for t in (0, 10, 20, 30, 40)] == [1, 2, 3, 4, 5]
    assert history.record(50) == 6  # a sixth within two minutes: more than 5, a crash loop
    assert history.record(125) == 6  # the crash at 0 fell out of the window
    assert history.record(300) == 1


# Banner


def test_the_banner_lists_every_url_and_the_demo_lines() -> None:
    text = banner_text(Topology.from_env(SCALED), {})
    for url in ("http://127.0.0.1:9000/console", "http://127.0.0.1:9001", "http://127.0.0.1:6007", "http://127.0.0.1:6057"):
        assert url in text
    assert "Kuanxian (宽限) is running." in text
    assert "Demo" in text


def test_the_banner_has_no_demo_lines_in_production() -> None:
    text = banner_text(Topology.from_env({}), {"KUANXIAN_ENV": "production"})
    assert "Demo" not in text and "http://127.0.0.1:8000/console" in text


def test_an_unreadable_endpoints_file_is_a_refusal(tmp_path: Path) -> None:
    (tmp_path / "endpoints.yml").write_text("action_endpoint: [unclosed\n", encoding="utf-8")
    ctx = context(tmp_path, {})
    ctx.run_dir.mkdir(parents=True)
    with pytest.raises(Refusal, match=r"cannot read .*endpoints\.yml"):
        write_endpoint_files(ctx)


def test_a_vanished_terminal_does_not_break_the_console() -> None:
    closed = io.StringIO()
    closed.close()
    console = Console(closed, closed)
    console.info("still supervising")
    console.relay("hub", "a line", from_stderr=True)
