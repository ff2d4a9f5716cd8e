"""When the words decide over a doubtful intent: one table, read top to bottom.

A plain yes or no ("好的", "不用了", "记吧，没关系") answers the question on the
table, whatever intent the classifier heard; words the negotiation can use
("要停三个月", "每月200") go to it rather than to "not understood"; and a few
questions the classifier tends to mishear are answered by the action that can
answer them. Each row says which predicted actions it overrides, what it looks
for in the words and the context, and where the turn goes instead. The first
row that applies wins, so the order matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from kuanxian.dialogue import parse

from .handoff import SERIOUS_COMPLAINT
from .runtime import draft_on_the_table

if TYPE_CHECKING:
    from rasa_sdk import Tracker

    from .runtime import Context

__all__ = ["REROUTES", "Reroute", "Turn", "reroute_target"]

AFFIRM, DENY, NEGOTIATE = "action_handle_affirm", "action_handle_deny", "action_negotiate"
FALLBACK = "action_fallback"
# Actions for a message the classifier was unsure of, or found off-topic.
UNSURE = frozenset({FALLBACK, "action_out_of_scope"})
# What the classifier may call a question about the fees ("这350是什么钱"): answered by the fallback's fee explanation.
FEE_MISHEARD = frozenset({NEGOTIATE, "action_inform", "action_promise", "action_out_of_scope"})
# Actions the words never reroute to an answer: what they do matters more than a question in passing.
KEEP_OWN_ACTION = frozenset(
    {
        AFFIRM,
        DENY,
        "action_request_human",
        "action_open_dispute",
        "action_wrong_person",
        "action_stop_contact",
        "action_resume_contact",
        "action_listen_kindly",
        FALLBACK,
    }
)
# What the classifier may call a question about interest during a plan ("这期间利息还算不算").
INTEREST_MISHEARD = FEE_MISHEARD | {
    "action_handle_fee_relief",
    "action_answer_consequences",
    "action_explain_late",
    "action_answer_plan_details",
    "action_answer_balance",
    "action_handle_complaint",
    "action_keep_draft",
    "action_handle_thank",
    "action_answer_fears",
}
# What the classifier may call a message about a holiday just granted ("过俩月再说", "缓的这段时间利息还涨吗").
HOLIDAY_TALK = UNSURE | {
    "action_promise",
    "action_remind_later",
    "action_keep_draft",
    "action_handle_thank",
    AFFIRM,
    "action_answer_consequences",
    # "那停完了以后 是从什么时候开始还", "缓完之后每个月要还好多": about the plan after the holiday
    "action_answer_due_date",
    "action_answer_balance",
}
# What still decides over "reminders back on" said after a stop.
_KEEPS_OWN_WHEN_STOPPED = frozenset(
    {"action_resume_contact", "action_request_human", "action_open_dispute", "action_wrong_person", "action_listen_kindly"}
)
# What the classifier may call the balance questioned ("5350？？不对吧"): terms, a promise, a date, an answer.
_TERMS_OR_ANSWERS = frozenset({NEGOTIATE, "action_promise", "action_inform", "action_answer_payment_method", "action_answer_due_date"})
_TERMS_AFTER_PAYING = re.compile(r"剩下的?.{0,6}(?:每月|每个月|分)|其余.{0,4}(?:每月|分)")
_IF = re.compile(r"如果|要是|假如|万一")
# A person asked for in so many words ("你帮我找人问问", "给我转个工作人员"); not "会不会找人上门" (a fear).
_WANTS_PERSON = re.compile(
    r"转人工|人工客服|找真人|(?:帮我|给我)(?:找|叫|转)(?:个)?(?:人|工作人员|客服|经理|领导)|"
    r"找(?:个)?(?:人|工作人员|客服|经理|领导)(?:问问|来|帮我|跟我|聊)|"
    r"(?:你|您)?(?:让|叫|派|找)(?:个)?(?:人|工作人员|同事|客服)(?:去)?(?:查|核实|核对|看看|问问)"
)
# Words about being contacted: without one, "stop" is about something else ("别再加利息了").
_ABOUT_CONTACT = re.compile(r"提醒|消息|信息|短信|通知|推送|发|联系|打扰|打电话|电话|催|骚扰|找我|别烦|响|弹|关|停")
# Words that ask for a plan in so many words: with them, a figure in a questioned debt may still be an offer.
_PLAN_WORDS = re.compile(r"分期|分\s*[0-9一二两三四五六七八九十]+\s*(?:期|个月)|每(?:个)?月|计划|方案")
_ABOUT_THE_HOLIDAY = re.compile(r"暂缓|缓的|停的|这段时间|这俩月|这两个月|这几个月|停完|缓完|暂缓完|停了以后|缓了以后")


@dataclass(frozen=True)
class Turn:
    """What a row may look at: the action the policies chose, the words, and the Borrower's context."""

    action: str
    text: str
    tracker: Tracker
    context: Optional[Context]

    @property
    def names_terms(self) -> bool:
        return self.context is not None and parse.names_plan_terms(self.text, self.context.today)

    @property
    def names_terms_only(self) -> bool:
        """Terms with a paying word and nothing questioned before them ("我已经还了500，剩下的每月300")."""
        return self.names_terms and bool(_TERMS_AFTER_PAYING.search(self.text))


