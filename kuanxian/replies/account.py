"""Account answers: balance, due date, how to pay, the calm reminder, what happens if late, plain answers to fears."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from kuanxian.domain.borrower import Borrower
from kuanxian.domain.plan import PaymentPlan
from kuanxian.money import format_amount
from kuanxian.replies.common import BALANCE, HARDSHIP, PAY, PERSON, PLAN, Button, Reply, format_date_with_year


def not_authenticated() -> Reply:
    return Reply("为了保护您的隐私，我只能在您登录贷款App后查询账户信息。请先登录再打开这个对话窗口。", (PERSON,))


def wrong_person_guard() -> Reply:
    return Reply("抱歉，这个对话已被标记为联系错误，我不会再提供任何账户信息。打扰您了。")


def greeting(borrower: Optional[Borrower]) -> Reply:
    name = f"{borrower.display_name}，" if borrower else ""
    return Reply(
        f"{name}您好，我是宽限还款助手。我可以帮您查询欠款、商量一个负担得起的还款计划；"
        "如果您遇到了困难，也可以告诉我，或者随时找工作人员。",
        (BALANCE, PLAN, HARDSHIP, PERSON),
    )


def welcome_back(borrower: Optional[Borrower]) -> Reply:
    name = f"{borrower.display_name}，" if borrower else ""
    return Reply(f"{name}欢迎回来，没关系的，不用放在心上。我们接着看看怎么安排比较好？", (BALANCE, PLAN, PERSON))


def back_to_business() -> Reply:
    """ "我没事 你别安慰了": heard, and on with the matter."""
    return Reply("好的，明白。我们接着说正事。")


def still_here() -> Reply:
    """ "还在吗": yes, at once, without starting over."""
    return Reply("我在的，一直在。您接着说就好，不着急。", (BALANCE, PLAN, PERSON))


def balance(borrower: Borrower, today: date, plan: Optional[PaymentPlan] = None) -> Reply:
    overdue = f"目前已逾期{borrower.days_overdue}天。" if borrower.days_overdue > 0 else ""
    text = (
        f"您目前的待还金额是{format_amount(borrower.balance)}，其中本金{format_amount(borrower.principal)}，"
        f"利息和费用{format_amount(borrower.interest_and_fees)}。{overdue}"
    )
    if plan is not None:
        nxt = plan.next_due(today)
        if nxt is not None:
            text += f"您已经有一个还款计划，下一期是{format_date_with_year(nxt.due, today)}，{format_amount(nxt.outstanding)}。"
        return Reply(text, (PAY, PERSON))
    return Reply(text + "如果一次还清有困难，我们可以一起看看分期的办法。", (PAY, PLAN, HARDSHIP))


def due_date(borrower: Borrower, today: date, plan: Optional[PaymentPlan] = None) -> Reply:
    if plan is not None and (nxt := plan.next_due(today)) is not None:
        return Reply(
            f"按您的还款计划，下一期在{format_date_with_year(nxt.due, today)}，金额{format_amount(nxt.outstanding)}。"
            "之后每期都在每月" + f"{plan.day_of_month}号。如果到时候不方便，提前告诉我就好。",
            (PAY, PERSON),
        )
    nxt_day = borrower.next_due_date(today)
    overdue = f"上一期应还款日已经过去{borrower.days_overdue}天了。" if borrower.overdue_since(today) else ""
    return Reply(
        f"您的还款日是每月{borrower.due_day}号，下一个还款日是{format_date_with_year(nxt_day, today)}。{overdue}"
        "如果这个日子不方便，可以和我说说，我们一起想办法。",
        (PAY, PLAN),
    )


def payment_method(borrower: Borrower) -> Reply:
    return Reply(
        f"您可以在贷款App的“我的账户 → 还款”里还款，支持银行卡和支付宝，当前待还{format_amount(borrower.balance)}。"
        "还款一般会在几分钟内到账。请只通过App内的官方渠道还款，不要转账给任何个人账户。",
        (PLAN, PERSON),
    )


def genuine() -> Reply:
    """ "怎么证明你是正规的？": how to check, without asking them to trust the chat itself."""
    return Reply(
        "您这么小心是对的。可以这样核实：这个对话是从您登录的贷款App里打开的，不是陌生人发来的链接；"
        "我们不会要您把钱转到任何个人账户，还款只在App“我的账户 → 还款”里操作；也不会索要密码或验证码。"
        "还不放心的话，可以退出后拨打App里“联系我们”的官方客服电话核实。",
        (PERSON,),
    )


_ZONE_NAMES = {"Asia/Shanghai": "北京时间", "America/New_York": "美国东部时间（纽约）", "Europe/London": "英国时间（伦敦）"}


def time_zone(zone: str) -> Reply:
    """ "是纽约时间还是北京时间？": every date and time here is in the Borrower's own zone."""
    name = _ZONE_NAMES.get(zone, zone)
    return Reply(f"计划、还款日和提醒里的日期和时间，都按您账户登记的时区来算，也就是{name}。工作人员的值班时间另外会写明是哪里的时间。")


