"""`make run`: start Rasa (loopback only), the action server and the hub, and supervise them.

A process that dies is restarted with backoff; Ctrl-C stops all three.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import urllib.request
from urllib.parse import urlparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from kuanxian.storage.db import project_root

RASA_PORT = int(os.environ.get("KUANXIAN_RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("KUANXIAN_ACTIONS_PORT", "5055"))


@dataclass
class Service:
    name: str
    argv: list[str]
    health: str
    env: dict[str, str] = field(default_factory=dict)
    process: Optional[asyncio.subprocess.Process] = None
    restarts: int = 0


def services(root: Path, hub_port: int) -> list[Service]:
    rasa_bin = root / ".venv-rasa" / "bin"
    endpoints = write_endpoints(root)
    return [
        Service(
            "actions",
            [str(rasa_bin / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(ACTIONS_PORT)],
            f"http://127.0.0.1:{ACTIONS_PORT}/health",
            {"SANIC_HOST": "127.0.0.1"},
        ),
        Service(
            "rasa",
            [str(rasa_bin / "rasa"), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(RASA_PORT),
             "--model", str(root / "models" / "kuanxian.tar.gz"), "--endpoints", str(endpoints),
             "--credentials", str(root / "credentials.yml")]
            + (["--auth-token", os.environ["KUANXIAN_RASA_TOKEN"]] if os.environ.get("KUANXIAN_RASA_TOKEN") else []),
            f"http://127.0.0.1:{RASA_PORT}/",
        ),
        Service(
            "hub",
            [sys.executable, "-m", "kuanxian.hub"],
            f"http://127.0.0.1:{hub_port}/api/openapi.json",
            {"KUANXIAN_RASA_URL": f"http://127.0.0.1:{RASA_PORT}", "KUANXIAN_ACTIONS_URL": f"http://127.0.0.1:{ACTIONS_PORT}"},
        ),
    ]


def write_endpoints(root: Path) -> Path:
    """endpoints.yml, plus a SQL tracker store and Redis lock store when scaling out."""
    base = (root / "endpoints.yml").read_text(encoding="utf-8").replace(
        "127.0.0.1:5055", f"127.0.0.1:{ACTIONS_PORT}"
    )
    db = os.environ.get("KUANXIAN_DATABASE_URL", "")
    redis_url = os.environ.get("KUANXIAN_REDIS_URL", "")
    extra = []
    if db.startswith(("postgresql://", "postgres://")):
        u = urlparse(db)
        extra.append(
            "tracker_store:\n  type: SQL\n  dialect: postgresql\n"
            f"  url: {u.hostname or 'localhost'}\n  port: {u.port or 5432}\n  db: {u.path.lstrip('/')}\n"
            f"  username: {u.username or ''}\n  password: {u.password or ''}\n"
        )
    if redis_url:
        u = urlparse(redis_url)
        extra.append(f"lock_store:\n  type: redis\n  url: {u.hostname}\n  port: {u.port or 6379}\n  db: {(u.path or '/0').lstrip('/') or 0}\n")
    if not extra and ACTIONS_PORT == 5055:
        return root / "endpoints.yml"
    path = root / "var" / "endpoints.generated.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(base + "\n" + "\n".join(extra), encoding="utf-8")
    return path


async def start(service: Service, root: Path) -> None:
    env = {**os.environ, **service.env, "KUANXIAN_HOME": str(root), "PYTHONUNBUFFERED": "1"}
    service.process = await asyncio.create_subprocess_exec(
        *service.argv, cwd=root, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    asyncio.get_running_loop().create_task(relay(service))


async def relay(service: Service) -> None:
    assert service.process and service.process.stdout
    async for line in service.process.stdout:
        sys.stdout.write(f"[{service.name}] {line.decode(errors='replace')}")
        sys.stdout.flush()


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


async def wait_healthy(svc: Service, timeout: float = 180.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if svc.process and svc.process.returncode is not None:
            return False
        if await asyncio.to_thread(healthy, svc.health):
            return True
        await asyncio.sleep(1)
    return False


async def supervise(root: Path) -> int:
    hub_port = int(os.environ.get("KUANXIAN_PORT", "8000"))
    all_services = services(root, hub_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    for svc in all_services:
        await start(svc, root)
    print("Starting the action server, Rasa (model load takes about 30 s) and the hub…", flush=True)
    results = await asyncio.gather(*(wait_healthy(s) for s in all_services))
    for svc, ok in zip(all_services, results):
        if not ok:
            print(f"kuanxian: {svc.name} did not become healthy ({svc.health}); see its log lines above.", flush=True)
    if all(results):
        banner(hub_port)
    while not stop.is_set():
        for svc in all_services:
            if svc.process and svc.process.returncode is not None and not stop.is_set():
                svc.restarts += 1
                delay = min(30, 2 ** min(svc.restarts, 5))
                print(f"kuanxian: {svc.name} exited with {svc.process.returncode}; restarting in {delay}s", flush=True)
                await asyncio.sleep(delay)
                await start(svc, root)
        try:
            await asyncio.wait_for(stop.wait(), timeout=1)
        except asyncio.TimeoutError:
            pass
    for svc in all_services:
        if svc.process and svc.process.returncode is None:
            svc.process.terminate()
    for svc in all_services:
        if svc.process:
            try:
                await asyncio.wait_for(svc.process.wait(), timeout=10)
            except asyncio.TimeoutError:
                svc.process.kill()
    return 0


def banner(port: int) -> None:
    from kuanxian.demo import DEMO_ADMIN_TOKEN, DEMO_COLLECTOR

    base = f"http://127.0.0.1:{port}"
    demo = os.environ.get("KUANXIAN_ENV", "development") != "production"
    print("\n" + "=" * 64)
    print("Kuanxian (宽限) is running.")
    print(f"  Borrower widget (demo page): {base}/")
    print(f"  Collector console:           {base}/console")
    print(f"  API description:             {base}/api/openapi.json")
    if demo:
        print(f"  Demo collector: {DEMO_COLLECTOR[0]} / {DEMO_COLLECTOR[1]}")
        print(f"  Demo admin token: {DEMO_ADMIN_TOKEN}")
        print("  Demo borrowers: demo-001 王女士, demo-002 李先生, demo-003 陈女士")
    print("  Terminal chat: make shell    Stop: Ctrl-C")
    print("=" * 64 + "\n", flush=True)


def main() -> int:
    root = project_root()
    if not (root / "models" / "kuanxian.tar.gz").exists():
        print("kuanxian: no trained model in models/; run `make run` (it trains first).", file=sys.stderr)
        return 2
    return asyncio.run(supervise(root))


if __name__ == "__main__":
    sys.exit(main())
