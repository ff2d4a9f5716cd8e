"""A scripted fake of the Rasa brain, for hub, API and browser tests that need no model.

Selected with KUANXIAN_BRAIN=scripted (refused in production). It answers by
keyword, emits typed commands the way the real actions do, and can be told to
fail, stay silent or be slow, so the hub's handling of each is testable in
seconds. The whole-stack tests use the real model.

    转人工 / 人工          → a reply and RequestHandoff(request_human)
    (the hub read distress) → kind words and RequestHandoff(distress), as action_listen_kindly
    确认 / /affirm         → AgreePlan for the offered plan
    分<N>期                → an offer of N monthly installments (with buttons)
    不要再发 / 退订         → OptOut;  恢复提醒 → OptIn
    不是我的               → OpenDispute and a handoff;  撤回异议 → WithdrawDispute
    暂停提醒               → PauseReminders("hardship")
    提醒我                 → ScheduleReminder in a day, note "borrower_request"
    登记困难               → RecordHardship(job_loss) with consent
    困难确认               → AgreePlan for the offered plan, claiming hardship=True
    承诺YYYY-MM-DD[还N]    → RecordPromise for that day (and amount)
    !bad-command           → a text and a command payload of an old contract version (malformed)
    !proactive <text>      → remembered: the next proactive turn (reminder, check-in, hand-back) of this
                             Conversation also carries the commands <text> would have produced
    !silent                → no output at all (like a failed action server)
    !fail                  → BrainUnavailable (like Rasa down)
    !slow <seconds>        → answers after a delay
    anything else          → "收到：<text>"
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_UP, Decimal

from kuanxian.commands import (
    AgreePlan,
    OpenDispute,
    OptIn,
    OptOut,
    PauseReminders,
    RecordHardship,
    RecordPromise,
    RequestHandoff,
    ScheduleReminder,
    WithdrawDispute,
)
from kuanxian.dates import Frequency, add_months
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.hardship import HardshipCategory
from kuanxian.domain.message import Button
from kuanxian.hub.brain import BotText, BrainReply, BrainUnavailable, TurnContext, parse_outputs

_COUNT = re.compile(r"分\s*(\d{1,2})\s*期")
_SLOW = re.compile(r"^!slow\s+(\d+(?:\.\d+)?)")
_PROMISE = re.compile(r"承诺\s*(\d{4}-\d{2}-\d{2})(?:\s*还\s*(\d{1,10}(?:\.\d{1,2})?))?")
_PROACTIVE = "!proactive "
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
    proactive: dict[str, str] = field(default_factory=dict)

    async def turn(self, text: str, context: TurnContext) -> BrainReply:
        self.turns.append((context.conversation_id, text))
        if text.startswith(_PROACTIVE):
            self.proactive[context.conversation_id] = text[len(_PROACTIVE) :].strip()
            return BrainReply((BotText("好的，下次主动联系您时一并处理。"),))
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
        if context.safety == "distress":
            # As the real action_listen_kindly: kind words and a person, at high priority.
            return BrainReply(
                (BotText("听起来你最近真的很不容易，谢谢你愿意说出来。"),),
                (RequestHandoff(HandoffReason.DISTRESS, Priority.HIGH, "情绪困扰（原话见对话记录）"),),
            )
        if "恢复提醒" in text:
            return BrainReply((BotText("好的，已为您恢复还款提醒。"),), (OptIn(),))
        if "不要再发" in text or "退订" in text:
            return BrainReply((BotText("好的，已为您关闭主动还款提醒。"),), (OptOut(),))
        if text.startswith("!bad-command"):
            return parse_outputs([{"text": "好的，已为您关闭主动还款提醒。"}, {"custom": {"kuanxian": {"version": 1, "type": "opt_out"}}}])
        if "暂停提醒" in text:
            return BrainReply((BotText("好的，接下来一段时间我们不会主动提醒您还款。"),), (PauseReminders("hardship"),))
        if "提醒我" in text:
            send_at = datetime.now(tz=UTC) + timedelta(days=1)
            return BrainReply((BotText("好的，到时候提醒您。"),), (ScheduleReminder(send_at, "follow_up", "borrower_request"),))
        if "登记困难" in text:
            return BrainReply((BotText("谢谢您告诉我们，已经登记了您的困难情况。"),), (RecordHardship(HardshipCategory.JOB_LOSS, True),))
        promise = _PROMISE.search(text)
        if promise:
            amount = Decimal(promise.group(2)).quantize(Decimal("0.01")) if promise.group(2) else None
            return BrainReply((BotText("好的，记下了您的还款承诺。"),), (RecordPromise(date.fromisoformat(promise.group(1)), amount),))
        if "撤回异议" in text:
            return BrainReply((BotText("好的，这次的异议已经撤回。"),), (WithdrawDispute(),))
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
        if text in ("确认", "/affirm", "困难确认") and context.conversation_id in self.offers:
            n = self.offers.pop(context.conversation_id)
            first = add_months(self.today, 1)
            return BrainReply(
                (BotText(f"好的，已经为您确认还款计划：共{n}期。"),),
                (AgreePlan(_per_installment(self.balance, n), n, Frequency.MONTHLY, first, hardship=text == "困难确认"),),
            )
        return BrainReply((BotText(f"收到：{text}"),))

    async def trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        self.turns.append((context.conversation_id, f"!{intent}"))
        reply = await self._trigger(intent, entities, context)
        pending = self.proactive.pop(context.conversation_id, None)
        if pending is None:
            return reply
        extra = await self.turn(pending, context)  # like an action that also decides something on a proactive turn
        return replace(reply, commands=reply.commands + extra.commands, rejected=reply.rejected + extra.rejected)

    async def _trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
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
