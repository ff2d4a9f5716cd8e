"""Repayment frequencies and the dates borrowers mention (明天, 15号, 下周三, 月底 ...)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kuanxian.latin import latin_word
from kuanxian.money import cn_to_int

__all__ = [
    "DateParse",
    "Frequency",
    "add_months",
    "local_today",
    "month_end",
    "on_day",
    "parse_date",
    "parse_frequency",
]


class Frequency(StrEnum):
    """How often an installment falls due."""

    MONTHLY = "monthly"
    BIWEEKLY = "biweekly"
    WEEKLY = "weekly"

    def __str__(self) -> str:
        return self.value


_BIWEEKLY_RE = re.compile(
    r"每\s*(?:两|2|二)\s*(?:个)?\s*(?:周|星期|礼拜)|(?:两|2|二)\s*(?:个)?\s*(?:周|星期|礼拜)\s*(?:一次|一还|还一次)"
    r"|半\s*个?\s*月\s*(?:一次|一还|还一次)|每\s*半\s*个?\s*月|双周|隔周|每隔一\s*(?:周|星期)|半月付"
    r"|" + latin_word(r"bi-?weekly|fortnightly|every\s+(?:two|2|other)\s+weeks?"),
    re.I,
)
_WEEKLY_RE = re.compile(
    r"每\s*(?:一)?\s*(?:个)?\s*(?:周|星期|礼拜)|(?:一|1)\s*(?:个)?\s*(?:周|星期|礼拜)\s*(?:一次|一还|还一次)"
    r"|周付|按周|周还|周供|" + latin_word(r"weekly|(?:every|per|each)\s+week"),
    re.I,
)
_MONTHLY_RE = re.compile(
    r"每\s*(?:一)?\s*(?:个)?\s*月|(?:一|1)\s*(?:个)?\s*月\s*(?:一次|一还|还一次)|月付|按月|月供|月还|月结"
    r"|" + latin_word(r"monthly|(?:every|per|each)\s+month"),
    re.I,
)


def parse_frequency(text: str) -> Frequency | None:
    """Repayment frequency in a sentence (每月 → monthly, 每周 → weekly, 每两周 → biweekly)."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    try:
        return Frequency(s.lower())
    except ValueError:
        pass
    hits: list[tuple[int, int, Frequency]] = []
    for rank, (rx, freq) in enumerate(
        ((_BIWEEKLY_RE, Frequency.BIWEEKLY), (_WEEKLY_RE, Frequency.WEEKLY), (_MONTHLY_RE, Frequency.MONTHLY))
    ):
        m = rx.search(s)
        if m is not None:
            hits.append((m.start(), rank, freq))
    if not hits:
        return None
    # Biweekly phrases contain weekly/monthly words, so it wins a tie; otherwise the earliest.
    bi = [h for h in hits if h[2] is Frequency.BIWEEKLY]
    if bi:
        return Frequency.BIWEEKLY
    return min(hits)[2]


@dataclass(frozen=True)
class DateParse:
    """A parsed date, or why the bot should ask again ("payday", "vague", "past")."""

    date: date | None
    needs_clarification: str | None = None


def month_end(year: int, month: int) -> int:
    """Number of days in the month."""
    return calendar.monthrange(year, month)[1]


def on_day(d: date, day: int) -> date:
    """`day` in the month of `d`, clamped to the month end (on_day(Feb 10, 31) → Feb 28/29)."""
    return d.replace(day=min(day, month_end(d.year, d.month)))


def add_months(d: date, months: int) -> date:
    """Same day-of-month ``months`` later, clamped to the month end (Jan 31 + 1 → Feb 28/29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(d.day, month_end(year, month)))


def local_today(tz: str, now: datetime | None = None) -> date:
    """Today's date in time zone ``tz`` (``now`` must be timezone-aware when given)."""
    zone = ZoneInfo(tz)
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone).date()


_N = r"(?:[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_WD = r"[一二三四五六日天1-7]"
_WEEK = r"(?:周|星期|礼拜)"
_WEEKDAY_NUM = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"／": "/", "－": "-", "．": "."})

_PAYDAY_RE = re.compile(r"发工资|发薪|工资\s*(?:到账|下来|发了|发下来|一到|到了)|开工资|领工资|出粮|发工钱")
_VAGUE_RE = re.compile(
    r"过几天|过两天|过段时间|过一段时间|过阵子|过一阵|过些天|过些日子|以后|到时候|有钱了|有钱再|有钱就|手头宽裕"
    r"|改天|晚点|迟点|再说|等等|缓缓|回头|不久|尽快|过一段"
)


class _Past:
    """Marker: the borrower named a date that has already gone by."""


_PAST = _Past()
_Result = date | _Past


def _num(text: str) -> int | None:
    return cn_to_int(text.replace(" ", ""))


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= month_end(year, month) or not 1 <= year <= 9999:
        return None
    return date(year, month, day)


