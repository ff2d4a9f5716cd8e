"""Before starting: is each port free, and if not, who is listening on it?"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from kuanxian.supervisor.topology import Endpoint

TCP_LISTEN = "0A"
PROC = Path("/proc")
SECRET_OPTIONS = frozenset({"--auth-token", "--jwt-secret"})


@dataclass(frozen=True)
class BusyPort:
    endpoint: Endpoint
    owner: str | None  # "pid 123 (python -m http.server)" when we can tell


def busy_ports(endpoints: list[Endpoint]) -> list[BusyPort]:
    """The endpoints whose port cannot be bound right now, with who holds each if visible."""
    return [BusyPort(e, listener_of(e.port)) for e in endpoints if port_in_use(e.host, e.port)]


def port_in_use(host: str, port: int) -> bool:
    """Try to bind like a server would (SO_REUSEADDR, so TIME_WAIT leftovers do not count)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def listener_of(port: int) -> str | None:
    """Describe the process listening on `port` (Linux /proc), or None if we cannot see it."""
    sockets = _listening_sockets(port)
    if not sockets:
        return None
    for inode, _uid in sockets:
        pid = _pid_owning(inode)
        if pid is not None:
            return f"pid {pid} ({command_line(pid)})"
    return f"a process of user id {sockets[0][1]} that this user cannot inspect"


def command_line(pid: int, limit: int = 120) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "command unknown"
    words = redact(raw.decode(errors="replace").split("\0"))
    text = " ".join(w for w in words if w).strip() or "command unknown"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(argv: list[str]) -> list[str]:
    """Hide the value of secret-bearing options (Rasa's --auth-token) in a command line."""
    shown = []
    hide_next = False
    for word in argv:
        if hide_next:
            shown.append("***")
            hide_next = False
        elif word in SECRET_OPTIONS:
            shown.append(word)
            hide_next = True
        elif word.split("=", 1)[0] in SECRET_OPTIONS:
            shown.append(word.split("=", 1)[0] + "=***")
        else:
            shown.append(word)
    return shown


def _listening_sockets(port: int) -> list[tuple[str, int]]:
    """(inode, uid) of every TCP socket listening on `port`, IPv4 and IPv6."""
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != TCP_LISTEN:
                continue
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.append((fields[9], int(fields[7])))
    return found


def _pid_owning(inode: str) -> int | None:
    target = f"socket:[{inode}]"
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == target:
                    return int(entry.name)
        except OSError:
            continue
    return None
