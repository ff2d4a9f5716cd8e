"""What every reply shares: the Reply type, buttons and date formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
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
BALANCE = Button("查询欠款", "/ask_balance")
YES = Button("好的", "/affirm")
NO = Button("不用了", "/deny")


def format_date(day: date) -> str:
    """12月15日（周二）."""
    return f"{day.month}月{day.day}日（{WEEKDAYS_ZH[day.weekday()]}）"


def format_date_with_year(day: date, reference: date) -> str:
    prefix = f"{day.year}年" if day.year != reference.year else ""
    return prefix + format_date(day)
