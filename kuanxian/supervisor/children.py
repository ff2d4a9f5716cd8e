"""One supervised child process.

Each child starts in its own process group (so a Ctrl-C in the terminal reaches only
the supervisor, which then stops the children in order, and so stopping a child
reaches every process it spawned), with a parent-death signal: if the supervisor
dies, even by SIGKILL, the kernel sends the child SIGTERM.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path

from kuanxian.supervisor.console import Console
from kuanxian.supervisor.services import Service

PR_SET_PDEATHSIG = 1
CHUNK = 65536
MAX_LINE = 1 << 20
KILL_GRACE_SECONDS = 2.0
GROUP_POLL_SECONDS = 0.05


class Child:
    """A `Service` and its current process, output relays and recent error lines."""

    def __init__(self, service: Service, console: Console, tail_lines: int = 20, base_env: Mapping[str, str] | None = None) -> None:
        self.service = service
        self.base_env = os.environ if base_env is None else base_env
        self.console = console
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_tail: deque[str] = deque(maxlen=tail_lines)
        self._relays: list[asyncio.Task[None]] = []
        self._starting: asyncio.Future[None] | None = None

    @property
    def name(self) -> str:
        return self.service.name

    async def start(self) -> None:
        """Start the process (raises OSError if it cannot be executed).

        The spawn is shielded: if the caller is cancelled meanwhile, the process is
        still recorded, and `stop()` waits for the spawn, so no child escapes shutdown.
        """
        self._starting = asyncio.ensure_future(self._spawn())
        await asyncio.shield(self._starting)

    async def _spawn(self) -> None:
        self.stderr_tail.clear()
        self.process = await asyncio.create_subprocess_exec(
            *self.service.argv,
            cwd=self.service.cwd,
            env={**self.base_env, **self.service.env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            process_group=0,
            preexec_fn=parent_death_preexec(),
        )
        stdout, stderr = _piped(self.process.stdout, "stdout"), _piped(self.process.stderr, "stderr")
        self._relays = [
            asyncio.create_task(self._relay(stdout, from_stderr=False)),
            asyncio.create_task(self._relay(stderr, from_stderr=True)),
        ]

    async def wait(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} has not been started")
        return await self.process.wait()

    async def settle(self, timeout: float) -> None:
        """After the child exited on its own: end what it left in its group, read the rest of its output."""
        if self.process:
            await self._end_group(self.process, timeout)
        await self._drain(timeout)

    async def stop(self, timeout: float) -> bool:
        """SIGTERM the child's whole group, SIGKILL it after `timeout`; False if it had to be killed."""
        if self._starting:
            with suppress(Exception):
                await self._starting
        if not self.process:
            return True
        gentle = await self._end_group(self.process, timeout)
        await self._drain(KILL_GRACE_SECONDS)
        return gentle

    async def _end_group(self, process: asyncio.subprocess.Process, timeout: float) -> bool:
        pgid = process.pid
        if not _signal_group(pgid, signal.SIGTERM):
            await process.wait()
            return True
        try:
            await asyncio.wait_for(self._group_gone(process), timeout)
            return True
        except TimeoutError:
            _signal_group(pgid, signal.SIGKILL)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._group_gone(process), KILL_GRACE_SECONDS)
            return False

    async def _group_gone(self, process: asyncio.subprocess.Process) -> None:
        """The process has exited and its group (pgid = its pid) has no live members left."""
        await process.wait()
        while await asyncio.to_thread(group_has_live_members, process.pid):
            await asyncio.sleep(GROUP_POLL_SECONDS)

    async def _drain(self, timeout: float) -> None:
        if not self._relays:
            return
        _, pending = await asyncio.wait(self._relays, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._relays = []

    async def _relay(self, stream: asyncio.StreamReader, *, from_stderr: bool) -> None:
        pending = b""
        while chunk := await stream.read(CHUNK):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                self._emit(line, from_stderr)
            if len(pending) > MAX_LINE:
                self._emit(pending, from_stderr)
                pending = b""
        if pending:
            self._emit(pending, from_stderr)

    def _emit(self, raw: bytes, from_stderr: bool) -> None:
        line = raw.decode(errors="replace").rstrip("\r")
        self.console.relay(self.name, line, from_stderr=from_stderr)
        if from_stderr:
            self.stderr_tail.append(line)


def _piped(stream: asyncio.StreamReader | None, name: str) -> asyncio.StreamReader:
    """A stream started with PIPE (asyncio types it as optional)."""
    if stream is None:
        raise RuntimeError(f"the child's {name} is not a pipe")
    return stream


def describe_exit(status: int) -> str:
    """`status 1`, or `signal SIGKILL` for a child killed by a signal."""
    if status < 0:
        with suppress(ValueError):
            return f"signal {signal.Signals(-status).name}"
        return f"signal {-status}"
    return f"status {status}"


def parent_death_preexec() -> Callable[[], None] | None:
    """A preexec function asking the kernel to SIGTERM the child when the supervisor dies.

    Everything is resolved here, in the parent, so the forked child only makes one
    libc call and a getppid() (no imports, locks or allocation-heavy work between
    fork and exec). The signal is tied to the forking thread: the supervisor forks
    from its event-loop thread, which lives as long as the supervisor.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()
    pdeathsig = int(signal.SIGTERM)

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, pdeathsig, 0, 0, 0)
        # The supervisor may have died before prctl took effect: then act as if it had fired.
        if os.getppid() != parent:
            os.kill(os.getpid(), pdeathsig)

    return preexec


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def _signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Send `sig` to a process group; False if the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def group_has_live_members(pgid: int) -> bool:
    """Whether any process other than a zombie is left in group `pgid` (Linux /proc)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    return any(entry.name.isdigit() and _live_member(entry / "stat", pgid) for entry in proc.iterdir())


def _live_member(stat_path: Path, pgid: int) -> bool:
    try:
        stat = stat_path.read_text()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2 :].split()
    # fields[0] is the state, fields[2] the process group.
    return len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X")