def _next_day_of_month(today: date, day: int) -> date:
    """Next date with this day-of-month (today included), clamped to the month end."""
    this = date(today.year, today.month, min(day, month_end(today.year, today.month)))
    if this >= today:
        return this
    nxt = add_months(date(today.year, today.month, 1), 1)
    return date(nxt.year, nxt.month, min(day, month_end(nxt.year, nxt.month)))


def _next_month_day(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):
        d = _safe_date(year, month, day)
        if d is not None and d >= today:
            return d
    return _safe_date(today.year + 4, month, day) if (month, day) == (2, 29) else None


def _iso(m: re.Match[str], today: date) -> _Result | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        return None
    return d if d >= today else _PAST


def _month_day(m: re.Match[str], today: date) -> _Result | None:
    month, day = _num(m["m"]), _num(m["d"])
    if month is None or day is None:
        return None
    year_word = m["y"] or ""
    if year_word:
        year = today.year + {"今年": 0, "明年": 1, "后年": 2}[year_word]
        d = _safe_date(year, month, day)
        if d is None:
            return None
        return d if d >= today else _PAST
    return _next_month_day(today, month, day)


def _slash(m: re.Match[str], today: date) -> _Result | None:
    return _next_month_day(today, int(m["m"]), int(m["d"]))


def _month_part(base: date, part: str) -> date:
    """初 → 1st, 中 → 15th, 底/末 → last day of ``base``'s month."""
    if part in ("初", "上旬"):
        return base.replace(day=1)
    if part in ("中", "中旬"):
        return base.replace(day=15)
    return base.replace(day=month_end(base.year, base.month))


def _named_month_part(m: re.Match[str], today: date) -> _Result | None:
    """ "一月中旬" → 15 January, "3月底" → 31 March: the next such day from today."""
    month = _num(m["m"])
    if month is None or not 1 <= month <= 12:
        return None
    d = _month_part(date(today.year, month, 1), m["part"])
    return d if d >= today else _month_part(date(today.year + 1, month, 1), m["part"])


def _next_month_words(m: re.Match[str], today: date) -> _Result | None:
    months = 2 if m["pre"] == "下下" else 1
    base = add_months(today.replace(day=1), months)
    if m["part"]:
        return _month_part(base, m["part"])
    day = _num(m["d"])
    if day is None or not 1 <= day <= 31:
        return None
    return base.replace(day=min(day, month_end(base.year, base.month)))


def _this_month_day(m: re.Match[str], today: date) -> _Result | None:
    day = _num(m["d"])
    if day is None or not 1 <= day <= 31:
        return None
    d = today.replace(day=min(day, month_end(today.year, today.month)))
    return d if d >= today else _PAST


def _this_month_part(m: re.Match[str], today: date) -> _Result | None:
    part = m["part"]
    if part in ("初", "上旬"):
        return today if today.day == 1 else add_months(today.replace(day=1), 1)
    d = _month_part(today, part)
    if d >= today:
        return d
    return _month_part(add_months(today.replace(day=1), 1), part)


def _year_end(m: re.Match[str], today: date) -> _Result | None:
    return date(today.year, 12, 31)


def _year_start(m: re.Match[str], today: date) -> _Result | None:
    return today if (today.month, today.day) == (1, 1) else date(today.year + 1, 1, 1)


def _relative_word(m: re.Match[str], today: date) -> _Result | None:
    word = m.group()
    if word.startswith("大后"):
        return today + timedelta(days=3)
    if word.startswith("后"):
        return today + timedelta(days=2)
    if word.startswith("明"):
        return today + timedelta(days=1)
    return today


def _days_later(m: re.Match[str], today: date) -> _Result | None:
    if m["n2"] and _num(m["n2"]) == 2:
        return None  # 过两天 means "in a couple of days": vague
    n = _num(m["n"] or m["n2"])
    if n is None or n > 3660:
        return None
    return today + timedelta(days=n)


def _weeks_later(m: re.Match[str], today: date) -> _Result | None:
    n = _num(m["n"])
    if n is None or n > 520:
        return None
    return today + timedelta(days=7 * n)


def _months_later(m: re.Match[str], today: date) -> _Result | None:
    if m["half"]:
        return today + timedelta(days=15)
    n = _num(m["n"])
    if n is None or n > 120:
        return None
    return add_months(today, n)


def _weekday(m: re.Match[str], today: date) -> _Result | None:
    wd_text = m["wd"]
    wd = _WEEKDAY_NUM[wd_text] if wd_text in _WEEKDAY_NUM else int(wd_text) - 1
    return _week_target(m["which"] or "", wd, today)


def _weekend(m: re.Match[str], today: date) -> _Result | None:
    if not m["which"] and today.weekday() == 6:
        return today
    return _week_target(m["which"] or "", 5, today)


def _week_target(which: str, wd: int, today: date) -> _Result:
    monday = today - timedelta(days=today.weekday())
    if which.startswith("下下"):
        return monday + timedelta(days=14 + wd)
    if which.startswith("下"):
        return monday + timedelta(days=7 + wd)
    if which:  # 这周五 / 本周五
        d = monday + timedelta(days=wd)
        return d if d >= today else _PAST
    return today + timedelta(days=(wd - today.weekday()) % 7)


