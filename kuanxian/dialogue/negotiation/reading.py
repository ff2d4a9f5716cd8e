"""What a message changes in the state: the amount, count, frequency, day, first date or holiday it names,
or the answer a bare number gives to the question just asked (read with `kuanxian.dialogue.parse`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Optional

from kuanxian.dialogue import parse
from kuanxian.dialogue.negotiation.state import Account, Said, State
from kuanxian.domain.policy import Policy
from kuanxian.money import cn_to_int


def _interpret_bare(state: State, value: Decimal, policy: Policy) -> State:
    """A bare number answers the last question: a count if it could be one, otherwise an amount."""
    if state.asked == "income":
        return replace(state, income=str(value))
    if state.asked == "essentials":
        return replace(state, essentials=str(value))
    if state.asked == "day":
        return replace(state, day_of_month=int(value)) if value == value.to_integral_value() and 1 <= value <= 31 else state
    if value == value.to_integral_value() and 1 <= value <= 120 and value < policy.min_installment:
        return replace(state, count=int(value), amount=None)
    return replace(state, amount=str(value.quantize(Decimal("0.01"))), count=None)


# The whole balance as one payment, or as an amount per period ("一次还3000", "每月3000"): terms, not the debt named.
_PAYS_IT_NOW = re.compile(r"一次|全部|全额|还清|结清|付清|每(?:个)?月|一个月|每期|每次|每两周|今天|明天|马上|现在就|先还|转")


_MONTHS_ONLY = re.compile(r"([0-9一二两三四五六七八九十]+)个?月")


_SPLIT = re.compile(r"分[成]?\s*[0-9一二两三四五六七八九十]|[0-9一二两三四五六七八九十]+\s*期|每月|每个月|一个月")


def _holiday_months(state: State, text: str) -> Optional[int]:
    """While a holiday is talked about, the most months a message names (not a count of installments)."""
    if not state.holiday_days or not _MONTHS_ONLY.search(text) or _SPLIT.search(text):
        return None
    months = [m for m in (cn_to_int(x) for x in _MONTHS_ONLY.findall(text)) if m]
    return max(months) if months else None


def _absorb(state: State, said: Said, account: Account) -> State:
    """Everything the message says about terms, dates and holidays."""
    text, today = said.text, account.today
    bare = parse.bare_number(text)
    if bare is not None:
        return _interpret_bare(state, bare, account.policy)
    if state.asked in ("income", "essentials"):
        money = parse.money_in(text)
        if money is not None:
            return replace(state, income=str(money)) if state.asked == "income" else replace(state, essentials=str(money))
    if parse.checks_back(text) and (state.amount is not None or state.count is not None):
        return state  # "那就是差不多半年还完对不对": the offer on the table, checked in rough words, stays
    amount, count = parse.terms(text, today)
    if amount is not None and count is None and amount == account.balance and not _PAYS_IT_NOW.search(text):
        amount = None  # "这3000我会还的，就是现在真的没有收入": the debt named, not an amount per month
    if amount is not None and count is not None and parse.refuses_amount(text) and _same_amount(state.amount, amount):
        amount = None  # "900有啲吃力。可唔可以改成12期？": the amount on the table refused, a count asked for
    rough = parse.rough_amount(text) if amount is not None and count is None and state.draft else None
    if rough is not None and state.draft and rough[0] <= Decimal(str(state.draft["amount"])) < rough[1]:
        # "一百六十几也行" with 166.67 on the table: that plan, said roughly.
        amount, count = Decimal(str(state.draft["amount"])), int(state.draft["count"])
    if amount is not None and count is None and _count_not_amount(text, amount, account.policy):
        count = int(amount)  # "最多24啊…那24吧", "那18个月 18": months, not 24 yuan a month
        amount = None
    asked_frequency = parse.frequency_in(text)
    if asked_frequency is not None:
        state = replace(state, frequency=asked_frequency.value)
    if parse.asks_longest_holiday(text):
        # The longest the policy allows is the answer (granted, or asked about the hardship first).
        return replace(state, holiday_days=account.policy.payment_holiday_days or state.holiday_days)
    months = _holiday_months(state, text) if amount is None else None
    if months is not None:
        # Talking about the holiday: "两个月不够啊，至少三个月" are months of holiday, not installments.
        return replace(state, holiday_days=30 * months)
    if amount is None and count is None and parse.lump_sum(text):
        count = 1
    halves = amount is None or amount == account.balance or amount * 2 == account.balance
    if count is None and halves and parse.half_now_rest_later(text):
        # "先还一半 剩下的下个月还", "我这个3000能不能先还一半", "今天先还1500，剩下1500下个月再还": two installments,
        # the first today, the second a month on.
        return replace(state, amount=None, count=2, first_date=today.isoformat(), day_of_month=None)
    if amount is None and count is None and parse.longest_term(text):
        count = account.policy.max_term_months  # "那就按最长的来": the longest the policy allows
    if amount is not None or count is not None:
        state = replace(state, amount=str(amount) if amount is not None else None, count=count)
    day = parse.day_of_month(text)
    if day is not None:
        state = replace(state, day_of_month=day, first_date=None)
    first = parse.first_date(text, today)
    if first is not None:
        state = replace(state, first_date=first.isoformat(), day_of_month=None)
    if parse.asks_longest_holiday(text):
        # The longest the policy allows is the answer (granted, or asked about the hardship first).
        return replace(state, holiday_days=account.policy.payment_holiday_days or state.holiday_days)
    holiday = parse.holiday_days(text, today)
    if holiday is not None:
        state = replace(state, holiday_days=holiday)
    elif (
        not state.holiday_days
        and state.amount is None
        and state.count is None
        and parse.wants_holiday(text)
        and (said.intent == "request_deferral" or _VAGUE_PERIOD.search(text) or parse.asks_to_wait(text))
    ):
        # "能不能先停几个月", "先缓缓": a holiday of no stated length is the longest the policy allows (a person
        # beyond it), not an installment plan.
        state = replace(state, holiday_days=account.policy.payment_holiday_days or 30)
    return state


def _same_amount(on_table: Optional[str], named: Decimal) -> bool:
    return on_table is not None and Decimal(on_table) == named


# A number said with no unit or period word: money ("300块", "每月300") or a count ("24期") only by its size.
_MONEY_WORDS = re.compile(r"块|元|钱|千|百|万|[0-9]k|每(?:个)?月|一个月|每期|月供|每次|每周|两周|礼拜|星期")
# How long a holiday lasts when the Borrower does not say: "几个月", "一段时间", "一阵子".
_VAGUE_PERIOD = re.compile(r"几个?月|几周|几个礼拜|一段时间|一阵子?|一些日子|些日子|段日子")


def _count_not_amount(text: str, amount: Decimal, policy: Policy) -> bool:
    """A small whole number with no money or period word, below the smallest installment: a number of months."""
    if amount != amount.to_integral_value() or not 1 <= amount <= 60 or amount >= policy.min_installment:
        return False
    return _MONEY_WORDS.search(text) is None


def _names_terms(text: str, today: date) -> bool:
    return parse.terms(text, today) != (None, None) or parse.bare_number(text) is not None
