"""The supervisor's own output: its notes, and children's lines with a `[name]` prefix."""

from __future__ import annotations

import sys
from typing import TextIO


class Console:
    """Writes to the given streams, or to sys.stdout / sys.stderr as they are at write time.

    Lines are short and written as they come; if the terminal goes away (SIGHUP,
    a closed pipe), output is dropped rather than interrupting a shutdown.
    """

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = out
        self._err = err

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def info(self, message: str) -> None:
        self._write(self.out, f"kuanxian: {message}\n")

    def error(self, message: str) -> None:
        self._write(self.err, f"kuanxian: {message}\n")

    def text(self, text: str) -> None:
        self._write(self.out, text)

    def relay(self, name: str, line: str, *, from_stderr: bool) -> None:
        self._write(self.err if from_stderr else self.out, f"[{name}] {line}\n")

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        """Write and flush; a closed or hung-up terminal must not stop the supervision."""
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            pass
