"""Play a borrower by hand (or let a helper play one), one message per command, against a running hub.

    .venv/bin/python tools/play.py --hub http://127.0.0.1:8000 start NAME demo-001   # a fresh copy of the account
    .venv/bin/python tools/play.py --hub http://127.0.0.1:8000 say NAME "你好，我想问下我还欠多少"
    .venv/bin/python tools/play.py --hub http://127.0.0.1:8000 show NAME              # the whole transcript

`say` prints what the borrower is shown after the message (the assistant, the system, a collector), waiting as
long as a person would for a reply. Sessions are kept in var/play/NAME.json so the chat can go on across commands.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from conversations import Player  # noqa: E402

SESSIONS = ROOT / "var" / "play"


def _session(name: str) -> dict[str, Any]:
    path = SESSIONS / f"{name}.json"
    if not path.exists():
        raise SystemExit(f"no session {name!r}: run `start {name} ACCOUNT` first")
    return json.loads(path.read_text(encoding="utf-8"))


def _print(messages: list[dict[str, Any]]) -> None:
    who = {"borrower": "我", "bot": "助手", "system": "系统", "collector": "工作人员"}
    for m in messages:
        print(f"[{who.get(m['sender_type'], m['sender_type'])}] {m['text']}")
        for b in m.get("buttons") or []:
            print(f"    (按钮: {b.get('title')})")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="http://127.0.0.1:8000")
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start")
    start.add_argument("name")
    start.add_argument("account", choices=["demo-001", "demo-002", "demo-003"])
    say = sub.add_parser("say")
    say.add_argument("name")
    say.add_argument("text")
    show = sub.add_parser("show")
    show.add_argument("name")
    args = parser.parse_args(argv)
    player = Player(args.hub)
    if args.command == "start":
        borrower_id, auth, conversation_id = player.start(args.account)
        SESSIONS.mkdir(parents=True, exist_ok=True)
        (SESSIONS / f"{args.name}.json").write_text(
            json.dumps({"borrower_id": borrower_id, "auth": auth, "conversation_id": conversation_id}), encoding="utf-8"
        )
        print(f"started {args.name} as {borrower_id}")
        _print(player.messages(auth))
        return 0
    session = _session(args.name)
    if args.command == "say":
        seq, latency = player.say(session["auth"], args.text)
        _print([m for m in player.messages(session["auth"]) if m["seq"] > seq])
        if latency is None:
            print("(没有回复)")
        return 0
    _print(player.messages(session["auth"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
