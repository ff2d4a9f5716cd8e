"""Hardship disclosure, following TEXAS: Thank, Explain, eXplicit consent, Ask about impact, Signpost."""

from __future__ import annotations

from typing import Optional

from kuanxian.domain.borrower import Borrower
from kuanxian.domain.hardship import HardshipCategory
from kuanxian.replies.common import DEBT_ADVICE_ZH, PERSON, PLAN, Button, Reply

NAMES_ZH = {
    HardshipCategory.JOB_LOSS: "失业",
    HardshipCategory.ILLNESS: "生病或住院",
    HardshipCategory.FAMILY_CARE: "照顾家人",
    HardshipCategory.BEREAVEMENT: "家人离世",
    HardshipCategory.BUSINESS_FAILURE: "生意受挫",
    HardshipCategory.INCOME_DROP: "收入减少",
    HardshipCategory.PREGNANCY_CHILDCARE: "怀孕或照顾孩子",
    HardshipCategory.DISASTER: "受灾",
    HardshipCategory.OTHER: "生活上的困难",
}


def acknowledge(category: Optional[HardshipCategory]) -> Reply:
    heard = f"听到您{NAMES_ZH[category]}的情况，" if category is not None and category is not HardshipCategory.OTHER else ""
    return Reply(
        f"谢谢您愿意告诉我，{heard}这一定不容易。\n"
        "这些信息只会用来为您调整还款安排，不会告诉任何其他人。"
        "您同意我们把这个情况记录在您的账户里吗？不同意也完全没关系。",
        (Button("同意记录", "/affirm"), Button("不用记录", "/deny")),
    )


def heard_more(borrower: Borrower) -> Reply:
    """More of a hardship already told: listen, and say what can be done (no second consent question)."""
    policy = borrower.policy
    holiday = f"先暂缓最长{policy.payment_holiday_days}天再开始还，" if policy.payment_holiday_days > 0 else ""
    return Reply(
        f"谢谢您告诉我这些，听起来真的很不容易。我们可以按您的情况来：{holiday}或者按您负担得起的金额分期，"
        "也可以请工作人员来帮您一起看。您想先怎么安排？",
        (PLAN, PERSON),
    )


def recorded_with_plan(*, interest_frozen: bool = False) -> Reply:
    """The consent given after a plan was agreed: recorded, and the plan stands (now without interest, if so)."""
    if interest_frozen:
        return Reply(
            "已经记录好了，谢谢您告诉我。按我们的政策，从现在起您的分期停止计息：每期的金额和日期都不变，不会再多出利息。"
            "哪一期有困难，提前告诉我就好，我们再一起调整。"
        )
    return Reply("已经记录好了，谢谢您告诉我。您的还款计划不变；哪一期有困难，提前告诉我就好，我们再一起调整。")


def options(borrower: Borrower, recorded: bool, pause_days: int) -> Reply:
    first = "已经记录好了。" if recorded else "好的，我们不做记录。"
    policy = borrower.policy
    buttons = [PLAN]
    extras = []
    if policy.payment_holiday_days > 0:
        buttons.append(Button(f"暂缓还款（最长{policy.payment_holiday_days}天）", "/request_deferral"))
        extras.append(f"先暂缓最长{policy.payment_holiday_days}天再开始还")
    if policy.interest_freeze_on_hardship:
        buttons.append(Button("申请停息", "/request_fee_relief"))
        extras.append("分期期间停止计息")
    buttons.append(PERSON)
    extra_text = "，也可以" + "，或".join(extras) if extras else ""
    return Reply(
        f"{first}接下来{pause_days}天我们不会主动给您发还款提醒。\n"
        f"这件事对您现在的还款影响大吗？您每个月大概能拿出多少来还款？哪怕金额不多也没关系。"
        f"我们可以按您能负担的金额分期{extra_text}，或者请工作人员和您一起商量。\n{DEBT_ADVICE_ZH}",
        tuple(buttons),
    )


def fee_relief_offer() -> Reply:
    return Reply(
        "可以的。考虑到您的情况，分期期间可以为您停止计息。您每期大概能还多少？我们把它放进分期计划里。"
        "如果还希望减免已经产生的罚息或费用，需要工作人员审核，我也可以帮您转接。",
        (PERSON,),
    )


def fee_relief_needs_hardship() -> Reply:
    return Reply(
        "减免利息或费用需要根据您的具体情况来评估，我这边不能直接答应。如果您遇到了困难，可以和我说说；也可以请工作人员帮您审核，需要我帮您转过去吗？",
        (Button("我遇到了困难", "/disclose_hardship"), PERSON),
    )


def needs_a_person(topic: str) -> Reply:
    return Reply(f"{topic}需要工作人员来确认，我已经为您申请转接人工，请稍等。工作人员接入前，您也可以继续告诉我您的情况。")


def record_explained() -> Reply:
    """ "记录困难是啥意思 会影响征信吗": what the record is for, and that it goes nowhere else; the question stays open."""
    return Reply(
        "记录困难情况，就是在您的账户里备注一下您遇到的情况（比如失业、生病），这样才能为您安排暂缓、停息或更宽松的分期。"
        "这条记录本身不会报送征信，也不会告诉任何其他人；以后想删掉，也可以随时告诉我们。您同意记录吗？不同意也完全没关系。",
        (Button("同意记录", "同意记录"), Button("先不记录", "先不记录")),
    )
