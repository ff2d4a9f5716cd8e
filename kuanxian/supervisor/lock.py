"""One supervisor per port set: a lock file held with `flock` for the supervisor's lifetime.

The file `var/run/<run key>.lock` holds a small JSON description of its holder (pid,
start time, ports). The kernel releases an flock when its holder dies, even by
SIGKILL, so a file left behind by a killed supervisor never blocks the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Self

READ_RETRIES = 20
READ_RETRY_SECONDS = 0.05


@dataclass(frozen=True)
class Holder:
    """Who runs a port set."""

    pid: int
    started: str
    ports: dict[str, list[int]]
    process_start: int | None = None

    @classmethod
    def current(cls, ports: dict[str, list[int]]) -> Holder:
        started = datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
        return cls(os.getpid(), started, ports, process_start_ticks(os.getpid()))

    def describe(self) -> str:
        ports = "; ".join(f"{role} {_ports_text(ports)}" for role, ports in self.ports.items())
        return f"supervisor pid {self.pid}, started {self.started}, ports {ports}"

    def is_alive(self) -> bool:
        """Whether the process that wrote this is still running (and is not a reused pid)."""
        if self.process_start is None:
            return _pid_exists(self.pid)
        return process_start_ticks(self.pid) == self.process_start

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            data: Any = json.loads(text)
            ports = {str(role): [int(p) for p in values] for role, values in data["ports"].items()}
            start = data.get("process_start")
            return cls(int(data["pid"]), str(data["started"]), ports, int(start) if start is not None else None)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


class AlreadyRunning(Exception):
    """Another supervisor holds the lock; `holder` is None if it has not described itself yet."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        super().__init__(f"{path} is held by {holder.describe() if holder else 'another supervisor'}")
        self.path = path
        self.holder = holder


class RunLock:
    """An exclusive, non-blocking flock on one file, released by `release()` or by death."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, holder: Holder) -> None:
        """Take the lock and describe ourselves in the file, or raise AlreadyRunning at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                found = _read_holder(fd)
                os.close(fd)
                raise AlreadyRunning(self.path, found) from None
            if _still_at(fd, self.path):
                break
            # A previous holder removed the file between our open and our lock: start over.
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.to_json().encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Remove the file (it is ours while we hold the lock), then let go of the lock."""
        if self._fd is None:
            return
        if _still_at(self._fd, self.path):
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def live_holders(run_root: Path) -> list[Holder]:
    """The running supervisors described by lock files under `run_root`."""
    holders = []
    for path in sorted(run_root.glob("*.lock")):
        try:
            holder = Holder.from_json(path.read_text(encoding="utf-8"))
        except OSError:
            continue
        if holder and holder.is_alive():
            holders.append(holder)
    return holders


def holder_of_port(run_root: Path, port: int) -> Holder | None:
    """The other running supervisor whose run uses `port`, if any."""
    for holder in live_holders(run_root):
        if holder.pid != os.getpid() and any(port in ports for ports in holder.ports.values()):
            return holder
    return None


def process_start_ticks(pid: int) -> int | None:
    """A process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _read_holder(fd: int) -> Holder | None:
    """The holder's description; it may take a moment to appear after the holder locked the file."""
    for _ in range(READ_RETRIES):
        holder = Holder.from_json(os.pread(fd, 65536, 0).decode(errors="replace"))
        if holder:
            return holder
        time.sleep(READ_RETRY_SECONDS)
    return None


def _still_at(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    ours = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (ours.st_dev, ours.st_ino)


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ports_text(ports: list[int]) -> str:
    return " ".join(str(p) for p in ports)
