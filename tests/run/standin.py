"""A tiny stand-in for Rasa, an action server or a hub, used by the supervisor tests.

Run as a script by the supervisor under test. It answers 200 on any path, except
`/api/health/live` (404 unless --live, so the hub check's fallback is used) and
`/env` (the KUANXIAN_* environment as JSON). In --state it appends its pid to
`<name>.pids` at every start and its name to `stops.log` when it gets SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--exit", type=int, help="exit with this status (after --linger seconds)")
    parser.add_argument("--linger", type=float, default=0.0, help="seconds to wait before --exit")
    parser.add_argument("--crash-first", type=int, default=0, help="exit 1 on this many first starts")
    parser.add_argument("--stderr", action="append", default=[], help="a line to write on stderr at start")
    parser.add_argument("--grandchild", action="store_true", help="spawn a long sleeper in our process group")
    parser.add_argument("--ignore-term", action="store_true", help="note SIGTERM but keep running")
    parser.add_argument("--live", action="store_true", help="answer /api/health/live")
    return parser.parse_args(argv)


def append(path: Path, line: str) -> int:
    """Append a line; return how many lines the file has now."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def make_handler(live: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/api/health/live" and not live:
                self._answer(404, b"not here")
            elif self.path == "/env":
                env = {k: v for k, v in os.environ.items() if k.startswith("KUANXIAN_")}
                self._answer(200, json.dumps(env).encode())
            else:
                self._answer(200, b"ok")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def on_sigterm(args: argparse.Namespace) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        append(args.state / "stops.log", args.name)
        if not args.ignore_term:
            os._exit(0)

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str]) -> int:
    args = parse(argv)
    args.state.mkdir(parents=True, exist_ok=True)
    starts = append(args.state / f"{args.name}.pids", str(os.getpid()))
    for line in args.stderr:
        print(line, file=sys.stderr, flush=True)
    if args.exit is not None:
        time.sleep(args.linger)
        return int(args.exit)
    if starts <= args.crash_first:
        print(f"standin {args.name}: crashing on start {starts}", file=sys.stderr, flush=True)
        return 1
    on_sigterm(args)
    if args.grandchild:
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
        append(args.state / f"{args.name}.grandchild", str(sleeper.pid))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.live))
    print(f"standin {args.name} listening on {args.port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
