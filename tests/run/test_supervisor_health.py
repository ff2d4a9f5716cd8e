"""Health checks: which URL decides, short timeouts, and the event loop keeps running."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from supervisor_kit import free_blocks

from kuanxian.supervisor.health import healthy, http_status


@asynccontextmanager
async def fake_server(statuses: dict[str, int], *, silent: bool = False) -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP server on loopback answering `statuses[path]` (404 otherwise); yields its base URL and the paths asked."""
    asked: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        path = request.split(b" ", 2)[1].decode()
        asked.append(path)
        if silent:
            await asyncio.sleep(30)
        status = statuses.get(path, 404)
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        server.close()


def hub_urls(base: str) -> tuple[str, str]:
    return (f"{base}/api/health/live", f"{base}/api/openapi.json")


async def test_a_hub_without_the_live_endpoint_is_checked_on_its_openapi() -> None:
    async with fake_server({"/api/openapi.json": 200}) as (base, asked):
        assert await healthy(hub_urls(base), 1)
    assert asked == ["/api/health/live", "/api/openapi.json"]


async def test_the_live_endpoint_decides_when_it_answers() -> None:
    async with fake_server({"/api/health/live": 200, "/api/openapi.json": 500}) as (base, asked):
        assert await healthy(hub_urls(base), 1)
    assert asked == ["/api/health/live"]
    async with fake_server({"/api/health/live": 503, "/api/openapi.json": 200}) as (base, _):
        assert not await healthy(hub_urls(base), 1)


async def test_nothing_listening_is_unhealthy() -> None:
    (port,) = free_blocks(1)
    assert await http_status(f"http://127.0.0.1:{port}/", 1) is None
    assert not await healthy((f"http://127.0.0.1:{port}/",), 1)


async def test_a_silent_server_times_out_without_blocking_the_loop() -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    async with fake_server({}, silent=True) as (base, _):
        started = time.monotonic()
        assert await http_status(f"{base}/health", 0.3) is None
        elapsed = time.monotonic() - started
    ticking.cancel()
    assert 0.25 <= elapsed < 1.0
    assert ticks >= 10, "the event loop was blocked during the check"


async def test_status_lines_are_parsed() -> None:
    checks: list[tuple[dict[str, int], str, int | None]] = [
        ({"/": 200}, "/", 200),
        ({"/health": 204}, "/health", 204),
        ({}, "/missing", 404),
    ]
    for statuses, path, expected in checks:
        async with fake_server(statuses) as (base, _):
            assert await http_status(base + path, 1) == expected
