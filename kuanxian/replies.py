"""Every text the assistant composes for a Borrower, as pure functions.

The actions are thin adapters around these, so wording is reviewed and tested
in one place. Each text is calm and factual, offers options and a person, and
passes `kuanxian.safety.review_message` (tests/unit/test_replies.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from kuanxian.accounts import Borrower
from kuanxian.money import format_amount
from kuanxian.plans import Decision, PlanError, Schedule
from kuanxian.safety.crisis import hardship_pause_days

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
HARDSHIP_NAMES_ZH = {
    "job_loss": "失业",
    "illness": "生病或住院",
    "family_care": "照顾家人",
    "bereavement": "家人离世",
    "business_failure": "生意受挫",
    "income_drop": "收入减少",
    "pregnancy_childcare": "怀孕或照顾孩子",
    "disaster": "受灾",
    "other": "生活上的困难",
}
FREQUENCY_ZH = {"monthly": "每月", "biweekly": "每两周", "weekly": "每周"}
# Free, independent help (China): the public legal-service hotline.
DEBT_ADVICE_ZH = "如果需要免费、独立的咨询，可以拨打12348公共法律服务热线，或向当地法律援助中心求助。"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


PAY = Button("我现在去还款", "/ask_payment_method")
PLAN = Button("制定还款计划", "/request_installment")
HARDSHIP = Button("我遇到了困难", "/disclose_hardship")
PERSON = Button("联系人工", "/request_human")
YES = Button("好的", "/affirm")
NO = Button("不用了", "/deny")


def format_date(day: date) -> str:
    """12月15日（周二）; the year is added when it is not `reference`'s year."""
    return f"{day.month}月{day.day}日（{WEEKDAYS_ZH[day.weekday()]}）"


def format_date_with_year(day: date, reference: date) -> str:
    prefix = f"{day.year}年" if day.year != reference.year else ""
    return prefix + format_date(day)


def not_authenticated() -> Reply:
    return Reply(
        "为了保护您的隐私，我只能在您登录贷款App后查询账户信息。请先登录再打开这个对话窗口。",
        (PERSON,),
    )


def wrong_person_guard() -> Reply:
    return Reply("抱歉，这个对话已被标记为联系错误，我不会再提供任何账户信息。打扰您了。")


def greeting(borrower: Optional[Borrower]) -> Reply:
    name = f"{borrower.display_name}，" if borrower else ""
    return Reply(
        f"{name}您好，我是宽限还款助手。我可以帮您查询欠款、商量一个负担得起的还款计划；"
        "如果您遇到了困难，也可以告诉我，或者随时找工作人员。",
        (Button("查询欠款", "/ask_balance"), PLAN, HARDSHIP, PERSON),
    )


def balance(borrower: Borrower, today: date) -> Reply:
    overdue = f"目前已逾期{borrower.days_overdue}天。" if borrower.days_overdue > 0 else ""
    return Reply(
        f"您目前的待还金额是{format_amount(borrower.balance)}，其中本金{format_amount(borrower.principal)}，"
        f"利息和费用{format_amount(borrower.interest_and_fees)}。{overdue}"
        "如果一次还清有困难，我们可以一起看看分期的办法。",
        (PAY, PLAN, HARDSHIP),
    )


def due_date(borrower: Borrower, today: date) -> Reply:
    nxt = borrower.next_due_date(today)
    since = borrower.overdue_since(today)
    overdue = (
        f"上一期应还款日已经过去{borrower.days_overdue}天了。" if since else ""
    )
    return Reply(
        f"您的还款日是每月{borrower.due_day}号，下一个还款日是{format_date_with_year(nxt, today)}。{overdue}"
        "如果这个日子不方便，可以和我说说，我们一起想办法。",
        (PAY, PLAN),
    )


def payment_method(borrower: Borrower) -> Reply:
    return Reply(
        f"您可以在贷款App的“我的账户 → 还款”里还款，支持银行卡和支付宝，当前待还{format_amount(borrower.balance)}。"
        "还款一般会在几分钟内到账。请只通过App内的官方渠道还款，不要转账给任何个人账户。",
        (PLAN, PERSON),
    )


def payment_reminder(borrower: Borrower, amount: Decimal, due: Optional[date], today: date) -> Reply:
    when = f"，还款日是{format_date_with_year(due, today)}" if due else ""
    return Reply(
        f"{borrower.display_name}您好，这里是宽限还款助手。温馨提醒：您有一笔{format_amount(amount)}的款项待还{when}。"
        "如果现在不方便，我们可以一起商量分期，或者先聊聊您遇到的情况。",
        (PAY, PLAN, HARDSHIP, PERSON),
    )


