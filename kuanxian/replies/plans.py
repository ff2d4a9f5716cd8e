"""Negotiation texts: asking, offering, confirming, reassessing affordability, holidays and plan questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from kuanxian.domain.plan import PaymentPlan
from kuanxian.money import format_amount
from kuanxian.plans import Decision, PlanError
from kuanxian.replies.common import HARDSHIP, PAY, PERSON, PLAN, Button, Reply, format_date_with_year

FREQUENCY_ZH = {"monthly": "每月", "biweekly": "每两周", "weekly": "每周"}
CONFIRM = Button("确认这个计划", "/affirm")
THINK = Button("我再想想", "/think_it_over")
TOO_MUCH = Button("这个金额还是太多", "/cant_afford")


@dataclass(frozen=True)
class ReminderOutlook:
    """What the contact rules will let happen after a plan or a promise (asked before promising anything)."""

    allowed: bool
    reason: Optional[str] = None  # opted_out | hardship_pause | crisis_pause | dispute_open | breathing_space | with_collector
    until: Optional[date] = None


def reminder_note(outlook: ReminderOutlook, today: date, *, before_each: bool = True) -> str:
    if outlook.allowed:
        return "每期到期前3天我会温和地提醒您一次。" if before_each else "那天上午我会提醒您一次。"
    if outlook.reason == "opted_out":
        return "您之前关闭了主动提醒，所以我不会主动提醒您；如果想要提醒，随时发“恢复提醒”就可以。"
    if outlook.reason in ("hardship_pause", "breathing_space") and outlook.until is not None:
        return (
            f"考虑到您的情况，提醒暂停到{format_date_with_year(outlook.until, today)}，这之前我不会主动联系您；"
            "之后如果需要提醒，发“恢复提醒”就可以。"
        )
    return "目前我不会主动给您发提醒；需要的时候，您随时回来找我就好。"


def describe(plan: PaymentPlan, today: date) -> str:
    freq = FREQUENCY_ZH.get(plan.frequency.value, "每期")
    text = f"{freq}还{format_amount(plan.regular_amount)}，共{plan.count}期，第一期在{format_date_with_year(plan.first_date, today)}"
    if plan.count > 1:
        text += f"，最后一期在{format_date_with_year(plan.last_date, today)}"
        if plan.last_amount != plan.regular_amount:
            text += f"，金额{format_amount(plan.last_amount)}"
    text += "。"
    if plan.holiday_days:
        # The first date may fall a little after the holiday (on the day of the month asked for): said as it is.
        text += f"含{plan.holiday_days}天暂缓期，第一期之前都不用还款。"
    if plan.interest_frozen:
        text += "暂缓期和分期期间都停止计息。" if plan.holiday_days else "分期期间停止计息。"
    return text


def ask_terms(times: int = 1, max_months: int = 24) -> Reply:
    """Terms asked for, with buttons the policy allows (never "分24期" where 18 months is the most)."""
    counts = sorted({n for n in (6, 12, 24) if n <= max_months} | {max_months})
    if times <= 1:
        return Reply(
            "好的，我们来商量分期。您每期大概能还多少？或者想分几期？比如“每月500”或“分12期”，量力而行就好。",
            (*(Button(f"分{n}期", f"分{n}期") for n in counts[-2:]), HARDSHIP, PERSON),
        )
    return Reply(
        "可以直接点一个选项，或者告诉我一个每月能拿出来的金额，哪怕不多也没关系。也可以请工作人员和您一起算。",
        (*(Button(f"分{n}期", f"分{n}期") for n in counts[-3:]), PERSON),
    )


def offer(decision: Decision, today: date, *, repeated: bool = False) -> Reply:
    text = describe(decision.plan, today)
    buttons = (CONFIRM, THINK, TOO_MUCH)
    if decision.outcome == "accept":
        lead = "可以的。按您说的：" if not repeated else "还是按这个方案："
        return Reply(f"{lead}{text}您看确认这个计划吗？", buttons)
    return Reply(f"{decision.explain_zh()}\n具体是：{text}\n如果这个金额也有压力，告诉我，我们再一起看看别的办法。", (*buttons, PERSON))


def longest_term(max_months: int, decision: Decision, today: date) -> Reply:
    """ "那最长能分几个月": the policy's longest term, and what it means for this balance."""
    return Reply(
        f"按您账户的规定，最长可以分{max_months}个月。按最长的来，就是：{describe(decision.plan, today)}想按这个来的话，点确认就可以。",
        (CONFIRM, THINK, TOO_MUCH),
    )


