"""A payment holiday in the Borrower's words: how long ("先缓两个月", "等到3月", "过完年再还"), the longest one
allowed, asked about, and the plan itself put off until after it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from kuanxian.latin import latin_word
from kuanxian.money import cn_to_int

_N = r"([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,4}|半|俩|仨)"


# "能不能等一等，等工钱要回来了我就还", "过了春节行不行": a wait asked for, of no stated length, in so many words.
_AFTER_FESTIVAL = r"(?:过了|过完)春节|春节(?:过后|以后|之后)"
_WAIT = r"等一等|缓一缓|等(?:工钱|工资|货款|钱|款|赔偿|保险)(?:要|拿|发|结|到|下来|回来)|" + _AFTER_FESTIVAL
_WAIT_RE = re.compile(_WAIT)


def asks_to_wait(text: str) -> bool:
    return _WAIT_RE.search(text) is not None


# ("10号有时候也会推迟", "工资延后了": something else is late, not a holiday asked for.)
_HOLIDAY_CUE = re.compile(
    r"缓|暂停|先停|停(?:还|扣|一下|[0-9一二三四五六七八九十两几半俩仨])|先不还|晚点还|(?<![会常总老资薪])推迟|(?<![会常总老资薪])延后|延期|宽限|歇|喘口气|等我|等到|"
    r"过(?:一段|几个月)|到.{0,3}月(?:份)?(?:再|才)(?:还|开始)|(?:后|以后|之后)才(?:能|可以|有)|回去上班|复工|"
    r"(?:半年|过完年|过了年|年后|春节后|正月十五)(?:以后|之后|后)?(?:再|才)|再说|"
    + _WAIT
    + r"|"
    + latin_word("defer|postpone|pause|holiday")
    + r"|"
    # "能不能过三个月再开始还", "两个月以后再还", "两个月以后开始": the payments start after a while
    r"过\s*"
    + _N
    + r"\s*个?\s*(?:月|周|星期|礼拜)(?:以后|之后|后)?(?:再|才)|"
    + _N
    + r"\s*个?\s*(?:月|周|星期|礼拜)(?:以后|之后|后)(?:再|才|开始)",
    re.IGNORECASE,
)


# The Spring Festival (public calendar): "过完年再还" is a week after it, "正月十五以后" two weeks after it.
SPRING_FESTIVAL = {
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
}


_AFTER_NEW_YEAR = re.compile(r"过完年|过了年|年后|春节后|过年以后|过年后|正月十五|元宵|" + _AFTER_FESTIVAL)


def _after_new_year(text: str, today: date) -> Optional[int]:
    if not _AFTER_NEW_YEAR.search(text):
        return None
    festival = next((d for _, d in sorted(SPRING_FESTIVAL.items()) if d > today), None)
    if festival is None:
        return None
    lantern = re.search(r"正月十五|元宵", text) is not None
    return (festival + timedelta(days=14 if lantern else 7) - today).days


# "两个月不够，要三个月": the period asked for is the longest one named.
_NOT_ENOUGH = re.compile(r"不够|太短|不行的话|缓不过来|还不上|起码|至少|我说的是|说的是|我要的是")


_PERIOD = re.compile(_N + r"\s*(个)?\s*(月|天|日|周|星期|礼拜|年)")
# A period right after the verb that asks for it ("能不能通融下停60天"): the request, whatever was quoted before it.
_ASKED_PERIOD = re.compile(r"(?:停|缓|暂缓|宽限|延期|推迟|延后)\s*(?:个|上)?\s*" + _N + r"\s*(个)?\s*(月|天|日|周|星期|礼拜|年)")


_UNTIL_MONTH = re.compile(r"(?:到|等到|至)\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月")


_COLLOQUIAL = {"俩": 2, "仨": 3}


def _num(text: str) -> Optional[int]:
    if text == "半":
        return None
    if text in _COLLOQUIAL:
        return _COLLOQUIAL[text]
    if text.isdigit():
        return int(text)
    return cn_to_int(text)


def holiday_days(text: str, today: date) -> Optional[int]:
    """Days of payment holiday asked for ("先缓两个月" → 60, "停60天" → 60, "等到3月" → until 1 March), else None."""
    if not _HOLIDAY_CUE.search(text):
        return None
    if "半年" in text:
        return 182
    new_year = _after_new_year(text, today)
    if new_year is not None:
        return new_year
    # "等到3月" is until 1 March, not three months: a named month is read before a period.
    u = _UNTIL_MONTH.search(text)
    if u:
        month = _num(u.group(1))
        if month and 1 <= month <= 12:
            year = today.year + (1 if month <= today.month else 0)
            return (date(year, month, 1) - today).days
    periods = [days for days in (_period_days(m) for m in _PERIOD.finditer(text)) if days]
    if not periods:
        return None
    if _NOT_ENOUGH.search(text):
        return max(periods)
    # ("就只能停30天？" quotes the limit; it is not what is asked for.)
    asked = [
        days
        for days in (
            _period_days(m)
            for m in _ASKED_PERIOD.finditer(text)
            if not re.search(r"只能|最多|只有|只", text[max(0, m.start() - 3) : m.start()])
        )
        if days
    ]
    return asked[-1] if asked else periods[0]


def _period_days(m: re.Match[str]) -> Optional[int]:
    n = 0.5 if m.group(1) == "半" else _num(m.group(1))
    if not n:
        return None
    unit = m.group(3)
    if unit == "月":
        return round(n * 30)
    if unit in ("周", "星期", "礼拜"):
        return int(n * 7)
    if unit == "年":
        return int(n * 365)
    return int(n)


def wants_holiday(text: str) -> bool:
    return _HOLIDAY_CUE.search(text) is not None


_ASKS_LONGEST = re.compile(
    r"最(?:多|长)(?:能|可以)?(?:缓|停|暂缓|延期|延后|推迟)[^。！？?]{0,4}(?:多久|多长|几天|几个月|多少天)|能缓多久|可以缓多久|能缓几|能停多久"
    r"|最晚(?:能|可以)?(?:推|拖|缓|延|停|开始)[^。！？?]{0,4}(?:什么时候|啥时候|哪天|几号|多久|几月)|按最晚的|最晚的来"
)


def asks_longest_holiday(text: str) -> bool:
    """ "两个月不行的话，最多能缓多久？": the policy's longest holiday is asked for (the number said is withdrawn)."""
    return _ASKS_LONGEST.search(text) is not None


_DEFERS_PLAN = re.compile(
    r"(?:到时候|过(?:两|俩|几|一)?(?:个)?月|(?:两|俩|几|一)个?月(?:后|以后|之后)|以后|之后|回头|等.{1,8}(?:再|后)|找到工作)"
    r"[^。！？?]{0,8}(?:再说|再定|再商量|再谈|再聊|再来|再找|定分期|谈分期|商量|再(?:跟|和|找)[^。！？?]{0,4}(?:谈|说|商量|定|聊))"
    # "到时候你在这上面提醒我一下就行": remind me when the holiday ends, the plan then
    r"|到时候[^。！？?]{0,8}提醒我"
    r"|先这样|先不定|先不分期|现在不(?:想)?定|暂时不(?:想)?定|再说吧"
    # "那我就等三月份再说"
    r"|等[^。！？?，,]{1,8}再(?:说|定|商量|来)",
)


def defers_plan(text: str) -> bool:
    """ "那先这样，过俩月再说", "两个月后我再来跟你定分期": the holiday now, the plan later."""
    return _DEFERS_PLAN.search(text) is not None