def describe_schedule(schedule: Schedule, today: date) -> str:
    freq = FREQUENCY_ZH.get(schedule.frequency.value, "每期")
    text = (
        f"{freq}还{format_amount(schedule.regular_amount)}，共{schedule.count}期，"
        f"第一期在{format_date_with_year(schedule.first_date, today)}"
    )
    if schedule.count > 1:
        text += f"，最后一期在{format_date_with_year(schedule.last_date, today)}"
        if schedule.last_amount != schedule.regular_amount:
            text += f"，金额{format_amount(schedule.last_amount)}"
    text += "。"
    if schedule.holiday_days:
        text += f"前{schedule.holiday_days}天为暂缓期，这段时间不用还款。"
    if schedule.interest_frozen:
        text += "分期期间停止计息。"
    return text


def plan_offer(decision: Decision, today: date) -> Reply:
    """An acceptable plan, or the nearest plan the policy allows."""
    schedule_text = describe_schedule(decision.schedule, today)
    confirm = (Button("确认这个计划", "/affirm"), Button("我再想想", "/think_it_over"), Button("换个金额", "/deny"))
    if decision.outcome == "accept":
        return Reply(f"可以的。按您说的：{schedule_text}您看确认这个计划吗？", confirm)
    return Reply(
        f"{decision.explain_zh()}\n具体是：{schedule_text}\n如果这个金额也有压力，告诉我您遇到的情况，"
        "我们还可以看看暂缓或停息的办法，也可以请工作人员一起商量。",
        confirm + (HARDSHIP, PERSON),
    )


def plan_error(error: PlanError, borrower: Borrower) -> Reply:
    if error.code == "amount_exceeds_balance":
        return Reply(
            f"谢谢您！您提出的金额已经超过待还总额{format_amount(borrower.balance)}，"
            "一次还清就可以，不需要分期。需要我告诉您还款方式吗？",
            (PAY, PLAN),
        )
    return Reply(f"{error.message_zh} 您可以换个说法，比如“每月500”或“分12期”。", (PERSON,))


def plan_confirmed(schedule: Schedule, today: date) -> Reply:
    return Reply(
        f"好的，已经为您确认还款计划：{describe_schedule(schedule, today)}"
        "每期到期前3天我会温和地提醒您一次。如果之后情况有变化，随时回来找我调整。",
    )


def acknowledged() -> Reply:
    return Reply("好的。还有什么我可以帮您的吗？", (Button("查询欠款", "/ask_balance"), PLAN, PERSON))


def no_reminder() -> Reply:
    return Reply("好的，不设提醒。有需要随时告诉我。")


def plan_declined() -> Reply:
    return Reply(
        "没关系。您觉得每期多少比较合适？说一个您能负担的数字就好，我们再算一算。",
        (HARDSHIP, PERSON),
    )


def keep_draft(has_draft: bool) -> Reply:
    if has_draft:
        return Reply("没关系，您慢慢考虑。方案我先帮您保留着，想好了随时回来说“确认计划”就可以。")
    return Reply("没关系，您慢慢考虑，有需要随时回来找我。")


def ask_plan_terms() -> Reply:
    return Reply("您每期大概能还多少？或者想分几期？比如可以说“每月500”或“分12期”，量力而行就好。", (HARDSHIP, PERSON))


def ask_follow_date() -> Reply:
    return Reply("您想定在哪一天呢？比如“15号”“下周五”或“月底”。")


def ask_payday() -> Reply:
    return Reply("好的。您一般每月几号发工资呢？告诉我具体的日子，比如“10号”。")


def ask_concrete_date() -> Reply:
    return Reply("能告诉我一个大概的日子吗？比如“15号”“下周五”或“月底”。")


def promise_confirm(day: date, today: date) -> Reply:
    return Reply(
        f"好的，记下了：您打算在{format_date_with_year(day, today)}还款。需要我在那天上午提醒您一次吗？",
        (YES, NO),
    )


def follow_up_scheduled(day: date, today: date) -> Reply:
    return Reply(f"好的，我会在{format_date_with_year(day, today)}上午提醒您一次。")