def plan_answer(plan: PaymentPlan, today: date) -> Reply:
    """ "那十八个月的话，一个月要多少": a question whose answer is the plan on the table."""
    return Reply(f"就是现在这个方案：{describe(plan, today)}想按这个来的话，点确认就可以。", (CONFIRM, THINK, TOO_MUCH))


def plan_error(error: PlanError, balance: Decimal) -> Reply:
    if error.code == "amount_exceeds_balance":
        return Reply(
            f"谢谢您！您提出的金额已经超过待还总额{format_amount(balance)}，一次还清就可以，不需要分期。需要我告诉您还款方式吗？",
            (PAY, PLAN),
        )
    return Reply(f"{error.message_zh} 您可以换个说法，比如“每月500”或“分12期”。", (PERSON,))


def confirmed(plan: PaymentPlan, today: date, outlook: ReminderOutlook) -> Reply:
    return Reply(
        f"好的，已经为您确认还款计划：{describe(plan, today)}{reminder_note(outlook, today)}如果之后情况有变化，随时回来找我调整。"
    )


def plan_confirmed(plan: PaymentPlan, today: date, *, reminders_on: bool) -> Reply:
    """The hub's own confirmation when the assistant could not be reached after a hand-back."""
    return confirmed(plan, today, ReminderOutlook(reminders_on))


def handback_confirmed(plan: PaymentPlan, today: date, outlook: ReminderOutlook) -> Reply:
    return Reply(
        f"工作人员已将对话交回给我。和您商定的还款计划已经记录好了：{describe(plan, today)}"
        f"{reminder_note(outlook, today)}关于这个计划有任何问题，都可以问我。",
        (PAY, PERSON),
    )


def declined() -> Reply:
    return Reply("没关系。您觉得每期多少比较合适？说一个您能负担的数字就好，我们再算一算。", (HARDSHIP, PERSON))


def keep_draft(has_draft: bool) -> Reply:
    if has_draft:
        return Reply("没关系，您慢慢考虑。方案我先帮您保留着，想好了随时回来说“确认计划”就可以。")
    return Reply("没关系，您慢慢考虑，有需要随时回来找我。")


def confirm_again() -> Reply:
    """An answer to "确认这个计划吗？" that was not a clear yes: ask once more, plainly."""
    return Reply(
        "为了不弄错，想跟您确认一下：就按这个方案来吗？回复“确认”就好；想改金额、期数或日期，也可以直接告诉我。",
        (CONFIRM, TOO_MUCH, PERSON),
    )


def resume_draft(plan: PaymentPlan, today: date, *, returning: bool = False) -> Reply:
    """The plan on the table again: after a question in between, or (returning) in a new session."""
    opening = "欢迎回来。之前帮您保留的方案是：" if returning else "我们接着刚才的方案："
    return Reply(f"{opening}{describe(plan, today)}现在确认吗？也可以换个金额。", (CONFIRM, TOO_MUCH, PERSON))


def draft_still_open() -> Reply:
    """The plan on the table, pointed back to in a line (it was shown in full after the last question)."""
    return Reply("刚才的方案还给您留着，想定下来就回复“确认”，想改金额、期数或日期也可以直接说。", (CONFIRM, TOO_MUCH, PERSON))


def ask_first_date_or_day() -> Reply:
    return Reply("您希望每期定在每个月的几号？比如“每月10号”。不说的话，我就按一个月后开始安排。")


def date_adjusted(wanted: date, used: date, today: date) -> str:
    return f"{format_date_with_year(wanted, today)}稍微晚了一点，按规定第一期最晚可以放在{format_date_with_year(used, today)}。"