def _next_week(m: re.Match[str], today: date) -> _Result | None:
    return today + timedelta(days=14 if m.group().startswith("下下") else 7)


def _next_month(m: re.Match[str], today: date) -> _Result | None:
    return add_months(today, 2 if m.group().startswith("下下") else 1)


def _bare_day(m: re.Match[str], today: date) -> _Result | None:
    day = _num(m["d"])
    if day is None or not 1 <= day <= 31:
        return None
    return _next_day_of_month(today, day)


_Handler = Callable[[re.Match[str], date], "_Result | None"]

# (pattern, handler, coarse): coarse results (下周, 下个月) yield to a payday mention.
_MATCHERS: tuple[tuple[re.Pattern[str], _Handler, bool], ...] = (
    (re.compile(r"(?<![0-9])(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*[-/.月]\s*(?P<d>[0-9]{1,2})(?![0-9])\s*[日号]?"), _iso, False),
    (re.compile(rf"(?P<y>今年|明年|后年)?\s*(?P<m>{_N})\s*月\s*(?P<d>{_N})\s*[日号]"), _month_day, False),
    (re.compile(r"(?<![0-9/])(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})(?![0-9/])"), _slash, False),
    (re.compile(rf"(?P<pre>下下|下)\s*个?\s*月\s*(?:(?P<part>初|中旬|中|底|末|上旬|下旬)|(?P<d>{_N})\s*[号日])"), _next_month_words, False),
    (re.compile(rf"(?:这个?|本)\s*月\s*(?P<d>{_N})\s*[号日]"), _this_month_day, False),
    (re.compile(rf"(?<![下这本个])(?P<m>{_N})\s*月份?\s*(?P<part>初|中旬|中|底|末|上旬|下旬)"), _named_month_part, False),
    (re.compile(r"(?:这个?|本)?\s*月\s*(?P<part>初|中旬|中|底|末|上旬|下旬)"), _this_month_part, False),
    (re.compile(r"(?:今|这)?年\s*(?:底|末)"), _year_end, False),
    (re.compile(r"明年\s*年?初|(?<![今明去前后])年初"), _year_start, False),
    (re.compile(r"大后天|后天|明天|明日|明儿|明早|明晚|今天|今日|今儿|今晚|今早"), _relative_word, False),
    (re.compile(rf"(?P<n>{_N})\s*天\s*(?:后|以后|之后|内|以内)|过\s*(?P<n2>{_N})\s*天"), _days_later, False),
    (re.compile(rf"(?P<n>{_N})\s*个?\s*{_WEEK}\s*(?:后|以后|之后)"), _weeks_later, False),
    (re.compile(rf"(?:(?P<half>半)|(?P<n>{_N}))\s*个\s*月\s*(?:后|以后|之后)"), _months_later, False),
    (re.compile(rf"(?P<which>下下个?|下个?|这个?|本)?\s*{_WEEK}\s*(?P<wd>{_WD})(?!次)"), _weekday, False),
    (re.compile(r"(?P<which>下下个?|下个?|这个?|本)?\s*周末"), _weekend, False),
    (re.compile(rf"下下?个?\s*{_WEEK}"), _next_week, True),
    (re.compile(r"下下?个?\s*月"), _next_month, True),
    (re.compile(rf"(?<![月0-9零〇一二两三四五六七八九十])(?P<d>{_N})\s*[号日](?!子|期|元)"), _bare_day, False),
)


def parse_date(text: str, *, today: date) -> DateParse:
    """The repayment date a borrower names; never earlier than ``today``.

    The earliest mention in the sentence wins (the longest at the same spot); a bare day ("15号") only when
    nothing fuller is said.
    ``needs_clarification`` is "payday" (发工资那天 with no concrete day),
    "vague" (过几天, 有钱了) or "past" (an explicit date already gone by).
    """
    if not isinstance(text, str) or not text.strip():
        return DateParse(None, None)
    s = text.translate(_FULLWIDTH_DIGITS)
    best: tuple[tuple[bool, int, int], _Result, bool] | None = None
    for rx, handler, coarse in _MATCHERS:
        for m in rx.finditer(s):
            try:
                result = handler(m, today)
            except (ValueError, OverflowError, KeyError):
                result = None
            if result is None:
                continue
            # A bare day ("15号") gives way to a fuller date in the same message: in "15号要交房租 1月20号" the
            # 15th is a reason, the 20th of January the date.
            key = (handler is _bare_day, m.start(), -(m.end() - m.start()))
            if best is None or key < best[0]:
                best = (key, result, coarse)
            break
    payday = _PAYDAY_RE.search(s) is not None
    if best is not None and not (payday and best[2]):
        result = best[1]
        if isinstance(result, _Past):
            return DateParse(None, "past")
        return DateParse(result, None)
    if payday:
        return DateParse(None, "payday")
    if _VAGUE_RE.search(s):
        return DateParse(None, "vague")
    return DateParse(None, None)
