"""Fault injection: a crashed action server or Rasa never means silence for the Borrower.

Kept in its own module, after test_conversations: crashing Rasa is the last
test (restarting it costs a model load); any test that finds a process down
gets it restarted first (conftest `api`).
"""

from __future__ import annotations

import pytest
from hub.client import Api, Widget
from support.stack import Stack

from integration.stackkit import alive, crash, start_actions
from integration.talk import TURN, answers, queued, say, shown, texts
from kuanxian import notices

pytestmark = pytest.mark.rasa
SAVED = notices.ASSISTANT_UNAVAILABLE  # "…您的消息已保存，我已为您请工作人员来查看，请稍等。"


async def _talking(api: Api) -> Widget:
    """A Borrower mid-negotiation with the assistant."""
    widget = await api.widget()
    asked = texts(await say(widget, "我想分期还款"))
    assert asked and SAVED not in asked, asked
    return widget


async def _honest_notice(api: Api, widget: Widget, text: str) -> list[dict]:
    shown_ = await say(widget, text)
    assert [m["text"] for m in shown_] == [SAVED], f"the honest notice, not silence and not a guess: {shown_}"
    entry = await queued(api, widget)
    assert (entry["status"], entry["reason"]) == ("waiting_for_collector", "assistant_unavailable")
    return shown_


async def test_with_the_action_server_down_the_borrower_is_told_their_message_is_saved_and_a_person_will_look(
    stack: Stack, api: Api
) -> None:
    widget = await _talking(api)

    crash(stack, "actions")
    await _honest_notice(api, widget, "每个月还1000行吗")

    start_actions(stack)
    assert alive(stack, "actions")
    # A person picks the Conversation up and hands it back: the assistant is answering again.
    demo = await api.console("demo")
    assert (await demo.claim(widget.conversation_id)).status_code == 200
    assert (await demo.post(f"/conversations/{widget.conversation_id}/handback")).status_code == 200
    await shown(widget, lambda m: m["sender_type"] == "system" and "交回给智能助手" in m["text"], "the hand-back notice")
    offer = texts(await say(widget, "每个月还1000行吗"))
    assert "每月还1,000.00元，共12期" in offer, offer

    other = await api.widget()
    assert "每月还1,000.00元" in texts(await say(other, "我想分12期还")), "and for everyone else"


async def test_after_the_action_server_is_back_the_next_message_is_answered(stack: Stack, api: Api) -> None:
    widget = await _talking(api)
    crash(stack, "actions")
    await _honest_notice(api, widget, "每个月还1000行吗")
    start_actions(stack)

    seq = await widget.send("每个月还1000行吗")
    shown_ = await answers(widget, seq, timeout=TURN)
    assert shown_, "silence: the Borrower's message got no answer"
    assert "每月还1,000.00元" in texts(shown_), shown_


async def test_with_rasa_down_the_borrower_gets_the_same_honest_notice(stack: Stack, api: Api) -> None:
    """Last in the suite: Rasa stays down afterwards (conftest `api` restarts it if a test still needs it)."""
    widget = await _talking(api)

    crash(stack, "rasa")
    await _honest_notice(api, widget, "每个月还1000行吗")

    other = await api.widget()
    shown_ = await say(other, "我想查一下我还欠多少钱")
    assert [m["text"] for m in shown_] == [SAVED], shown_