def change_card() -> Reply:
    """ "扣款的那张卡怎么换": where it is done (the assistant cannot change it), and that the plan stays as it is."""
    return Reply(
        "换扣款或还款用的银行卡，需要您在贷款App里自己操作：进入“我的账户”，找到银行卡管理，添加新卡后设为默认（以App里实际显示的为准）。"
        "为了账户安全，我这边不能替您改卡。换卡不影响您的还款计划和还款日期。操作中遇到问题，可以请工作人员帮您看看。",
        (PERSON,),
    )


def payment_reminder(borrower: Borrower, amount: Decimal, due: Optional[date], today: date, *, installment: bool = False) -> Reply:
    when = f"，还款日是{format_date_with_year(due, today)}" if due else ""
    what = "这一期分期" if installment else "一笔"
    return Reply(
        f"{borrower.display_name}您好，这里是宽限还款助手。温馨提醒：您有{what}{format_amount(amount)}的款项待还{when}。"
        "如果现在不方便，我们可以一起商量，或者先聊聊您遇到的情况。不想再收到提醒，回复“不要提醒”就可以。",
        (PAY, PLAN, HARDSHIP, PERSON),
    )


def consequences(borrower: Optional[Borrower] = None) -> Reply:
    """What lateness means, truthfully; with the account's own fee figures when we know them."""
    fees = ""
    if borrower is not None:
        fees = f"您账户里目前的利息和费用是{format_amount(borrower.interest_and_fees)}，具体怎么计算以借款合同为准。"
        if borrower.policy.interest_freeze_on_hardship:
            fees += "如果您遇到了困难，按我们的政策，分期期间可以停止计息。"
    return Reply(
        "如实告诉您：按照合同约定，逾期记录可能会报送征信机构，逾期时间越长，对信用记录的影响可能越大。"
        f"{fees}逾期属于民事上的欠款，不是犯罪。我们绝不会就这笔欠款联系您的家人、朋友或单位，也不会上门。"
        "我们更希望和您一起找到负担得起的办法，尽量减少影响。",
        (PLAN, HARDSHIP, PERSON),
    )


def after_payoff() -> Reply:
    """The account and the credit record once everything is paid, truthfully: we cannot delete what was reported."""
    return Reply(
        "还清以后，这笔借款会显示为已结清，还款提醒也会自动停止。需要结清证明或者想注销账户，可以在App里联系客服办理。"
        "如实告诉您：已经报送征信的逾期记录我们不能删除，还清后会更新为已结清；按《征信业管理条例》，"
        "不良信息自不良行为终止之日起保存5年，到期后删除。"
    )


def personal_data() -> Reply:
    """What personal data is kept and why, and how to ask for it to be deleted, truthfully (PIPL: a right to
    deletion once the purpose is met, within what other laws require to be kept)."""
    return Reply(
        "您的个人信息我们会依法保护。我们保存的是您申请借款时提供的信息（比如姓名、身份证号、手机号）、借款和还款记录，"
        "以及您在这里的聊天记录，只用来管理这笔借款：除了按合同和法规报送征信，不会卖给或透露给任何人，也不会联系您的通讯录。\n"
        "按照《个人信息保护法》，您可以查询、更正您的个人信息，不再需要时也可以申请删除；不过借款结清之前，"
        "以及结清后法律法规要求保存的期限内，借款和还款记录需要保留。您同意我们记录的困难情况（比如健康或家里的变故），"
        "也可以随时撤回同意、申请删除。想提出查询或删除申请，我可以请工作人员为您办理。",
        (PERSON,),
    )


def fees_explained(borrower: Borrower) -> Reply:
    """ "这350是什么钱": what the amount beyond the principal is, truthfully, and what can be done about it."""
    freeze = "如果您遇到了困难，按我们的政策，分期期间可以停止计息。" if borrower.policy.interest_freeze_on_hardship else ""
    return Reply(
        f"您的待还金额{format_amount(borrower.balance)}里，本金是{format_amount(borrower.principal)}，"
        f"另外的{format_amount(borrower.interest_and_fees)}是按借款合同产生的利息和费用（包括逾期后的利息），"
        f"每一项具体怎么算，以借款合同为准，您也可以在App的借款详情里看到。{freeze}"
        "如果您觉得这个金额不对，告诉我，我会记录下来请工作人员核对；想申请减免，也可以请工作人员来看。",
        (PLAN, HARDSHIP, PERSON),
    )