def ask_income_consent() -> Reply:
    return Reply(
        "明白，这个金额对您来说负担太重了，我们不勉强。为了算出一个真正负担得起的数字，"
        "可以问您两个简单的问题吗：每月大概收入多少、房租吃饭等必要开销大概多少？只用来帮您算方案，不愿意说也没关系。",
        (Button("可以", "/affirm"), Button("不想说", "/deny"), PERSON),
    )


def ask_income() -> Reply:
    return Reply("谢谢。您每个月到手的收入大概是多少？说个大概的数就行。")


def ask_essentials() -> Reply:
    return Reply("好的。房租、吃饭、交通这些每个月必须花的钱，大概一共要多少？")


def affordable_offer(affordable: Decimal, decision: Decision, today: date) -> Reply:
    return Reply(
        f"按您说的，每月扣掉必要开销后大约能留出{format_amount(affordable)}。在这个范围里，可以这样安排：\n"
        f"{describe(decision.plan, today)}您看可以吗？",
        (CONFIRM, THINK, TOO_MUCH, PERSON),
    )


def unaffordable_options(has_holiday: bool, holiday_days: int, has_freeze: bool) -> Reply:
    extras = []
    buttons = []
    if has_holiday:
        extras.append(f"先暂缓最长{holiday_days}天，等情况好一点再开始分期")
        buttons.append(Button(f"先暂缓{holiday_days}天", "/request_deferral"))
    if has_freeze:
        extras.append("分期期间停止计息")
    options = "；".join(extras)
    lead = f"按现在的情况，按月还款确实很吃力。我们还可以：{options}。" if options else "按现在的情况，按月还款确实很吃力。"
    return Reply(lead + "我也可以请工作人员和您一起看看有没有其他办法，比如一段时间内先少还一点。", (*tuple(buttons), PERSON))


def no_repeat_offer() -> Reply:
    """The FCA rule: do not re-offer the same plan again; reassess or bring a person."""
    return Reply(
        "这个方案我已经提过两次了，看来它并不适合您，我不再重复。我们可以换个思路：先算一算您实际能负担多少，或者请工作人员和您一起商量。",
        (Button("帮我算一算", "/cant_afford"), PERSON),
    )


def stuck_to_person() -> Reply:
    """After "I won't repeat it": a person, with what was asked and offered, rather than the same words again."""
    return Reply(
        "看来我这边给出的方案都不太合适，我不再绕圈子了。我已经把您提的要求和我们算过的方案整理好，请工作人员来和您一起商量；"
        "在这之前，别的问题也可以继续问我。"
    )


def plan_with_person() -> Reply:
    return Reply(
        "您的要求我已经转给工作人员了，他们会在这里和您商量还款方案。如果您现在就想定下来，直接告诉我每期能还多少或者分几期就可以；"
        "别的问题，比如余额、还款方式、提醒，也可以继续问我。"
    )


def no_terms_yet() -> Reply:
    """Asked twice for terms without an answer: another way, not the same question again."""
    return Reply(
        "一下子说不出一个数字也很正常，没关系。我们可以换个思路：先算一算您实际能负担多少，或者请工作人员和您一起商量。",
        (Button("帮我算一算", "/cant_afford"), PERSON),
    )


def holiday_needs_a_person() -> Reply:
    """A holiday asked for twice without a hardship to go on: a person can look at it, or a plan without one."""
    return Reply(
        "暂缓还款需要先了解一下您的情况。如果现在不方便说，也没关系：我可以请工作人员和您单独商量暂缓，"
        "或者您直接说一个每月能还的金额，我们先按正常分期来安排。",
        (HARDSHIP, PERSON),
    )


def holiday_record_or_person() -> Reply:
    """The hardship told, its record asked twice without a yes: other ways, not "tell us your situation" again."""
    return Reply(
        "您的情况我明白。暂缓要把这个情况记录在账户里才能办；如果不想记录也完全没关系：我可以请工作人员和您单独商量暂缓，"
        "或者您直接说一个每月能还的金额，我们先按正常分期来安排。想记录的话，回复“同意记录”就可以。",
        (PERSON,),
    )


