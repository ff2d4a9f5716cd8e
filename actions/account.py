"""Answers: balance, due date, how to pay, what happens if late, fears, the plan, a missed payment; and not understanding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import BorrowerAction, Context, Events, KuanxianAction, awaiting_person, draft_on_the_table, say, text_of
from actions.session import account_of, is_active_plan, recorded_hardship
from kuanxian.dialogue import parse
from kuanxian.dialogue.negotiation import State, draft_fingerprint, draft_interest, resume
from kuanxian.replies import Reply
from kuanxian.replies import account as texts
from kuanxian.replies import hardship as hardship_texts
from kuanxian.replies import plans as plan_texts
from kuanxian.replies.common import PERSON, PLAN


def _with_resume(dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
    """After answering a question mid-negotiation, offer to pick it up again."""
    events: Events = [SlotSet("misunderstood", 0.0)]
    if context is None:
        return events
    state = State.from_slot(tracker.get_slot("negotiation"))
    if state.draft and is_active_plan(state.draft, context):
        return events  # the draft is the plan already agreed: nothing to pick up
    pending = resume(
        state, account_of(context, recorded_hardship(tracker, context), disclosed=bool(tracker.get_slot("hardship_disclosed")))
    )
    if pending is None or not state.draft:
        return events
    fingerprint = draft_fingerprint(state.draft)
    times = state.resumed if state.resumed_draft == fingerprint else 0
    if times == 0:
        say(dispatcher, pending.reply)
    elif times == 1:
        say(dispatcher, plan_texts.draft_still_open())  # the same plan in full a third time would be a loop
    events.append(SlotSet("pending_offer", pending.pending))
    events.append(SlotSet("negotiation", replace(state, resumed_draft=fingerprint, resumed=times + 1).to_slot()))
    return events


class _Answer(BorrowerAction):
    """An answer composed from the context, then the negotiation resumed if one is open."""

    compose: Callable[[Context], Reply]

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        say(dispatcher, type(self).compose(context))
        return _with_resume(dispatcher, tracker, context)


class ActionAnswerBalance(_Answer):
    compose = staticmethod(lambda c: texts.balance(c.borrower, c.today, c.plan))  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_balance"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        events = await super().act_for(dispatcher, tracker, context)
        if context.plan is None and not draft_on_the_table(tracker) and parse.asks_due_date(text_of(tracker)):
            # "你给我说我到底欠多少钱 几号该还": both questions answered, the amount first.
            say(dispatcher, texts.due_date(context.borrower, context.today, None))
        return events


class ActionAnswerDueDate(_Answer):
    compose = staticmethod(lambda c: texts.due_date(c.borrower, c.today, c.plan))  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_due_date"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        if context.plan is None and draft_on_the_table(tracker):
            # "那两个月以后是几号开始还？" with a plan on the table: its first payment (in the plan restated), not the
            # account's old due day.
            return _with_resume(dispatcher, tracker, context)
        if parse.asks_balance(text_of(tracker)):
            # "那我还欠好多钱 最晚哪天要还": both questions answered, the amount first.
            say(dispatcher, texts.balance(context.borrower, context.today, context.plan))
        return await super().act_for(dispatcher, tracker, context)


class ActionAnswerPaymentMethod(_Answer):
    compose = staticmethod(lambda c: texts.payment_method(c.borrower))  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_payment_method"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        if parse.changes_card(text_of(tracker)):
            # "扣款的那张卡怎么换": where the card is changed, not how to pay.
            say(dispatcher, texts.change_card())
            return _with_resume(dispatcher, tracker, context)
        return await super().act_for(dispatcher, tracker, context)


class ActionAnswerPlanDetails(_Answer):
    # Without a plan, "每个月是几号要还" still has an answer: the account's own due day, and that no plan is agreed yet.
    compose = staticmethod(
        lambda c: (
            plan_texts.plan_details(c.plan, c.today)
            if c.plan is not None
            # type: ignore[assignment]
            else Reply(
                texts.due_date(c.borrower, c.today, None).text + "目前还没有商定分期计划，需要的话，我们可以现在就商量一个。", (PLAN,)
            )
        )
    )

    def name(self) -> str:
        return "action_answer_plan_details"

    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        if context.plan is None and draft_on_the_table(tracker):
            # "第一期是哪天还？" about the plan on the table: the offer itself says it (dates included).
            return _with_resume(dispatcher, tracker, context)
        return await super().act_for(dispatcher, tracker, context)


class _Plain(KuanxianAction):
    """A fixed answer that needs no account (truthful facts, fears, a missed payment)."""

    needs_borrower = False
    reply: Callable[[], Reply]

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        say(dispatcher, type(self).reply())
        return _with_resume(dispatcher, tracker, context)


class ActionAnswerConsequences(_Answer):
    compose = staticmethod(lambda c: texts.consequences(c.borrower))  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_consequences"


class ActionAnswerEarlyRepayment(_Plain):
    reply = staticmethod(texts.early_repayment)  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_early_repayment"


class ActionExplainLate(KuanxianAction):
    """ "工资晚发了，所以没按时还": thanks, no blame, and when could they pay (a date answers it as a promise)."""

    needs_borrower = False

    def name(self) -> str:
        return "action_explain_late"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        say(dispatcher, texts.late_explained())
        return [SlotSet("awaiting", "promise_date"), SlotSet("misunderstood", 0.0)]


class ActionAnswerFears(_Plain):
    reply = staticmethod(texts.fears)  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_fears"


class ActionAnswerMissedPayment(_Plain):
    reply = staticmethod(plan_texts.if_cannot_pay)  # type: ignore[assignment]

    def name(self) -> str:
        return "action_answer_missed_payment"


class ActionOutOfScope(_Plain):
    reply = staticmethod(texts.out_of_scope)  # type: ignore[assignment]

    def name(self) -> str:
        return "action_out_of_scope"


class ActionListenKindly(KuanxianAction):
    """Feelings. With the hub's safety check agreeing (metadata safety=distress): care, a person at
    once, reminders paused. Without it: listen, with no alarm and no hotline (the check decides)."""

    needs_borrower = False

    def name(self) -> str:
        return "action_listen_kindly"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        if isinstance(metadata, dict) and metadata.get("safety") == "distress" and metadata.get("awaiting_person"):
            # A person is on the way already: heard, kindly, not the same four lines and another request.
            say(dispatcher, texts.still_listening())
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        if isinstance(metadata, dict) and metadata.get("safety") == "distress":
            from actions.runtime import command
            from kuanxian.commands import PauseReminders, RequestHandoff
            from kuanxian.domain.handoff import HandoffReason, Priority
            from kuanxian.safety.crisis import distress_messages

            days = metadata.get("hardship_pause_days")
            for text in distress_messages(days if isinstance(days, int) and 1 <= days <= 90 else 7):
                say(dispatcher, Reply(text))
            command(dispatcher, PauseReminders("distress"))
            command(dispatcher, RequestHandoff(HandoffReason.DISTRESS, Priority.HIGH, "情绪困扰（原话见对话记录）"))
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        say(dispatcher, texts.kind_listen())
        return _with_resume(dispatcher, tracker, context)


@dataclass(frozen=True)
class _Question:
    """A question the classifier could not place, answered from the words: when `applies`, `answer` is said and the
    question on the table stays."""

    example: str
    applies: Callable[[str, Optional[Context]], bool]
    answer: Callable[[Tracker, Optional[Context]], Reply]


def _with_context(reply: Callable[[Tracker, Context], Reply]) -> Callable[[Tracker, Optional[Context]], Reply]:
    def answer(tracker: Tracker, context: Optional[Context]) -> Reply:
        if context is None:  # the row's `applies` asks for a context first
            raise RuntimeError("this answer needs the Borrower's context")
        return reply(tracker, context)

    return answer


# Read top to bottom; the first row that applies answers.
_QUESTIONS: tuple[_Question, ...] = (
    _Question(
        "分期的话利息还会一直涨吗 / 总数是不是就12000 不会再加了: what the plan adds up to, honestly",
        lambda text, c: c is not None and parse.asks_plan_interest(text) and not parse.says_dispute(text),
        _with_context(lambda t, c: _interest_answer(t, c)),
    ),
    _Question(
        "这350是什么钱: the fees explained",
        lambda text, c: c is not None and parse.asks_about_fees(text) and not parse.says_dispute(text),
        _with_context(lambda t, c: texts.fees_explained(c.borrower)),
    ),
    _Question(
        "记录困难是啥意思 会影响征信吗: what a hardship record is for (the consent question stays open)",
        lambda text, c: parse.asks_about_hardship_record(text),
        lambda t, c: hardship_texts.record_explained(),
    ),
    _Question(
        "把我的资料都删了 / 你们存了我哪些东西: the personal data kept, and how deletion is asked for",
        lambda text, c: parse.asks_about_personal_data(text),
        lambda t, c: texts.personal_data(),
    ),
    _Question(
        "账户能注销吗？逾期记录会消掉吗？: what happens after the last payment, truthfully",
        lambda text, c: parse.asks_after_payoff(text),
        lambda t, c: texts.after_payoff(),
    ),
    _Question("怎么证明你是正规的？", lambda text, c: parse.asks_if_genuine(text), lambda t, c: texts.genuine()),
    _Question(
        "12月20号是纽约时间还是北京时间？",
        lambda text, c: c is not None and parse.asks_time_zone(text),
        _with_context(lambda t, c: texts.time_zone(c.borrower.timezone)),
    ),
    _Question(
        "那之前说的停三个月那个工作人员还会找我吗: the handoff as it stands",
        lambda text, c: parse.asks_if_person_coming(text),
        lambda t, c: texts.person_status(awaiting_person(t)),
    ),
)


class ActionFallback(KuanxianAction):
    """Not understood: ask once, then offer buttons and a person (never the same apology a third time)."""

    needs_borrower = False

    def name(self) -> str:
        return "action_fallback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        text = text_of(tracker)
        kept = [SlotSet("misunderstood", 0.0), SlotSet("pending_offer", tracker.get_slot("pending_offer"))]
        for question in _QUESTIONS:
            if question.applies(text, context):
                say(dispatcher, question.answer(tracker, context))
                return kept
        if awaiting_person(tracker):
            # Waiting for a person (questions above are still answered): "we didn't understand" helps nobody; say the person will read it.
            say(dispatcher, texts.person_will_read())
            return kept
        if context is not None and not tracker.get_slot("wrong_person") and parse.says_dispute(text):
            # Not understood as a whole, but the debt is plainly questioned ("本金11200??? 不可能 合同上写的就是8000").
            from actions.contact import ActionOpenDispute

            return await ActionOpenDispute().act_for(dispatcher, tracker, context)
        answer = _close_answer(tracker) if context is not None else None
        if answer is not None and context is not None:
            # Two questions about the account the classifier could not tell apart ("计划里下一期是什么时候": the plan
            # or the due date): either answer helps more than "没太明白".
            return await answer().act_for(dispatcher, tracker, context)
        times = int(tracker.get_slot("misunderstood") or 0) + 1
        say(dispatcher, texts.not_understood(times))
        # Not understood is not an answer: the question on the table stays (a person is offered after two).
        pending = "transfer_offer" if times >= 2 else tracker.get_slot("pending_offer")
        return [SlotSet("misunderstood", float(times)), SlotSet("pending_offer", pending)]


def _interest_answer(tracker: Tracker, context: Context) -> Reply:
    """Interest during the agreed plan, or the plan on the table; the fees explained when there is neither."""
    policy = context.borrower.policy
    hardship = bool(context.hardships)
    if context.plan is not None:
        plan = context.plan
        return plan_texts.interest_during_plan(
            total=plan.total,
            regular=plan.regular_amount,
            count=plan.count,
            frozen=plan.interest_frozen,
            freeze_on_hardship=policy.interest_freeze_on_hardship,
            agreed=True,
            holiday_days=plan.holiday_days,
        )
    state = State.from_slot(tracker.get_slot("negotiation"))
    draft = state.draft
    if not draft and state.holiday_days:
        # "这两个月利息还算吗" while a holiday is talked about: the holiday's interest, plainly.
        frozen = policy.interest_freeze_on_hardship and hardship
        note = plan_texts.interest_note(
            frozen=frozen, freeze_on_hardship=policy.interest_freeze_on_hardship and not hardship, holiday_days=state.holiday_days
        )
        return Reply(note, (PERSON,))
    if draft:
        return draft_interest(draft, context.borrower.balance, policy, recorded=hardship)
    return texts.fees_explained(context.borrower)


# Questions answered from the account alone; when the classifier is torn between two of them, the likelier is answered.
_ANSWERS: dict[str, type[_Answer]] = {
    "ask_balance": ActionAnswerBalance,
    "ask_due_date": ActionAnswerDueDate,
    "ask_plan_details": ActionAnswerPlanDetails,
    "ask_payment_method": ActionAnswerPaymentMethod,
}
CLOSE_ANSWERS_AT = 0.8


def _close_answer(tracker: Tracker) -> Optional[type[_Answer]]:
    ranking = [r for r in (tracker.latest_message or {}).get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    if len(ranking) < 2:
        return None
    first, second = ranking[0], ranking[1]
    both = first.get("name") in _ANSWERS and second.get("name") in _ANSWERS
    if both and float(first.get("confidence") or 0) + float(second.get("confidence") or 0) >= CLOSE_ANSWERS_AT:
        return _ANSWERS[str(first["name"])]
    return None
