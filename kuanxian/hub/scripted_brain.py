"""A scripted fake of the Rasa brain, for hub, API and browser tests that need no model.

Selected with KUANXIAN_BRAIN=scripted (refused in production). It answers by
keyword, emits typed commands the way the real actions do, and can be told to
fail, stay silent or be slow, so the hub's handling of each is testable in
seconds. The whole-stack tests use the real model.

    转人工 / 人工          → a reply and RequestHandoff(request_human)
    确认 / /affirm         → AgreePlan for the offered plan
    分<N>期                → an offer of N monthly installments (with buttons)
    不要再发 / 退订         → OptOut;  恢复提醒 → OptIn
    不是我的               → OpenDispute and a handoff
    !silent                → no output at all (like a failed action server)
    !fail                  → BrainUnavailable (like Rasa down)
    !slow <seconds>        → answers after a delay
    anything else          → "收到：<text>"
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_UP, Decimal

from kuanxian.commands import AgreePlan, OpenDispute, OptIn, OptOut, RequestHandoff
from kuanxian.dates import Frequency, add_months
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.message import Button
from kuanxian.hub.brain import BotText, BrainReply, BrainUnavailable, TurnContext

_COUNT = re.compile(r"分\s*(\d{1,2})\s*期")
_SLOW = re.compile(r"^!slow\s+(\d+(?:\.\d+)?)")
DEMO_BALANCE = Decimal("12000.00")


def _per_installment(balance: Decimal, count: int) -> Decimal:
    """What the plan engine asks of each installment: the balance over `count`, rounded up to the fen."""
    return (balance / count).quantize(Decimal("0.01"), rounding=ROUND_UP)


@dataclass
class ScriptedBrain:
    balance: Decimal = DEMO_BALANCE
    today: date = field(default_factory=date.today)
    offers: dict[str, int] = field(default_factory=dict)
    turns: list[tuple[str, str]] = field(default_factory=list)

    async def turn(self, text: str, context: TurnContext) -> BrainReply:
        self.turns.append((context.conversation_id, text))
        slow = _SLOW.match(text)
        if slow:
            await asyncio.sleep(float(slow.group(1)))
            return BrainReply((BotText("抱歉让您久等了。"),))
        if text.startswith("!fail"):
            raise BrainUnavailable("scripted failure")
        if text.startswith("!silent"):
            return BrainReply()
        if "人工" in text:
            return BrainReply(
                (BotText("好的，我已经为您申请转接人工客服，请稍等。"),),
                (RequestHandoff(HandoffReason.REQUEST_HUMAN, Priority.NORMAL, text[:200]),),
            )
        if "恢复提醒" in text:
            return BrainReply((BotText("好的，已为您恢复还款提醒。"),), (OptIn(),))
        if "不要再发" in text or "退订" in text:
            return BrainReply((BotText("好的，已为您关闭主动还款提醒。"),), (OptOut(),))
        if "不是我的" in text:
            return BrainReply(
                (BotText("明白了，我们已经记录了您的异议。"),),
                (OpenDispute(text[:200]), RequestHandoff(HandoffReason.DISPUTE, Priority.HIGH, text[:200])),
            )
        count = _COUNT.search(text)
        if count:
            n = max(1, min(24, int(count.group(1))))
            self.offers[context.conversation_id] = n
            amount = _per_installment(self.balance, n)
            return BrainReply(
                (
                    BotText(
                        f"可以的：每月还{amount}元，共{n}期。您看确认这个计划吗？",
                        (Button("确认这个计划", "/affirm"), Button("我再想想", "/think_it_over")),
                    ),
                )
            )
        if text in ("确认", "/affirm") and context.conversation_id in self.offers:
            n = self.offers.pop(context.conversation_id)
            first = add_months(self.today, 1)
            return BrainReply(
                (BotText(f"好的，已经为您确认还款计划：共{n}期。"),),
                (AgreePlan(_per_installment(self.balance, n), n, Frequency.MONTHLY, first),),
            )
        return BrainReply((BotText(f"收到：{text}"),))

    async def trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        self.turns.append((context.conversation_id, f"!{intent}"))
        if intent == "EXTERNAL_payment_reminder":
            amount = entities.get("amount", str(self.balance))
            return BrainReply((BotText(f"您好，这里是宽限还款助手。温馨提醒：您有一笔{amount}元的款项待还。"),))
        if intent == "EXTERNAL_handback":
            if entities.get("plan_id"):  # like action_handback: confirm the plan agreed with the person
                return BrainReply(
                    (
                        BotText(
                            f"工作人员已将对话交回给我。和您商定的还款计划（编号{entities['plan_id']}）已经记录好了，"
                            "关于这个计划有任何问题，都可以问我。"
                        ),
                    )
                )
            return BrainReply((BotText("工作人员已将对话交回给我。还有什么我可以帮您的吗？"),))
        return BrainReply()

    async def health(self) -> dict[str, str]:
        return {"brain": "scripted"}

    async def close(self) -> None:
        return None