def early_repayment() -> Reply:
    """Paying early or in full: always possible; fees only as the contract says (we don't invent one)."""
    return Reply(
        "可以的，随时都能提前还，一次还清或者多还一部分都行，在App“我的账户 → 还款”里操作就可以。"
        "提前还清后，剩下的分期就自动结束了。有没有提前还款的费用，以您的借款合同为准；需要的话，我可以请工作人员帮您确认。",
        (BALANCE, PAY, PERSON),
    )


def late_explained() -> Reply:
    """ "工资晚发了 / 忘了还": no blame; ask when, and say a plan is there if needed."""
    return Reply(
        "没关系，谢谢您主动告诉我。您大概哪天能还上？告诉我日期，我帮您记下来；如果一次还有困难，我们也可以商量分期。",
        (PLAN, PERSON),
    )


def fears() -> Reply:
    """ "会不会上门 / 爆通讯录 / 告诉我家人 / 曝光我": the truthful answer first, then the calm facts."""
    return Reply(
        "不会。我们不会上门，不会联系您的家人、朋友、同事或通讯录里的任何人，也不会在任何地方公开您的信息。"
        "这件事只在您和我们之间处理。\n"
        "如实说明：按照合同，逾期记录可能会报送征信；逾期是民事欠款，不是犯罪。"
        "如果有人以我们的名义这样威胁您，那是违规的，您可以直接告诉我或向监管部门投诉。",
        (PLAN, HARDSHIP, PERSON),
    )


def out_of_scope() -> Reply:
    return Reply("抱歉，这个问题我帮不上忙。我可以帮您查询欠款和还款日、制定分期计划，或者为您联系工作人员。", (BALANCE, PLAN, PERSON))


def goodbye() -> Reply:
    return Reply("好的，感谢您的时间。有需要随时回来找我，祝您一切顺利。")


def goodbye_again() -> Reply:
    return Reply("好的，再见，照顾好自己。")


def understood() -> Reply:
    """An explanation taken in ("哦 是利息和手续费 懂了"): nothing more is pressed."""
    return Reply("好的。还有其他想了解的，随时问我。")


def you_are_welcome() -> Reply:
    return Reply("不客气，能帮上忙就好。还有其他需要吗？")


def person_status(awaiting: bool) -> Reply:
    """Whether a person is still coming, as it stands (they reply here in the chat, they do not phone)."""
    if awaiting:
        return Reply(
            "会的。您之前的申请已经转给工作人员，他们会在这个对话里回复您，不会另外打电话；在这之前定好的计划照常有效，他们看到会一并处理。"
        )
    return Reply("目前没有在等着回复您的工作人员申请。需要人帮忙的话，说“转人工”就可以。", (PERSON,))


def person_will_read() -> Reply:
    return Reply("收到。工作人员会在这里回复您，您发的每一条消息他们都能看到；在这之前，有关还款的问题也可以继续问我。")


# How each not-understood reply opens; the outcomes dashboard counts NLU fallbacks by them.
NOT_UNDERSTOOD_OPENINGS = ("不好意思，我没太听明白", "抱歉，我还是没理解好")


def not_understood(times: int) -> Reply:
    """First miss: ask again. Second: buttons and a person, never a third identical apology."""
    first, again = NOT_UNDERSTOOD_OPENINGS
    if times <= 1:
        return Reply(f"{first}。您可以换个说法，或者直接点下面的选项。", (BALANCE, PLAN, PERSON))
    return Reply(
        f"{again}您的意思。您可以点下面的选项，或者我马上请工作人员来帮您，好吗？",
        (Button("请工作人员来", "/affirm"), BALANCE, PLAN, HARDSHIP),
    )


def acknowledged() -> Reply:
    return Reply("好的。还有什么我可以帮您的吗？", (BALANCE, PLAN, PERSON))


def noted() -> Reply:
    return Reply("好的，收到。有任何变化或者需要帮忙，随时告诉我。")


def still_listening() -> Reply:
    """More distress while the person asked for is on the way: heard, without the same four lines again."""
    return Reply("我在听，您说的这些工作人员来了会先看。不着急，想说什么都可以慢慢说；还款的事也可以先放一放，等您缓过来再商量。")


def kind_listen() -> Reply:
    """DIET heard distress but the safety check did not: listen, without alarms."""
    return Reply(
        "听起来最近压力不小，谢谢您愿意说出来。不着急，我们可以一步一步来。"
        "您愿意的话，可以说说现在最担心的是什么；也可以先看看能负担的还款办法，或者请工作人员和您聊聊。",
        (PLAN, HARDSHIP, PERSON),
    )
