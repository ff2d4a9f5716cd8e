"""Commands from the assistant: those of turns the hub starts (a reminder, a hand-back) are applied like a Borrower
turn's, and every command the hub rejects is logged (WARNING, key=value) and counted in /metrics with its reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Optional

from support.polling import eventually

from hub.client import ADMIN, WAIT, Api, Widget, today_shanghai, utc_now


def daytime_zone() -> str:
    """A fixed-offset IANA zone where it is about noon now, so the contact rules' quiet hours never hold a reminder back."""
    offset = (12 - datetime.now(tz=UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset  # Etc/GMT-14 .. Etc/GMT+12 exist
    return f"Etc/GMT{-offset:+d}"


async def say(widget: Widget, text: str) -> list[dict[str, Any]]:
    return await widget.answers_after(await widget.send(text))


async def flag(api: Api, borrower_id: str, name: str) -> Any:
    return (await api.account_of(borrower_id))["flags"][name]


# Proactive turns ----------------------------------------------------------------------------------------------------
async def test_commands_of_a_reminder_turn_are_applied(api: Api) -> None:
    widget = await api.widget(timezone=daytime_zone())
    await say(widget, "!proactive 不要再发了")  # the reminder's reply will also carry an opt-out
    scheduled = await api.admin_post(
        "/reminders", {"borrower_id": widget.borrower_id, "kind": "upcoming_due", "send_at": utc_now().isoformat(), "amount": "800.00"}
    )
    assert scheduled.status_code == 201 and scheduled.json()["status"] == "scheduled", scheduled.text
    reminder = await widget.wait_for(lambda m: m["sender_type"] == "bot" and "800.00" in m["text"], "the reminder")

    async def opted_out() -> bool:
        return bool(await flag(api, widget.borrower_id, "opted_out"))

    await eventually(opted_out, timeout=WAIT, what="the reminder turn's opt-out applied")
    events = await api.db.rows("SELECT type FROM outbox WHERE borrower_id = :bid", bid=widget.borrower_id)
    assert [e["type"] for e in events] == ["contact.opted_out"]
    assert reminder["text"].startswith("您好"), "its text was delivered as before"


async def test_commands_of_a_hand_back_turn_are_applied(api: Api) -> None:
    widget = await api.widget()
    await say(widget, "!proactive 不是我的，金额不对")  # the hand-back's reply will open a dispute and ask for a person
    await api.waiting_for_person(widget)
    demo = await api.console("demo")
    assert (await demo.claim(widget.conversation_id)).status_code == 200
    handback = await demo.post(f"/conversations/{widget.conversation_id}/handback", {"note": ""})
    assert handback.status_code == 200, handback.text
    await widget.wait_for(lambda m: m["sender_type"] == "bot" and "交回" in m["text"], "the assistant back")

    async def disputed() -> Optional[dict[str, Any]]:
        account = await api.account_of(widget.borrower_id)
        return account if account["disputes"]["open"] else None

    account = await eventually(disputed, timeout=WAIT, what="the hand-back turn's dispute applied")
    assert account["disputes"]["summary"] == "不是我的，金额不对"
    queued = await demo.queued(widget.conversation_id)
    assert queued is not None and queued["reason"] == "dispute", "the hand-back turn's request for a person was applied too"


# Rejected commands --------------------------------------------------------------------------------------------------
def counted(text: str, command: str, reason: str) -> float:
    found = re.search(
        rf'^kuanxian_commands_rejected_total\{{command="{re.escape(command)}",reason="{re.escape(reason)}"\}} ([0-9.e+]+)$',
        text,
        re.MULTILINE,
    )
    return float(found.group(1)) if found else 0.0


async def test_every_rejected_command_is_logged_and_counted_with_its_reason(api: Api) -> None:
    widget = await api.widget()
    before = (await api.http.get("/metrics", headers=ADMIN)).text

    malformed = await say(widget, "!bad-command")  # a payload of an old contract version
    past = (today_shanghai() - timedelta(days=3)).isoformat()
    await say(widget, f"承诺{past}还100")  # a promise for a day gone by
    assert malformed and malformed[0]["sender_type"] == "bot", "the texts still reach the Borrower"
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["opted_out"] is False and account["promises"] == [], "nothing rejected was applied"

    async def metrics() -> Optional[str]:
        text = (await api.http.get("/metrics", headers=ADMIN)).text
        deltas = (
            counted(text, "opt_out", "unsupported_version") - counted(before, "opt_out", "unsupported_version"),
            counted(text, "record_promise", "promise_in_the_past") - counted(before, "record_promise", "promise_in_the_past"),
        )
        return text if deltas == (1, 1) else None

    await eventually(metrics, timeout=10, what="both rejections counted in /metrics")

    log = api.hub.log_path.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in log.splitlines() if "command_rejected" in line and widget.conversation_id in line]
    assert len(lines) == 2, lines
    assert all(" WARNING " in line for line in lines)
    assert any("command=opt_out reason=unsupported_version stage=contract" in line and "detail=" in line for line in lines)
    assert any("command=record_promise reason=promise_in_the_past stage=state" in line for line in lines)
