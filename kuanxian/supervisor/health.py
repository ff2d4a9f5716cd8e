"""Health checks over asyncio streams: short timeouts, never blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from urllib.parse import urlsplit

NOT_FOUND = 404


async def http_status(url: str, timeout: float) -> int | None:
    """The status code of `GET url` (plain HTTP), or None if there was no answer in time."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                request = f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\nAccept: */*\r\n\r\n"
                writer.write(request.encode("ascii"))
                await writer.drain()
                status_line = await reader.readline()
            finally:
                writer.close()
                with suppress(OSError):
                    await writer.wait_closed()
    except (OSError, TimeoutError, ValueError):
        return None
    return _parse_status(status_line)


async def healthy(urls: Sequence[str], timeout: float) -> bool:
    """The first URL that exists decides: 200 is healthy; a 404 moves on to the next URL."""
    for url in urls:
        status = await http_status(url, timeout)
        if status == NOT_FOUND:
            continue
        return status == 200
    return False


def _parse_status(line: bytes) -> int | None:
    parts = line.split(None, 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None