@dataclass(frozen=True)
class Reroute:
    """One row: when `applies`, the turn goes to `target` (or to what `target` picks from the turn)."""

    example: str
    applies: Callable[[Turn], bool]
    target: str | Callable[[Turn], Optional[str]]
    # Without the Borrower's context (nobody logged in) the row never applies.
    needs_context: bool = True

    def pick(self, turn: Turn) -> Optional[str]:
        if (self.needs_context and turn.context is None) or not self.applies(turn):
            return None
        return self.target(turn) if callable(self.target) else self.target


def _answers_pending(turn: Turn) -> Optional[str]:
    answer = parse.yes_no(turn.text, turn.tracker.get_slot("pending_offer"))
    return None if answer is None else AFFIRM if answer else DENY


def _holiday_on_the_table(turn: Turn) -> bool:
    from kuanxian.dialogue.negotiation import State

    state = State.from_slot(turn.tracker.get_slot("negotiation"))
    if not (state.holiday_days and state.asked == "terms" and state.amount is None and state.count is None):
        return False
    return parse.defers_plan(turn.text) or parse.closes(turn.text) or bool(_ABOUT_THE_HOLIDAY.search(turn.text))


def _holiday_asked_about(turn: Turn) -> bool:
    """A holiday is being asked for and its hardship question is open: more words about the holiday belong to it."""
    from kuanxian.dialogue.negotiation import HOLIDAY_QUESTIONS, State

    state = State.from_slot(turn.tracker.get_slot("negotiation"))
    if not (state.holiday_days and state.asked in HOLIDAY_QUESTIONS) or turn.context is None:
        return False
    text = turn.text
    if parse.asks_plan_interest(text):
        return False  # "缓的这两个月利息还会往上涨吗": answered, not the consent question again
    return parse.wants_holiday(text) or parse.defers_plan(text) or bool(_ABOUT_THE_HOLIDAY.search(text) or _MONTHS_SAID.search(text))


_WHICH_DAY = re.compile(r"几号|哪天|哪一天|哪号|什么时候还|啥时候还|日子")
_MONTHS_SAID = re.compile(r"[0-9一二两三四五六七八九十俩仨]+\s*个?月")


def _stop_without_contact(turn: Turn) -> bool:
    """ "Stop" heard in words that say nothing about reminders or messages ("能不能别再加利息了")."""
    return turn.action == "action_stop_contact" and not turn.text.startswith("/") and not _ABOUT_CONTACT.search(turn.text)


