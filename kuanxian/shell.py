"""`make shell`: chat with the assistant in a terminal, as a demo Borrower, through the hub.

Uses the same API as the widget (demo token, session, messages), so everything the
product does applies: the guard, crisis handling, commands. Start `make run` first.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

import httpx

HUB = os.environ.get("KUANXIAN_HUB_URL", f"http://127.0.0.1:{os.environ.get('KUANXIAN_PORT', '8000')}")
SHOWN = {"bot": "助手", "system": "系统", "collector": "客服"}


def main() -> int:
    borrower_id = os.environ.get("KUANXIAN_BORROWER", "demo-001")
    with httpx.Client(base_url=HUB, timeout=30) as client:
        try:
            token = client.post("/api/demo/borrower-token", json={"borrower_id": borrower_id}).json()["token"]
        except (httpx.HTTPError, KeyError, ValueError):
            print(f"The hub is not running in demo mode at {HUB}. Start everything with `make run` in another terminal.")
            return 2
        session = client.post("/api/widget/sessions", json={"borrower_token": token}).json()
        auth = {"Authorization": f"Bearer {session['session_token']}"}
        last = max([m["seq"] for m in client.get("/api/widget/messages", headers=auth).json()["messages"]] or [0])
        print(f"Chatting as {borrower_id} through {HUB}. Type a message; 'quit' or Ctrl-D ends.")
        while True:
            try:
                text = input("您: ").strip()
            except EOFError:
                print()
                return 0
            if text in {"quit", "exit"}:
                return 0
            if not text:
                continue
            r = client.post("/api/widget/messages", json={"text": text, "client_id": uuid.uuid4().hex}, headers=auth)
            if r.status_code != 202:
                print("（发送失败：", r.json().get("message", r.text), "）")
                continue
            last = r.json()["seq"]
            deadline, quiet = time.monotonic() + 60, None
            while time.monotonic() < deadline:
                new = client.get("/api/widget/messages", params={"after": last}, headers=auth).json()["messages"]
                for m in new:
                    print(f"{SHOWN.get(m['sender_type'], m['sender_type'])}: {m['text']}")
                    for b in m.get("buttons") or []:
                        print(f"   [{b['title']}] → {b['payload']}")
                    last = m["seq"]
                    quiet = time.monotonic()
                if quiet is not None and time.monotonic() - quiet > 1.5:
                    break
                time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
