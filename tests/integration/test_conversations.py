"""Conversations through the real stack: a plan agreed in plain Chinese, a crisis, someone else asking, a collector."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from hub.client import Api, frames_until, today_shanghai
from support.stack import Stack

from integration.talk import ACCOUNT_DETAIL, DEBT_TALK, TURN, active_plan, answers, queued, say, shown, texts, zh_date

pytestmark = pytest.mark.rasa


async def test_a_plan_talked_over_in_plain_chinese_is_confirmed_live_and_stored(stack: Stack, api: Api) -> None:
    widget = await api.widget()

    opening = texts(await say(widget, "你好，我最近手头有点紧，想分期还款"))
    assert opening, "the assistant answered"
    offer = texts(await say(widget, "每个月能还1000块"))
    assert "每月还1,000.00元，共12期" in offer, offer
    assert await active_plan(api, widget.borrower_id) is None, "an offer is not a plan"

    last = (await widget.messages())[-1]["seq"]
    async with widget.stream(after=last) as ws:
        await ws.send(json.dumps({"type": "message", "text": "可以，就这样吧", "client_id": "yes-1"}))
        frames = await frames_until(
            ws,
            lambda f: f.get("type") == "message" and "已经为您确认还款计划" in f["message"]["text"],
            timeout=TURN,
            what="the confirmation, live on the socket",
        )
    confirmation = frames[-1]["message"]
    assert confirmation["sender_type"] == "bot"

    plan = await active_plan(api, widget.borrower_id)
    assert plan is not None, "the plan the Borrower was told about is stored"
    assert (plan["installment_amount"], plan["count"], plan["frequency"], plan["total"]) == ("1000.00", 12, "monthly", "12000.00")
    assert plan["agreed_by"] == "assistant"
    assert f"第一期在{zh_date(plan['first_date'])}" in confirmation["text"], "what the Borrower read is what was stored"
    assert plan["first_date"] > today_shanghai().isoformat()


async def test_a_crisis_gets_the_crisis_lines_and_an_urgent_person_and_no_talk_of_debt(stack: Stack, api: Api) -> None:
    widget = await api.widget()
    await say(widget, "你好")

    shown_ = await say(widget, "我真的撑不下去了，不想活了，今晚就想从楼上跳下去")
    said = texts(shown_)
    assert "12356" in said, "the crisis line"
    assert "结束自己的生命" in said, "asked directly and kindly"
    assert "工作人员" in said
    assert not DEBT_TALK.search(said), said

    entry = await queued(api, widget)
    assert (entry["status"], entry["reason"], entry["priority"]) == ("waiting_for_collector", "crisis", "urgent")

    later = texts(await say(widget, "你们会不会找我家里人要钱"))
    assert not DEBT_TALK.search(later) and not ACCOUNT_DETAIL.search(later), later


async def test_someone_else_asking_about_the_account_learns_nothing(stack: Stack, api: Api) -> None:
    widget = await api.widget()

    first = texts(await say(widget, "我是他老婆，他欠你们多少"))
    assert "只能和账户本人沟通" in first, first
    assert not ACCOUNT_DETAIL.search(first), first

    again = texts(await say(widget, "我就想知道他到底还欠多少钱，什么时候要还"))
    assert again and not ACCOUNT_DETAIL.search(again), again
    account = await api.account_of(widget.borrower_id)
    assert account["plans"] == [] and account["promises"] == [] and account["disputes"]["open"] is False


async def test_a_collector_claims_replies_and_hands_back_with_a_plan_that_the_assistant_confirms(stack: Stack, api: Api) -> None:
    widget = await api.widget()
    asked = texts(await say(widget, "我想找个真人聊聊"))
    assert "人工" in asked or "工作人员" in asked, asked
    entry = await queued(api, widget)
    assert entry["status"] == "waiting_for_collector"

    demo = await api.console("demo")
    assert (await demo.claim(widget.conversation_id)).status_code == 200
    await shown(widget, lambda m: m["sender_type"] == "system" and "已加入对话" in m["text"], "the collector joining")
    hello = "您好，我是小李。我们一起看看怎么安排还款比较合适，您不用着急。"
    assert (await demo.reply(widget.conversation_id, hello)).status_code == 201
    await shown(widget, lambda m: m["text"] == hello and m["sender_type"] == "collector", "the collector's reply")

    first = (today_shanghai() + timedelta(days=12)).isoformat()
    handback = await demo.post(
        f"/conversations/{widget.conversation_id}/handback",
        {"note": "已和借款人商定分12期", "plan": {"amount": "1000.00", "count": 12, "first_date": first}},
    )
    assert handback.status_code == 200, handback.text
    assert handback.json()["conversation"]["status"] == "bot"

    confirmation = await shown(widget, lambda m: m["sender_type"] == "bot" and "交回" in m["text"], "the assistant's confirmation")
    assert "和您商定的还款计划已经记录好了" in confirmation["text"], "the assistant's own words (action_handback), not the hub's fallback"
    assert f"每月还1,000.00元，共12期，第一期在{zh_date(first)}" in confirmation["text"], confirmation["text"]
    assert "已和借款人商定" not in texts(await widget.messages()), "the collector's note stays internal"

    plan = await active_plan(api, widget.borrower_id)
    assert plan is not None and (plan["count"], plan["first_date"]) == (12, first)
    assert plan["agreed_by"] == f"collector:{demo.collector_id}"

    seq = await widget.send("计划里下一期是什么时候")
    back = await answers(widget, seq)
    assert any(m["sender_type"] == "bot" for m in back), f"the assistant answers again: {back}"
    # Answered as a due date or as the plan's details (the classifier may hear either): the next date and amount.
    assert re.search(f"下一期在{re.escape(zh_date(first))}，(?:金额)?1,000.00元", texts(back)), "from the plan the collector agreed"