def _new_terms(turn: Turn) -> bool:
    # (A figure inside a questioned debt, "合同上写的就是8000", is not an offer.)
    if not (turn.action in UNSURE or (turn.action == "action_answer_plan_details" and turn.context and turn.context.plan is None)):
        return False
    return turn.names_terms and not parse.says_dispute(turn.text)


def _hardship_told_first_time(turn: Turn) -> bool:
    """A hardship in the words ("我上个月中风了"), none told or recorded before, and no terms named with it."""
    return (
        not turn.tracker.get_slot("hardship_disclosed")
        and not (turn.context and turn.context.hardships)
        and parse.mentions_hardship(turn.text)
        and not turn.names_terms
    )


def _names_a_day(turn: Turn) -> bool:
    if turn.context is None:
        return False
    found = parse.promise_date(turn.text, turn.context.today)
    return found is not None and found.date is not None


def _names_the_drafts_day(turn: Turn) -> bool:
    """ "5号就5号": the day of the plan on the table, said back (read as a date, as a promise's is)."""
    from kuanxian.dialogue.negotiation import State

    draft = State.from_slot(turn.tracker.get_slot("negotiation")).draft
    if not draft or not draft.get("first_date") or turn.context is None:
        return False
    found = parse.promise_date(turn.text, turn.context.today)
    return found is not None and found.date is not None and found.date.day == int(str(draft["first_date"])[-2:])


def _names_new_terms(turn: Turn) -> bool:
    """An amount or a count of installments, or a day or date for the plan on the table ("每月15号扣…是按纽约时间还是
    北京时间算"); with no plan on the table, a day alone is the one asked about ("是国内的28号还是我这边的28号")."""
    if turn.context is None:
        return False
    return parse.terms(turn.text, turn.context.today) != (None, None) or (turn.names_terms and draft_on_the_table(turn.tracker))


def _denies_harm(text: str) -> bool:
    """ "我不会想不开的": the Borrower says they will not harm themselves (the safety lexicon's reading)."""
    from kuanxian.safety.lexicon import assess_lexicon

    return "denied_risk" in assess_lexicon(text).signals


def _interest_question(turn: Turn) -> bool:
    if turn.action not in INTEREST_MISHEARD or not parse.asks_plan_interest(turn.text) or parse.says_dispute(turn.text):
        return False
    return not (turn.action in (NEGOTIATE, "action_inform") and turn.names_terms)