def holiday_to_person(days: int) -> Reply:
    return Reply(f"好的，您想暂缓大约{days}天的事，我请工作人员来和您单独商量，他们会在这里回复您。在这之前，别的问题也可以继续问我。")


def holiday_needs_hardship(days: int) -> Reply:
    return Reply(
        f"可以理解。暂缓还款（最长{days}天）是为遇到困难的朋友准备的。方便说说现在遇到了什么情况吗？比如失业、生病、家里有事。",
        (Button("我失业了", "我失业了"), Button("家里有人生病", "家里有人生病"), HARDSHIP, PERSON),
    )


def holiday_needs_record(days: int) -> Reply:
    return Reply(
        f"可以的，暂缓还款（最长{days}天）需要把您遇到的困难记录在账户里，只用来调整还款安排，不会告诉任何其他人。"
        "您同意我们记录吗？不同意也没关系，我们也可以按您负担得起的金额分期，或者请工作人员来帮您看。",
        (Button("同意记录", "同意记录"), Button("按金额分期", "我想分期"), PERSON),
    )


def holiday_record_reminder(days: int) -> Reply:
    """The consent for a holiday asked a second time: in a line, with the other ways, never the same question again."""
    return Reply(
        f"只差您一句同意：回复“同意记录”，我就为您安排暂缓（最长{days}天）。不想记录也完全可以，"
        "我们可以按您负担得起的金额分期，或者请工作人员来帮您看。",
        (Button("同意记录", "同意记录"), Button("按金额分期", "我想分期"), PERSON),
    )


