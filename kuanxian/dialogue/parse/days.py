"""Days and dates a Borrower names: a day of the month for the payments, the first payment date, the day
a payment is promised for, or everything paid on one day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from kuanxian.dates import DateParse, add_months, month_end, parse_date
from kuanxian.dialogue.parse.answers import asks_question
from kuanxian.dialogue.parse.holidays import _num, wants_holiday

_DAY_NUM = r"([0-9]{1,2}|[一二三四五六七八九十廿]{1,3})\s*(?:号|日)"


# "每个月10号", "每期扣款放在10号", "改到15号" (a day named in a recurring-payment context)...
_DAY_OF_MONTH = re.compile(
    r"(?:每个?月|每月的?|月月|以后都|每期|每次|扣款|扣钱|还款日?|放在|定在|改到|改成|改在|换到|挪到|安排在|设在|设成|固定在|都在|日子|日期|我要)"
    r"[^，。,;；!！?？0-9月]{0,6}?" + _DAY_NUM + r"(?!\s*(?:起|开始))"
)


# ... or followed by what happens on it: "10号扣", "15号发工资".
_DAY_THEN = re.compile(r"(?<![0-9月])" + _DAY_NUM + r"\s*(?:扣|还|划|交|付|发工资|发薪|开工资|发钱|到账)")


_MONTH_END = re.compile(r"每个?月(?:的)?(?:月底|最后一天|月末)")


# A date moved: "改成", "换到", "挪在" … then a named month.
_MOVE_TO = r"(?:改|换|挪|调)(?:成|到|在)"
_NAMED_MONTH = r"\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月"
_MOVED_TO_A_MONTH = re.compile(_MOVE_TO + _NAMED_MONTH)


_FIRST_CUE = re.compile(
    r"第一期|首期|头一期|第一笔|第一次(?:还|扣|就|是|在|放)?|头一次|开始还|起还|开始扣|从.{0,8}开始|[号日]\s*(?:开始|起)"
    # "改成1月10号", "还是1月15号吧": a first date moved to a named month and day
    rf"|(?:{_MOVE_TO}|还是)(?={_NAMED_MONTH}\s*[0-9一二三四五六七八九十])"
    r"|first (?:payment|installment)|start",
    re.IGNORECASE,
)


def moves_to_a_month(text: str) -> bool:
    """ "改成1月10号", "挪到2月": a date moved to a named month (with a plan talked about, the plan's dates)."""
    return _MOVED_TO_A_MONTH.search(text) is not None


_ALL_AT_ONCE = re.compile(r"全部还|全还|都还上|还清|结清|付清|一次性还|一次还|一把还|一把(?:都)?给|一次给清|一次过(?:还|俾|畀)|还晒")


_PAY_WORD = re.compile(r"还|付|结清|转账|打款")


_MONTH_WORD = re.compile(r"下下个?月|下个?月|这个?月|本月|[0-9]{1,2}月|[一二三四五六七八九十]{1,3}月")


_CLAUSES = re.compile(r"[，。,.；;！!？?\s]+")


def promise_date(text: str, today: date) -> Optional[DateParse]:
    """The day in the clause that says paying ("我15号发工资 20号还" → the 20th), else the first day named."""
    clauses = [c for c in _CLAUSES.split(text) if c]
    for clause in reversed(clauses):
        # "15号要交房租 1月20号": a day with its month named outweighs a bare day said before it.
        if _MONTH_WORD.search(clause) and re.search(r"[0-9一二三四五六七八九十廿]+\s*(?:号|日)", clause):
            found = parse_date(clause, today=today)
            if found is not None and found.date is not None:
                return found
    month = None
    for clause in clauses:
        if clause and _PAY_WORD.search(clause):
            # "下月发工资 10号还": the month said before the clause belongs to its day.
            found = parse_date(clause if _MONTH_WORD.search(clause) or month is None else month + clause, today=today)
            if found is not None and found.date is not None:
                return found
        named = _MONTH_WORD.findall(clause)
        if named:
            month = named[-1]
    return parse_date(text, today=today)


def pays_all_on_a_day(text: str, today: date) -> bool:
    """ "20号一次还清", "分期不用，20号全部还": a promise to pay everything on a day, not a one-installment plan."""
    paying = [c for c in _CLAUSES.split(text) if _ALL_AT_ONCE.search(c)]
    if not paying or "还是" in text or any(asks_question(c) for c in paying) or wants_holiday(text):
        # A worry asked after it ("下个月二十号一次还五千三百五，够不够") leaves the promise standing;
        # "能不能20号一次还清？" is a question, not a promise.
        return False
    found = parse_date(text, today=today)
    return found is not None and found.date is not None


_MOVED_TO = re.compile(r"(?:改|换|挪|推|调|移)(?:到|成|为)(?=.{0,6}号)")


def day_of_month(text: str) -> Optional[int]:
    """ "每个月10号扣" → 10; "每月月底" → 31 (the month's last day)."""
    if _MONTH_END.search(text):
        return 31
    moved = _MOVED_TO.search(text)
    if moved:  # "10号能改到20号吗": the day it moves to
        text = text[moved.start() :]
    m = _DAY_OF_MONTH.search(text) or _DAY_THEN.search(text)
    if not m:
        return None
    raw = m.group(1).replace("廿", "二十")
    n = _num(raw)
    return n if n is not None and 1 <= n <= 31 else None


# A date that names its day: "1月15号", "15号", "十五日" (a cue clause like "从下个月开始" names only the month).
_NAMES_DAY = re.compile(r"[0-9一二三四五六七八九十]\s*[号日](?!子|常|期)")
_NAMES_MONTH_AND_DAY = re.compile(r"[0-9一二三四五六七八九十]{1,3}\s*月(?:份)?\s*[0-9一二三四五六七八九十]{1,3}\s*[号日]")


def first_date(text: str, today: date) -> Optional[date]:
    """The first payment date when the Borrower names one ("第一期放在1月25号", "下个月10号开始")."""
    if not _FIRST_CUE.search(text):
        return None
    # The date in the clause that says "first"/"from" wins: "每个月20号还，从1月20号开始" starts on 1月20号.
    clauses = [c for c in re.split(r"[，,。；;！!？?\s]+", text) if c]
    for clause in clauses:
        if _FIRST_CUE.search(clause):
            found = parse_date(clause, today=today)
            if found.date and found.date > today:
                if _NAMES_DAY.search(clause):
                    return found.date
                return _with_the_day(found.date, [c for c in clauses if c != clause], text, today)
    found = parse_date(text, today=today)
    return found.date if found.date and found.date > today else None


def _with_the_day(month_start: date, others: list[str], text: str, today: date) -> date:
    """ "从下个月开始 1月15号" starts on 1月15号; "每个月20号还，从下个月开始" on the 20th of next month."""
    for clause in others:
        if _NAMES_MONTH_AND_DAY.search(clause):
            found = parse_date(clause, today=today)
            if found.date and found.date > today:
                return found.date
    day = day_of_month(text)
    if day is not None:
        candidate = month_start.replace(day=min(day, month_end(month_start.year, month_start.month)))
        if candidate > today:
            return candidate
    return month_start


def next_day_of_month(today: date, day: int, *, after: Optional[date] = None) -> date:
    """The next date on `day` (clamped to the month's end) strictly after `after` (default today)."""
    start = after or today
    for months in range(0, 14):
        base = add_months(start.replace(day=1), months)
        candidate = base.replace(day=min(day, month_end(base.year, base.month)))
        if candidate > start:
            return candidate
    raise AssertionError("a day of the month always recurs")


def later(today: date, days: int) -> date:
    return today + timedelta(days=days)