REROUTES: tuple[Reroute, ...] = (
    Reroute(
        "我没得异议 账是对的, with a dispute open: taken back by the dispute action",
        lambda t: (
            t.context is not None
            and t.context.borrower.flags.dispute_open
            and t.action not in {"action_open_dispute", "action_request_human", "action_wrong_person"}
            and parse.withdraws_dispute(t.text)
        ),
        "action_open_dispute",
    ),
    Reroute(
        "好的 / 不用了, answering the offer on the table",
        lambda t: bool(t.tracker.get_slot("pending_offer")) and t.action not in (AFFIRM, DENY),
        _answers_pending,
        needs_context=False,
    ),
    Reroute(
        "那还是发吧 只发短信 白天发, after reminders were stopped: back on, with when they come",
        lambda t: (
            t.context is not None
            and t.context.borrower.flags.opted_out
            and t.action not in _KEEPS_OWN_WHEN_STOPPED
            and parse.wants_reminders_back(t.text)
        ),
        "action_resume_contact",
    ),
    Reroute(
        "行吧 那先停 我自己记着, after reminders were stopped: they stay stopped (not distress, not 没太明白)",
        lambda t: (
            t.context is not None
            and t.context.borrower.flags.opted_out
            and t.action in UNSURE | {"action_listen_kindly", "action_keep_draft", "action_handle_thank", DENY}
            and parse.keeps_stopped(t.text)
            and not parse.wants_reminders_back(t.text)
        ),
        "action_stop_contact",
    ),
    Reroute(
        "哎 可是停了我又怕忘记了, after reminders were stopped: offered back, not a promise date asked for",
        lambda t: (
            t.context is not None
            and t.context.borrower.flags.opted_out
            and t.action in UNSURE | {"action_remind_later", "action_promise", "action_answer_missed_payment"}
            and parse.fears_forgetting(t.text)
        ),
        "action_resume_contact",
    ),
    Reroute(
        "最后一期还完以后呢，提醒就不会再发了吧？ / 还清以后请停止提醒: they stop by themselves then, nothing turned off now",
        lambda t: (
            t.action in UNSURE | {"action_answer_plan_details", "action_answer_consequences", "action_handle_thank", "action_inform"}
            and parse.about_reminders_after_payoff(t.text)
        ),
        "action_stop_contact",
    ),
    Reroute(
        "能不能先还一半 剩下的下个月还 heard as a reason for paying late, a promise or a holiday: a plan of two payments",
        lambda t: (
            t.action not in KEEP_OWN_ACTION | {NEGOTIATE}
            and t.context is not None
            and t.context.plan is None
            and parse.half_now_rest_later(t.text)
            and not parse.says_dispute(t.text)
        ),
        NEGOTIATE,
    ),
    Reroute(
        "我只想人工帮我查个300 with the debt questioned: the dispute, not a plan of 300 a month",
        lambda t: t.action == NEGOTIATE and parse.says_dispute(t.text) and not _PLAN_WORDS.search(t.text),
        "action_open_dispute",
    ),
    Reroute(
        "把我的资料都删了 heard as 'stop contacting me', a complaint or anything else: the personal data question answered",
        lambda t: (
            t.action not in {"action_request_human", "action_open_dispute", "action_wrong_person", "action_listen_kindly", FALLBACK}
            and parse.asks_about_personal_data(t.text)
        ),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "记录困难是啥意思 会影响征信吗 heard as the consequences or anything else: what the record is for",
        lambda t: t.action not in KEEP_OWN_ACTION and parse.asks_about_hardship_record(t.text),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "账户能注销吗？逾期记录会消掉吗？ heard as paying early or the consequences: answered (by the fallback)",
        lambda t: t.action not in KEEP_OWN_ACTION and parse.asks_after_payoff(t.text),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "别再… heard as 'stop contacting me' with nothing about reminders or messages: nothing turned off",
        lambda t: _stop_without_contact(t) and not (t.context is not None and parse.asks_fee_relief(t.text)),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "一天最多一条 heard as off-topic: how few reminders there are",
        lambda t: t.action in UNSURE and parse.asks_fewer_reminders(t.text),
        "action_stop_contact",
    ),
    Reroute(
        "我上夜班，白天要睡觉，早上8点到下午4点不要给我发提醒: when reminders come, not a complaint or a date",
        lambda t: t.action not in ("action_stop_contact", "action_resume_contact") and parse.asks_reminder_hours(t.text),
        "action_stop_contact",
    ),
    Reroute(
        "我就是想你们不要半夜来, heard as not understood: when reminders come (nothing is turned off)",
        lambda t: t.action in UNSURE and parse.complains_of_night_contact(t.text),
        "action_stop_contact",
    ),
    Reroute(
        "那用我自己的微信零钱只付可以不 / 我人在美国，怎么还款比较方便？ / 2000我现在就在APP里头还，在哪点还？ heard as a"
        " greeting or a promise: the ways to pay",
        lambda t: (
            t.action in UNSURE | {"action_inform", "action_greet", "action_promise"}
            and parse.asks_payment_channel(t.text)
            and (t.action == "action_promise" or not t.names_terms)  # (a sum paid now is no plan)
            and not parse.says_dispute(t.text)
        ),
        "action_answer_payment_method",
    ),
    Reroute(
        "想问下扣款的那张卡怎么换呀: answered, not 没太明白",
        lambda t: t.action in UNSURE | {"action_inform", NEGOTIATE} and parse.changes_card(t.text),
        "action_answer_payment_method",
    ),
    Reroute(
        "那之前说的停三个月那个工作人员还会找我吗: the handoff as it stands, answered by the fallback",
        lambda t: (
            t.action in UNSURE | {DENY, "action_handle_thank", "action_inform", "action_promise"} and parse.asks_if_person_coming(t.text)
        ),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "第一次就1月8号嘛 with a plan on the table: its first payment date, not a promise to pay on that day",
        lambda t: (
            t.action == "action_promise"
            and t.tracker.get_slot("pending_offer") == "plan_confirm"
            and t.context is not None
            and parse.first_date(t.text, t.context.today) is not None
        ),
        NEGOTIATE,
    ),
    Reroute(
        "可以，还款日还是5号不变 / 5号就5号 到时候你给额说一声 with a plan on the table: the day of the month for it, not the"
        " due date asked or a reminder on its own",
        lambda t: (
            t.action in ("action_answer_due_date", "action_remind_later")
            and t.tracker.get_slot("pending_offer") == "plan_confirm"
            and (parse.day_of_month(t.text) is not None or _names_the_drafts_day(t))
            and not parse.asks_question(t.text)
        ),
        NEGOTIATE,
    ),
    Reroute(
        "我这3000块里面利息是多少？ heard as a greeting: the fees explained (by the fallback)",
        lambda t: t.action == "action_greet" and (parse.asks_about_fees(t.text) or parse.asks_plan_interest(t.text)),
        FALLBACK,
    ),
    Reroute(
        "如果我这个月28号前一次还清，就是3000整，不会多一分对吧: a question about the total, not a promise",
        lambda t: t.action == "action_promise" and parse.asks_plan_interest(t.text) and bool(_IF.search(t.text)),
        FALLBACK,
    ),
    Reroute(
        "那谁能决定？你帮我找人问问: a person asked for, whatever the classifier heard",
        lambda t: (
            (t.action == FALLBACK or t.action not in KEEP_OWN_ACTION | {"action_listen_kindly"}) and bool(_WANTS_PERSON.search(t.text))
        ),
        "action_request_human",
        needs_context=False,
    ),
    Reroute(
        "能不能别再加利息了，我真的很紧 heard as not understood or as 'stop contacting me': a request about interest",
        lambda t: (t.action in UNSURE or _stop_without_contact(t)) and parse.asks_fee_relief(t.text),
        "action_handle_fee_relief",
    ),
    Reroute(
        "分期不用，20号全部还: a promise to pay on that day",
        lambda t: (
            t.action in UNSURE | {"action_answer_missed_payment"}
            and t.context is not None
            and t.context.plan is None
            and parse.pays_all_on_a_day(t.text, t.context.today)
            and not _IF.search(t.text)
        ),
        "action_promise",
    ),
    Reroute(
        "怎么证明你是正规的？ (not a complaint), 12月20号是纽约时间还是北京时间？ / 是国内的28号还是我这边的28号 (no new terms): answered",
        lambda t: (
            t.action not in KEEP_OWN_ACTION
            and (
                (parse.asks_if_genuine(t.text) and not parse.asks_collection_fears(t.text))
                or (parse.asks_time_zone(t.text) and not _names_new_terms(t))
            )
        ),
        FALLBACK,
        needs_context=False,
    ),
    Reroute(
        "要登记什么困难情况的话 可以 你记上吧 是真的没工作 / 登记困难可以 你记吧 (heard as yes to a person): consent",
        lambda t: (
            (t.action in UNSURE or (t.action == AFFIRM and t.tracker.get_slot("pending_offer") != "hardship_consent"))
            and parse.consents_to_record(t.text)
            and (parse.mentions_hardship(t.text) or "困难" in t.text or bool(t.tracker.get_slot("hardship_disclosed")))
        ),
        "action_acknowledge_hardship",
    ),
    Reroute(
        "哦好 孙子回来了不说了: a goodbye, not a greeting (回来了) or not understood",
        lambda t: t.action in UNSURE | {"action_greet", "action_handle_thank"} and parse.says_goodbye(t.text),
        "action_goodbye",
        needs_context=False,
    ),
    Reroute(
        "我上个月中风了 住了半个月院 这个月的钱还不上: a hardship told, not only an excuse for paying late",
        lambda t: t.action in {"action_explain_late", "action_promise"} and _hardship_told_first_time(t),
        "action_acknowledge_hardship",
    ),
    Reroute(
        "我要疯了 餐馆说装修 直接关三个月 一分钱都没有 heard as a complaint: a hardship told",
        lambda t: (
            t.action == "action_handle_complaint"
            and not t.tracker.get_slot("hardship_disclosed")
            and parse.mentions_hardship(t.text)
            and not SERIOUS_COMPLAINT.search(t.text)
        ),
        "action_acknowledge_hardship",
    ),
    Reroute(
        "88 after a plan is agreed is goodbye, never 88 yuan a month",
        lambda t: t.action != "action_goodbye" and parse.says_bye_in_numbers(t.text),
        "action_goodbye",
        needs_context=False,
    ),
    Reroute(
        "多出来的350块钱 是利息还是手续费？ heard as terms or a promise: the fees are explained instead",
        lambda t: (
            (t.action in FEE_MISHEARD or (t.action == "action_handle_fee_relief" and not parse.asks_fee_relief(t.text)))
            and parse.asks_about_fees(t.text)
            and not parse.says_dispute(t.text)
        ),
        FALLBACK,
    ),
    Reroute(
        "那不会一下子就说我违约 要我全部还吧 我有点担心: what happens if an installment is missed, not 没太明白",
        lambda t: t.action in UNSURE | {"action_promise"} and parse.fears_whole_balance_due(t.text),
        "action_answer_missed_payment",
        needs_context=False,
    ),
    Reroute(
        "5350？？不对吧 我上个月还了一千啊 / 我这账不对啊 heard as terms, a promise, a yes, a no or not understood: the balance questioned",
        lambda t: (
            (
                t.action in UNSURE | _TERMS_OR_ANSWERS
                or (t.action in {AFFIRM, DENY, "action_handle_thank", "action_greet"} and not t.tracker.get_slot("pending_offer"))
            )
            and parse.says_dispute(t.text)
            and not t.names_terms_only
            and not parse.changes_card(t.text)
        ),
        "action_open_dispute",
    ),
    Reroute(
        "下个月10号 answering 'which day?', heard as not understood: the day answers the question",
        lambda t: t.action in UNSURE and t.tracker.get_slot("awaiting") in ("promise_date", "reminder_date") and _names_a_day(t),
        "action_inform",
    ),
    Reroute(
        "我说的二十号是阳历，一月二十号, after a day was promised, heard as not understood: the promise's day said again",
        lambda t: (
            t.action in UNSURE
            and bool(t.tracker.get_slot("follow_date"))
            and t.context is not None
            and t.context.plan is None
            and not parse.asks_question(t.text)  # "到1月10号那天还会不会再加钱？" is a question about that day
            and _names_a_day(t)
        ),
        "action_promise",
    ),
    Reroute(
        "老头子九月份中风了 一直在医院跑, heard as not understood: a hardship told",
        lambda t: t.action in UNSURE and _hardship_told_first_time(t),
        "action_acknowledge_hardship",
    ),
    Reroute(
        "我现在到底还欠好多钱啊, heard as not understood or a greeting: the balance",
        lambda t: t.action in UNSURE | {"action_greet"} and parse.asks_balance(t.text) and not parse.says_dispute(t.text),
        "action_answer_balance",
    ),
    Reroute(
        "没事，就是心里憋屈，跟你说说。我不会想不开的 heard as a question about collectors: listened to, kindly",
        lambda t: t.action == "action_answer_fears" and not parse.asks_collection_fears(t.text) and _denies_harm(t.text),
        "action_listen_kindly",
        needs_context=False,
    ),
    Reroute(
        "会不会有人上门？我爸妈年纪大了, heard as not understood or a greeting: the fears answered",
        lambda t: t.action in UNSURE | {"action_greet"} and parse.asks_collection_fears(t.text),
        "action_answer_fears",
    ),
    Reroute(
        "你好，我想把欠的钱分期还，工资两周一发, heard as not understood or a greeting: the negotiation",
        lambda t: t.action in UNSURE | {"action_greet"} and parse.wants_installments(t.text) and not parse.says_dispute(t.text),
        NEGOTIATE,
    ),
    Reroute(
        "要是那天钱没到，我再来跟你们说行不行: what happens if the day is missed, not 没太明白 or a date",
        lambda t: t.action in UNSURE | {"action_promise", "action_remind_later"} and parse.asks_what_if_short(t.text),
        "action_answer_missed_payment",
        needs_context=False,
    ),
    Reroute(
        "不是不想还，是手上现在真没钱, heard as not understood: what can be afforded (or, after a hardship, the options)",
        lambda t: t.action in UNSURE and parse.cant_pay_now(t.text) and not t.names_terms,
        lambda t: "action_acknowledge_hardship" if t.tracker.get_slot("hardship_disclosed") else NEGOTIATE,
    ),
    Reroute("每月200 heard as not understood: the negotiation takes the terms", _new_terms, NEGOTIATE),
    Reroute(
        "过了春节行不行 / 能不能等一等 heard as off-topic or not understood: a holiday asked for",
        lambda t: t.action in UNSURE and parse.asks_to_wait(t.text) and not t.names_terms and not parse.says_dispute(t.text),
        NEGOTIATE,
    ),
    Reroute(
        "900有啲吃力。可唔可以改成12期？ with a plan on the table, heard as a hardship told: the new terms are offered",
        lambda t: t.action == "action_acknowledge_hardship" and t.names_terms and draft_on_the_table(t.tracker),
        NEGOTIATE,
    ),
    Reroute(
        "每个月500行不行 利息还要一直算不, heard as a request to waive fees: new terms, with the interest answered beside them",
        lambda t: t.action == "action_handle_fee_relief" and t.names_terms and parse.asks_plan_interest(t.text),
        NEGOTIATE,
    ),
    Reroute(
        "缓两个月中不 / 两个月就够 过完年就能还, while the holiday's hardship question is open: the holiday talk goes on",
        lambda t: t.action in HOLIDAY_TALK | {DENY} and _holiday_asked_about(t),
        NEGOTIATE,
    ),
    Reroute(
        "最晚能推到什么时候？就按最晚的来, heard as the due date or anything else: the longest holiday",
        lambda t: t.action not in KEEP_OWN_ACTION | {NEGOTIATE, "action_inform"} and parse.asks_longest_holiday(t.text),
        NEGOTIATE,
    ),
    Reroute(
        "那我每个月是几号要还？ with no plan agreed: the due date, not 'no plan yet'",
        lambda t: (
            t.action == "action_answer_plan_details"
            and t.context is not None
            and t.context.plan is None
            and not t.names_terms
            and bool(_WHICH_DAY.search(t.text))
        ),
        "action_answer_due_date",
    ),
    Reroute(
        "到时候再说 / 停的这俩月利息还涨不 / 好 谢谢, with a holiday granted and its terms asked: they belong to it",
        lambda t: t.action in HOLIDAY_TALK and _holiday_on_the_table(t),
        NEGOTIATE,
    ),
    Reroute(
        "分期的话利息还会一直涨吗: answered by the fallback, not heard as a complaint, the plan restated or late fees",
        _interest_question,
        FALLBACK,
    ),
)


def reroute_target(turn: Turn) -> Optional[str]:
    """The action the words send this turn to (the first row that applies), or None to keep the policies' choice."""
    if not turn.text:
        return None
    for row in REROUTES:
        target = row.pick(turn)
        if target is not None:
            return target
    return None
