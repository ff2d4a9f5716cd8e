"""`make shell`: chat with the assistant in a terminal, as demo borrower demo-001.

Talks to the running Rasa server's REST channel on loopback with the same
metadata the hub sends, so account answers work. Start it with `make run` first
(it tells you when Rasa is not running).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
import uuid

RASA = os.environ.get("KUANXIAN_RASA_URL", "http://127.0.0.1:5005")


def turn(sender: str, text: str, borrower_id: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text, "metadata": {"borrower_id": borrower_id}}).encode()
    request = urllib.request.Request(f"{RASA}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def main() -> int:
    borrower_id = os.environ.get("KUANXIAN_BORROWER", "demo-001")
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    try:
        urllib.request.urlopen(f"{RASA}/", timeout=3)
    except (urllib.error.URLError, OSError):
        print(f"Rasa is not running at {RASA}. Start everything with `make run` in another terminal.")
        return 2
    print(f"Chatting as {borrower_id}. Type a message; 'quit' or Ctrl-D ends.")
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
        for output in turn(sender, text, borrower_id):
            if "text" in output:
                print("助手:", output["text"])
                for b in output.get("buttons") or []:
                    print(f"   [{b['title']}] → {b['payload']}")
            if "custom" in output:
                print("   (payload for the hub)", json.dumps(output["custom"], ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
