"""The terms of a plan in a sentence: an amount per period, a number of installments, how often, the
whole balance at once or the longest term; an amount refused, a bare number, or what someone earns.

Numbers that are not terms are left out: a holiday's months, a day of the month, an income or a rent, an
amount asked about or feared.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Optional

from kuanxian.dates import Frequency
from kuanxian.dialogue.parse.answers import says_bye_in_numbers
from kuanxian.dialogue.parse.days import day_of_month, first_date
from kuanxian.dialogue.parse.holidays import holiday_days
from kuanxian.latin import latin_word
from kuanxian.money import parse_amount, parse_count

_REFUSAL = re.compile(
    r"太多|太高|太贵|还不起|付不起|负担不了|承受不了|扛不住|吃不消|拿不出|不够|压力(?:太)?大|受不了|多了点|有点多|太重|还不上|没钱|手头紧"
    r"|吃力|顶唔顺|唔够|还唔起|俾唔起|负担唔到|too much|afford唔到|can'?t afford"
)


_BARE_NUMBER = re.compile(
    r"^\s*(?:就|大概|差不多|最多|只能)?\s*([0-9]{1,7}(?:\.[0-9]{1,2})?|[零〇一二两三四五六七八九十百千万]{1,6})\s*(?:块|元|吧|呢|行吗|可以吗|啊|呀|。|！|!|\?|？)?\s*$"
)


# "一次还清", "缓完以后一次性结清", Cantonese "一次过还晒": the whole balance in one payment.
_LUMP_SUM = re.compile(
    r"一次(?:性)?(?:全部|全|都)?(?:还清|还完|结清|付清|还上|还掉|给清)|一次过(?:还|俾|畀|交|找)(?:晒|清|埋)?|(?:还|俾|畀)晒(?:佢|所有|全部)?"
)


# "一次还300", "每回交500": an amount each time.
_EACH_TIME = re.compile(r"(?:一次|一回|每次|每回)(?:还|交|付|给)?\s*[0-9零〇一二两三四五六七八九十百千万]")

# "不用分期，工钱一下来我一次还清": no plan wanted, the whole balance at once.
_NO_PLAN = re.compile(
    r"不用分期|不分期|不要分期|分期不用|不想分期|不用分|分期就算了|不搞分期|分期(?:我|就|咱)?(?:不要|不想要|不需要|不办|算了)"
)


# "能不能先还一半 剩下的下个月还", "这个月先还一半，下个月再还一半": two payments, the first now.
_HALF_NOW = re.compile(
    r"先(?:还|付|交|给|转)(?:个|上)?一半|(?:这个月|这月|今天|现在)(?:先)?(?:还|付|交)(?:个|上)?一半"
    r"|一半(?:先还|现在还|这个月还)|(?:还|付)一半[^。？?！!]{0,8}(?:剩下|另一半|余下)"
    # "我今天先还1500，剩下1500下个月再还": a part now, the rest later (two equal parts make a plan of two)
    r"|(?:今天|现在|这个月|这月)?先(?:还|付|交)[^。？?！!，,]{1,8}[，,\s]*(?:剩下|剩余|余下|另外)(?:的)?[^。？?！!]{0,10}(?:下个月|下月|月底|下周|过几天|[0-9一二三四五六七八九十]+号)"
)


def half_now_rest_later(text: str) -> bool:
    return _HALF_NOW.search(text) is not None


def refuses_installments(text: str) -> bool:
    """ "分期我不要，说了不要", "不分期": no plan of installments wanted, whatever else is said."""
    return _NO_PLAN.search(text) is not None


def pays_it_all_later(text: str) -> bool:
    """The whole balance at once, some day, no plan wanted ("不用分期，工钱一下来我一次还清")."""
    return lump_sum(text) and _NO_PLAN.search(text) is not None


# "是要一次都还上吗", "是不是得一次还清": whether it must be paid at once, asked, not offered.
_MUST_IT = re.compile(r"是(?:不是)?(?:要|得)|要不要|得不得|是不是")


def lump_sum(text: str) -> bool:
    """ "缓完以后我争取一次还清": paying the rest at once; not "要一次还清，还是可以分期？" or "是要一次都还上吗"
    (questions)."""
    return _LUMP_SUM.search(text) is not None and "还是" not in text and _MUST_IT.search(text) is None


# "不对 是每月15号 …10号卡里没钱的": short of money on a day, which moves the day, not the amount.
_SHORT_ON_A_DAY = re.compile(
    r"[0-9零〇一二两三四五六七八九十]{1,3}\s*[号日](?:那天|那时候|的时候|之前|前)?(?:我)?(?:卡里|卡上|手上|手头|手里|账上)?(?:还|都)?"
    r"(?:没钱|没有钱|钱不够|不够|没到账|拿不出)"
)


def refuses_amount(text: str) -> bool:
    return _REFUSAL.search(_SHORT_ON_A_DAY.sub("", text)) is not None


# "一百六十几", "160多", "一千五左右": an amount said roughly, and how rough.
_ROUGH = re.compile(r"[0-9零〇一二两三四五六七八九十百千万]\s*(?:块|元)?\s*(?:(多|几|出头)|(左右|上下))")


def rough_amount(text: str) -> Optional[tuple[Decimal, Decimal]]:
    """The range a roughly said amount covers: "一百六十几" 160–170, "一千多" 1,000–2,000, "500左右" 450–550."""
    m = _ROUGH.search(text)
    amount = parse_amount(text) if m else None
    if m is None or amount is None or amount <= 0 or amount != amount.to_integral_value():
        return None
    whole = int(amount)
    step = 1
    while whole % (step * 10) == 0 and step < 10_000:
        step *= 10
    if step == 1:
        return None
    if m.group(1):
        return amount, amount + step
    return amount - Decimal(step) / 2, amount + Decimal(step) / 2


def bare_number(text: str) -> Optional[Decimal]:
    """A message that is only a number ("3", "800", "两千块") → that number ("88" is a goodbye)."""
    if says_bye_in_numbers(text):
        return None
    m = _BARE_NUMBER.match(text)
    if not m:
        return None
    raw = m.group(1)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]{1,2})?", raw):
        return Decimal(raw)
    amount = parse_amount(raw + "元")
    return amount


# How often: "每两周还100", "两周一期", "biweekly" (a policy may allow more than monthly).
_BIWEEKLY = re.compile(
    r"每两周|两周(?:还)?一[期次还回]|隔周|双周|每两个?(?:礼拜|星期)|两个?(?:礼拜|星期)(?:还)?一[期次还回]|bi-?weekly|every\s*(?:two|2)\s*weeks",
    re.I,
)


_WEEKLY = re.compile(r"每周|每个?礼拜|每个?星期|一周一[期次还]|weekly|every\s*week", re.I)


_MONTHLY = re.compile(r"每个?月|一个?月一[期次还]|按月|monthly", re.I)


def frequency_in(text: str) -> Optional[Frequency]:
    """The payment frequency a message asks for, if it names one."""
    if _BIWEEKLY.search(text):
        return Frequency.BIWEEKLY
    if _WEEKLY.search(text) and not re.search(r"礼拜[一二三四五六日天]|星期[一二三四五六日天]|周[一二三四五六日末]", text):
        return Frequency.WEEKLY
    if _MONTHLY.search(text):
        return Frequency.MONTHLY
    return None


_PER_PERIOD = re.compile(
    r"(?:每两周|隔周|双周|每两个?(?:礼拜|星期)|每周|每个?礼拜|每个?星期)\s*(?:还|各|交|付)?\s*([0-9]+(?:\.[0-9]{1,2})?)\s*(?:块|元)?(?![0-9号日期])"
)


def _without_frequency(text: str) -> str:
    """ "两周一期，每期100，一共30期": the frequency words are not a count ("一期") or an amount."""
    return _WEEKLY.sub("，", _BIWEEKLY.sub("，", text))


# "那就是差不多半年还完对不对": the borrower checks what the offer on the table means in their own rough words; a
# tag question after a summing-up word is a check, not new terms ("那就分6期吧" names terms: no tag question).
_CHECKS_BACK = re.compile(
    r"(?:就是|也就是|所以|差不多|大概|大约|将近|一共|总共|前后|还完|还清|就清|就结束|就了结).{0,16}?"
    r"(?:对不对|对吧|是吧|是不是|对吗|是吗|没错吧|没错吗|(?:吧|撒|噻|嘛)[？?])(?=[\s？?。.!！~～，,]|$)"
)


def checks_back(text: str) -> bool:
    """A question that sums up the offer on the table in rough words, expecting a yes."""
    found = _CHECKS_BACK.search(text.strip())
    # "还完就行对吧，那分12期": new terms after the check are new terms.
    return found is not None and _TERMS_AFTER.search(text.strip()[found.end() :]) is None


_TERMS_AFTER = re.compile(r"[0-9零〇一二两三四五六七八九十百千万]+\s*(?:期|个月|元|块)|分\s*[0-9一二两三四五六七八九十]|每(?:个)?月")


def terms(text: str, today: Optional[date] = None) -> tuple[Optional[Decimal], Optional[int]]:
    """(amount per period, number of installments) in a sentence.

    A period that belongs to a holiday ("先缓两个月") is not a number of installments,
    and a day of the month ("每月10号") is not an amount.
    """
    per_period = _PER_PERIOD.search(text)
    text = _without_frequency(text)
    count = parse_count(_without_what_if(text))
    amount = Decimal(per_period.group(1)).quantize(Decimal("0.01")) if per_period else None
    amount = amount or parse_amount(_without_income(_without_what_if(text)))
    if amount is not None and count is not None and amount == count:
        amount = None  # "分12期": the 12 is the count
    if count == 1 and amount is not None and _EACH_TIME.search(text) and not _LUMP_SUM.search(text):
        count = None  # "一次还300行不": 300 each time, not one installment
    holiday = holiday_days(text, today or date.today())
    if holiday is not None and count is not None and abs(count * 30 - holiday) <= 31 and not re.search(r"分\s*\S{1,3}\s*期|\d+\s*期", text):
        count = None
    if count is not None and _DURATION.search(text) and not _COUNT_WORDS.search(text):
        count = None  # "找工作最少也得两三个月": how long something takes, not how many installments
    day = day_of_month(text)
    if day is not None and amount is not None and amount == day:
        amount = None
    return amount, count


# Amounts that are not an offer: what someone earns or spends ("每个月就两千来块退休金", "房租一千五"), or the
# balance exclaimed at ("一万二啊 这么多"): a clause like that with no paying word in it is left out.
_NOT_OFFER_CLAUSE = re.compile(
    r"借了|贷了|工资|收入|退休金|养老金|低保|补贴|挣|赚|到手|进账|房租|租金|吃饭|伙食|开销|花销|生活费|药费|学费|水电|[啊呀哇]$"
    r"|吃药|看病|治病|医药|住院|房贷|车贷|要花|得花"
)


# (还 as "also/still" is no paying word: "我一个月二千九还要买药" is an income, not an offer.)
_PAYING = re.compile(r"还(?!要|得|有|是|在|没|剩|差)|付|交(?!水|电|房租|学费|话费|物业|社保|医|药|燃气|网费)|分|期|月供|扣")


# An amount said back or asked about ("12000??", "5350...", "这350是什么钱", "欠5350，本金才5000") is not an offer.
_ASKED_CLAUSE = re.compile(
    r"(?:[?？]|\.{2,}|…)\s*$|什么|啥|为什么|怎么|欠|本金|余额|总共|一共|利息|费用|到底"
    r"|[0-9一二两三四五六七八九十百]+\s*(?:天|块|元)?\s*还是\s*[0-9一二两三四五六七八九十百]+"  # "到底是30还是60啊"
)


# A fear or a what-if ("会不会让我全部一次还", "万一500都凑不出来怎么办") names no terms, paying words or not.
# ("停完之后是要一次还3000吗": what will be required, asked, is no offer either.)
_WHAT_IF = re.compile(r"会不会|咋办|怎么办|万一|是(?:要|得|不是要|不是得)[^，。,.!！?？]*(?:吗|么|嘛)[\s？?]*$")


def _clauses(text: str) -> list[str]:
    return re.findall(r"[^，。,.!！？?；;\s…]+[，。,.!！？?；;\s…]*", text)


def _without_what_if(text: str) -> str:
    clauses = _clauses(text)
    kept = [c for c in clauses if not _WHAT_IF.search(c)]
    return " ".join(kept) if len(kept) != len(clauses) else text


def _without_income(text: str) -> str:
    clauses = _clauses(text)
    kept = [
        c
        for c in clauses
        if not (
            _REFUSAL.search(c)  # "446我还不起": the amount refused, not offered
            or ((_NOT_OFFER_CLAUSE.search(c.rstrip("，。,.!！？?；; …")) or _ASKED_CLAUSE.search(c)) and not _PAYING.search(c))
        )
    ]
    return " ".join(kept) if len(kept) != len(clauses) else text


_NUMERAL = r"[0-9一两二三四五六七八九十半]"


# A span of months said as a time ("最少也得两三个月", "等三个月") or a range ("两三个月"), not a number of installments.
_DURATION = re.compile(
    rf"(?:最少|至少|起码|少说|也得|得要|需要|要等|等到?|过|缓|停|歇|找工作|恢复|关|关门|停业|装修|放假|住院|养伤|休养|欠我?|拖欠|没活)"
    rf"[^，。,；;！!？?分期]{{0,4}}{_NUMERAL}+\s*个?月"
    rf"|[一两二三四五六七八九]\s*[两二三四五六七八九十]\s*个月"
)


_COUNT_WORDS = re.compile(r"分\s*\S{0,3}\s*(?:期|个?月)|\d+\s*期|[一两二三四五六七八九十]+\s*期|还(?!欠)\s*\S{0,3}个?月")


def money_in(text: str) -> Optional[Decimal]:
    """An amount in an answer to "how much do you earn / spend" ("四千多", "大概3500", "5k")."""
    k = re.search(r"([0-9]+(?:\.[0-9])?)\s*" + latin_word("[kK]"), text)
    if k:
        return Decimal(k.group(1)) * 1000
    amount = parse_amount(text)
    if amount is not None:
        return amount
    bare = bare_number(text)
    return bare


def names_plan_terms(text: str, today: date) -> bool:
    """Does the message say anything the negotiation can use (terms, a day, a first date, a holiday)?"""
    return (
        terms(text, today) != (None, None)
        or longest_term(text)
        or day_of_month(text) is not None
        or first_date(text, today) is not None
        or holiday_days(text, today) is not None
    )


_LONGEST_TERM = re.compile(
    r"最(?:长|多)(?:能|可以)?分(?:几|多少|多久)|最(?:长|多)(?:能|可以)?(?:几|多少)(?:期|个月)|按最长的?|最长的来|分最长|最长(?:期限|那个|的那个)"
    r"|(?:分|拖|还)得?越(?:久|长|多)越好|越(?:久|长)越好|能分多长分多长|尽量(?:分)?(?:长|久)(?:一点|些)?"
)


def longest_term(text: str) -> bool:
    """ "那最长能分几个月", "那就按最长的来": the policy's longest term, asked about or chosen."""
    return _LONGEST_TERM.search(text) is not None