def hardship_acknowledge(category: Optional[str]) -> Reply:
    what = HARDSHIP_NAMES_ZH.get(category or "", "")
    heard = f"听到您{what}的情况，" if what and category != "other" else ""
    return Reply(
        f"谢谢您愿意告诉我，{heard}这一定不容易。\n"
        "这些信息只会用来为您调整还款安排，不会告诉任何其他人。"
        "您同意我们把这个情况记录在您的账户里吗？不同意也完全没关系。",
        (Button("同意记录", "/affirm"), Button("不用记录", "/deny")),
    )


def hardship_options(borrower: Borrower, recorded: bool) -> Reply:
    first = "已经记录好了。" if recorded else "好的，我们不做记录。"
    policy = borrower.policy
    options = [PLAN]
    extras = []
    if policy.payment_holiday_days > 0:
        options.append(Button(f"暂缓还款（最长{policy.payment_holiday_days}天）", "/request_deferral"))
        extras.append(f"暂缓最长{policy.payment_holiday_days}天再开始还")
    if policy.interest_freeze_on_hardship:
        options.append(Button("申请停息", "/request_fee_relief"))
        extras.append("分期期间停止计息")
    options.append(PERSON)
    extra_text = "，也可以" + "，或".join(extras) if extras else ""
    return Reply(
        f"{first}接下来{hardship_pause_days()}天我们不会主动给您发还款提醒。\n"
        f"这件事对您现在的还款影响大吗？您每个月大概能拿出多少来还款？哪怕金额不多也没关系。"
        f"我们可以按您能负担的金额分期{extra_text}，或者请工作人员和您一起商量。\n{DEBT_ADVICE_ZH}",
        tuple(options),
    )


def deferral_offer(days: int) -> Reply:
    return Reply(
        f"可以的。考虑到您的情况，我们可以为您安排最长{days}天的暂缓期，这段时间不用还款，之后再按分期慢慢还。"
        "暂缓期结束后，您每期大概能还多少？",
        (PERSON,),
    )


def deferral_needs_hardship(days: int) -> Reply:
    return Reply(
        f"暂缓还款（最长{days}天）是为遇到困难的朋友准备的。如果您愿意，可以简单说说遇到了什么情况；"
        "也可以请工作人员帮您评估。",
        (HARDSHIP, PERSON),
    )


def needs_a_person(topic: str) -> Reply:
    return Reply(
        f"{topic}需要工作人员来确认，我已经为您申请转接人工，请稍等。工作人员接入前，您也可以继续告诉我您的情况。"
    )


def fee_relief_offer() -> Reply:
    return Reply(
        "可以的。考虑到您的情况，分期期间可以为您停止计息。您每期大概能还多少？我们把它放进分期计划里。"
        "如果还希望减免已经产生的罚息或费用，需要工作人员审核，我也可以帮您转接。",
        (PERSON,),
    )


def fee_relief_needs_hardship() -> Reply:
    return Reply(
        "减免利息或费用需要根据您的具体情况来评估。如果您遇到了困难，可以和我说说；也可以请工作人员帮您审核。",
        (HARDSHIP, PERSON),
    )


def dispute_opened() -> Reply:
    return Reply(
        "明白了，谢谢您告诉我。我们已经记录了您的异议，在核实清楚之前，不会再就这笔款项给您发送提醒。"
        "我现在为您转接工作人员核实，请稍等。"
    )


def wrong_person() -> Reply:
    return Reply("非常抱歉打扰您了。我们会把这个联系方式标记为错误，之后不会再向您发送消息。祝您生活愉快。")


def stop_contact() -> Reply:
    return Reply(
        "好的，已为您关闭主动还款提醒，我们不会再主动给您发消息。"
        "您仍然可以随时回来找我；如果想恢复提醒，在这里发送“恢复提醒”就可以。"
    )


def resume_contact() -> Reply:
    return Reply("好的，已为您恢复还款提醒。提醒只会在白天发送，而且每天最多一次。")


def request_human() -> Reply:
    return Reply(
        "好的，我已经为您申请转接人工客服。工作人员接入后会在这里和您对话，请稍等；在这之前，您发的消息他们都能看到。"
    )


def complaint() -> Reply:
    return Reply(
        "非常抱歉给您带来了不好的感受。您的意见我已经记录下来，并为您优先转接工作人员处理，请稍等。"
    )


def handback(note: str) -> Reply:
    agreed = f"工作人员和您商定的内容：{note}\n" if note.strip() else ""
    return Reply(f"工作人员已将对话交回给我。{agreed}还有什么我可以帮您的吗？", (PLAN, PERSON))