def holiday_granted(days: int, max_term_months: int, *, at_limit: bool = False) -> Reply:
    """The holiday within policy (at its limit said plainly as the limit); the term buttons within the longest term."""
    terms = sorted({max(2, max_term_months // 2), max_term_months})
    granted = f"按我们的政策，最长可以先暂缓{days}天" if at_limit else f"可以的，考虑到您的情况，可以先暂缓{days}天"
    return Reply(
        f"{granted}，这段时间不用还款。暂缓期结束后，您每期大概能还多少？或者想分几期？",
        (*(Button(f"分{n}期", f"分{n}期") for n in terms), PERSON),
    )


def holiday_only(days: int) -> Reply:
    return Reply(
        f"好的，那就先暂缓{days}天，分期等您到时候再来定。暂缓的申请我已经转给工作人员登记确认，他们会在这里回复您。"
        "暂缓结束前，欢迎您随时回来找我定分期；期间有任何变化，也随时告诉我。"
    )


def holiday_kept(days: int, freeze: bool) -> Reply:
    interest = (
        "按我们的政策，因困难定下的分期，暂缓期和分期期间都停止计息。" if freeze else "暂缓期间的利息和费用按借款合同计算，具体以合同为准。"
    )
    return Reply(
        f"暂缓{days}天已经为您留着，这段时间不用还款。{interest}暂缓结束后，您每期大概能还多少？现在不想定也没关系，可以到时候再来找我。",
        (Button("分12期", "分12期"), Button("到时候再定", "到时候再定"), PERSON),
    )


def holiday_beyond_policy(asked: int, allowed: int) -> Reply:
    return Reply(
        f"您希望暂缓{asked}天，超过了目前最长{allowed}天的规定，这需要工作人员来评估，我已经把您的申请记下来并转给他们了。"
        f"在等待的时候，如果{allowed}天的暂缓也能帮上忙，我们可以先按这个来安排。",
        (Button(f"先按{allowed}天安排", "/request_deferral"), PERSON),
    )


def plan_details(plan: PaymentPlan, today: date) -> Reply:
    nxt = plan.next_due(today)
    nxt_text = f"下一期在{format_date_with_year(nxt.due, today)}，{format_amount(nxt.outstanding)}。" if nxt else "已经全部还清了。"
    return Reply(f"您的还款计划：{describe(plan, today)}{nxt_text}", (PAY, PERSON))


def if_cannot_pay() -> Reply:
    return Reply(
        "如果到时候某一期还不上，别着急，也别躲：提前或者当天告诉我就好。我们会先了解您的情况，"
        "再看能不能调整金额、换个日子或者先暂缓，不会因为一次还不上就为难您。逾期记录可能会按合同报送征信，所以越早说越好办。",
        (PERSON,),
    )


def check_in() -> Reply:
    return Reply(
        "您好，这一期好像还没有还上。是不是遇到了什么情况？可以重新商量，不用有压力。方便的话说说现在的情况，我们一起看看怎么调整。",
        (Button("收入有变化", "我的收入有变化"), Button("过几天就还", "过几天就还"), PERSON),
    )


def reassess_first() -> Reply:
    return Reply(
        "之前的计划没能按时还上，我们先不急着重新定金额。能说说情况有什么变化吗？收入、开销或者家里的事都可以。", (HARDSHIP, PERSON)
    )


def payment_thanks(amount: Decimal, remaining: Decimal, next_due: Optional[date], today: date) -> Reply:
    rest = f"目前还剩{format_amount(remaining)}" if remaining > 0 else "这笔欠款已经全部还清了"
    nxt = f"，下一期在{format_date_with_year(next_due, today)}" if next_due and remaining > 0 else ""
    return Reply(f"收到您的还款{format_amount(amount)}，谢谢您！{rest}{nxt}。有任何变化随时告诉我。")


def paid_off() -> Reply:
    return Reply("您目前没有需要还款的余额了，不需要再安排计划。谢谢您一直以来的配合！")


def interest_note(*, frozen: bool, freeze_on_hardship: bool, holiday_days: int = 0, agreed: bool = False) -> str:
    """Whether interest runs during a holiday and a plan: frozen by policy, or as the contract says (never promised)."""
    if frozen:
        during = "暂缓期和分期期间都停止计息" if holiday_days else "分期期间停止计息"
        return f"按我们的政策，因困难定下的分期，{during}，按时还完就是这些，不会再往上加。"
    body = ("暂缓期和" if holiday_days else "") + "分期期间会不会另外产生利息，要以借款合同为准，我不能替合同给您打包票。"
    if freeze_on_hardship:
        body += "如果您遇到了困难，按我们的政策，因困难定下的分期可以停止计息，愿意的话可以和我说说您的情况。"
    return body + ("想弄清楚的话，我可以请工作人员帮您查一下。" if agreed else "想先弄清楚再决定也完全可以，我可以请工作人员帮您查清楚。")


def interest_during_plan(
    *, total: Decimal, regular: Decimal, count: int, frozen: bool, freeze_on_hardship: bool, agreed: bool, holiday_days: int = 0
) -> Reply:
    """ "分期的话利息还会一直涨吗": what the plan adds up to, and what the assistant can and cannot promise about interest."""
    last = total - regular * (count - 1)
    terms = f"每期{format_amount(regular)}，共{count}期" + (f"（最后一期{format_amount(last)}）" if last != regular else "")
    head = (
        f"您的还款计划一共{format_amount(total)}：{terms}。"
        if agreed
        else f"这个计划是按您现在的待还金额{format_amount(total)}定的：{terms}，加起来就是{format_amount(total)}。"
    )
    body = interest_note(frozen=frozen, freeze_on_hardship=freeze_on_hardship, holiday_days=holiday_days, agreed=agreed)
    if frozen:
        return Reply(head + body, (PERSON,) if agreed else (CONFIRM, THINK, PERSON))
    buttons = (HARDSHIP, PERSON) if freeze_on_hardship else (PERSON,)
    return Reply(head + body, buttons if agreed else (CONFIRM, *buttons))


def already_agreed(plan: PaymentPlan, today: date) -> Reply:
    """The terms on the table are the plan already agreed: nothing to confirm again."""
    nxt = plan.next_due(today)
    nxt_text = f"下一期在{format_date_with_year(nxt.due, today)}，{format_amount(nxt.outstanding)}。" if nxt else ""
    return Reply(
        f"这就是您已经确认的还款计划，一直有效，不用再确认：{describe(plan, today)}{nxt_text}"
        "哪个月手头紧、可能晚几天，提前或者当天告诉我就好，我们一起想办法。",
        (PAY, PERSON),
    )
