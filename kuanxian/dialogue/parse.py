"""What a Borrower's words say about a plan: a holiday, a day of the month, a first date, a refusal, a bare answer.

Pure functions over text (and today's date), used by the negotiation.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from kuanxian.dates import DateParse, Frequency, add_months, month_end, parse_date
from kuanxian.money import cn_to_int, parse_amount, parse_count

_N = r"([0-9]{1,3}|[零〇一二两三四五六七八九十百]{1,4}|半)"
_HOLIDAY_CUE = re.compile(
    r"缓|暂停|先停|停(?:还|扣|一下|[0-9一二三四五六七八九十两几半])|先不还|晚点还|推迟|延后|延期|宽限|歇|喘口气|等我|等到|"
    r"过(?:一段|几个月)|到.{0,3}月(?:份)?(?:再|才)(?:还|开始)|(?:后|以后|之后)才(?:能|可以|有)|回去上班|复工|"
    r"(?:半年|过完年|过了年|年后|春节后|正月十五)(?:以后|之后|后)?(?:再|才)|再说|"
    r"\b(?:defer|postpone|pause|holiday)\b",
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
_AFTER_NEW_YEAR = re.compile(r"过完年|过了年|年后|春节后|过年以后|过年后|正月十五|元宵")


def _after_new_year(text: str, today: date) -> Optional[int]:
    if not _AFTER_NEW_YEAR.search(text):
        return None
    festival = next((d for _, d in sorted(SPRING_FESTIVAL.items()) if d > today), None)
    if festival is None:
        return None
    lantern = re.search(r"正月十五|元宵", text) is not None
    return (festival + timedelta(days=14 if lantern else 7) - today).days


# "两个月不够，要三个月": the period asked for is the longest one named.
_NOT_ENOUGH = re.compile(r"不够|太短|不行的话|缓不过来|还不上|起码|至少")
_PERIOD = re.compile(_N + r"\s*(个)?\s*(月|天|日|周|星期|礼拜|年)")
_UNTIL_MONTH = re.compile(r"(?:到|等到|至)\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月")
_DAY_NUM = r"([0-9]{1,2}|[一二三四五六七八九十廿]{1,3})\s*(?:号|日)"
# "每个月10号", "每期扣款放在10号", "改到15号" (a day named in a recurring-payment context)...
_DAY_OF_MONTH = re.compile(
    r"(?:每个?月|每月的?|月月|以后都|每期|每次|扣款|扣钱|还款日?|放在|定在|改到|改成|改在|换到|挪到|安排在|设在|设成|固定在|都在|日子|日期|我要)"
    r"[^，。,;；!！?？0-9月]{0,6}?" + _DAY_NUM + r"(?!\s*(?:起|开始))"
)
# ... or followed by what happens on it: "10号扣", "15号发工资".
_DAY_THEN = re.compile(r"(?<![0-9月])" + _DAY_NUM + r"\s*(?:扣|还|划|交|付|发工资|发薪|开工资|发钱|到账)")
_MONTH_END = re.compile(r"每个?月(?:的)?(?:月底|最后一天|月末)")
_FIRST_CUE = re.compile(
    r"第一期|首期|头一期|第一笔|第一次(?:还|扣)|开始还|起还|开始扣|从.{0,8}开始|[号日]\s*(?:开始|起)|first (?:payment|installment)|start",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"太多|太高|太贵|还不起|付不起|负担不了|承受不了|扛不住|吃不消|拿不出|不够|压力(?:太)?大|受不了|多了点|有点多|太重|还不上"
)
_BARE_NUMBER = re.compile(
    r"^\s*(?:就|大概|差不多|最多|只能)?\s*([0-9]{1,7}(?:\.[0-9]{1,2})?|[零〇一二两三四五六七八九十百千万]{1,6})\s*(?:块|元|吧|呢|行吗|可以吗|啊|呀|。|！|!|\?|？)?\s*$"
)


_QUESTION = re.compile(
    r"[?？]|吗|么\s*$|呢\s*$|伐\s*$|多少|怎么|为什么|能不能|可不可以|是不是|行不行|会不会|哪|(?<!好)几(?:个|期|天|号|次)"
    r"|^(?:要是|如果|万一|假如)|要是.{0,20}(?:会|能)"
)


def asks_question(text: str) -> bool:
    """Is the message a question ("12期吗？", "那每月多少") rather than a statement?"""
    return _QUESTION.search(text) is not None


def _num(text: str) -> Optional[int]:
    if text == "半":
        return None
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
    return max(periods) if _NOT_ENOUGH.search(text) else periods[0]


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


_FEE_RELIEF = re.compile(
    r"(?i:waive)|减免|免(?:了|掉|个|一点|点|除|息)|减(?:一半|半|点|一点|掉|少)|少(?:收|算|要)|打(?:个)?折|折扣|抹(?:掉|零|了)|零头|便宜(?:点|些)|"
    r"(?:利息|罚息|滞纳金|费用|手续费)(?:能不能|可不可以|可以|就)?(?:不|别|免|少|减|算了)|只(?:还|收)本金|停息"
)
# A hardship told in passing ("我刚做完手术", "被裁了"): the negotiation treats it as disclosed.
_HARDSHIP = re.compile(
    r"失业|被裁|裁员|下岗|没(?:了)?工作|丢了工作|找不到工作|没有收入|没收入|断了收入|生病|住院|手术|化疗|病了|受伤|骨折|"
    r"早产|剖腹产|生孩子|坐月子|离婚|去世|丧事|车祸|意外|破产|倒闭|欠薪|工资(?:没|不)发|降薪|停工|停产"
)


_RECORD_OK = re.compile(r"(?:可以|能|就|要|你们)(?:帮我)?(?:登记|记录|记下|记上|记)|(?:登记|记录|记)(?:吧|一下吧|下来吧)|同意(?:登记|记录)")
_RECORD_NO = re.compile(r"不(?:要|用|想|同意|愿意|希望|必)(?:你们)?(?:帮我)?(?:登记|记录|记)|别(?:登记|记录|记)")
# "一次还清", "缓完以后一次性结清": the whole balance in one payment.
_LUMP_SUM = re.compile(r"一次(?:性)?(?:全部|全|都)?(?:还清|还完|结清|付清|还上|还掉|给清)")


def consents_to_record(text: str) -> bool:
    """ "困难情况你们可以登记", "要记录就记吧": yes to recording a hardship, said in a sentence."""
    return _RECORD_OK.search(text) is not None and _RECORD_NO.search(text) is None


_ALL_AT_ONCE = re.compile(r"全部还|全还|都还上|还清|结清|付清|一次性还|一次还")


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
    if _ALL_AT_ONCE.search(text) is None or "还是" in text or asks_question(text) or wants_holiday(text):
        return False
    found = parse_date(text, today=today)
    return found is not None and found.date is not None


def lump_sum(text: str) -> bool:
    """ "缓完以后我争取一次还清": paying the rest at once; not "要一次还清，还是可以分期？" (a question)."""
    return _LUMP_SUM.search(text) is not None and "还是" not in text


def asks_fee_relief(text: str) -> bool:
    """ "利息能不能免了", "免个零头", "减一半呢": asking to pay less in fees or interest."""
    return _FEE_RELIEF.search(text) is not None


def mentions_hardship(text: str) -> bool:
    return _HARDSHIP.search(text) is not None


def wants_holiday(text: str) -> bool:
    return _HOLIDAY_CUE.search(text) is not None


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


def first_date(text: str, today: date) -> Optional[date]:
    """The first payment date when the Borrower names one ("第一期放在1月25号", "下个月10号开始")."""
    if not _FIRST_CUE.search(text):
        return None
    # The date in the clause that says "first"/"from" wins: "每个月20号还，从1月20号开始" starts on 1月20号.
    for clause in re.split(r"[，,。；;！!？?\s]+", text):
        if _FIRST_CUE.search(clause):
            found = parse_date(clause, today=today)
            if found.date and found.date > today:
                return found.date
    found = parse_date(text, today=today)
    return found.date if found.date and found.date > today else None


def next_day_of_month(today: date, day: int, *, after: Optional[date] = None) -> date:
    """The next date on `day` (clamped to the month's end) strictly after `after` (default today)."""
    start = after or today
    for months in range(0, 14):
        base = add_months(start.replace(day=1), months)
        candidate = base.replace(day=min(day, month_end(base.year, base.month)))
        if candidate > start:
            return candidate
    raise AssertionError("a day of the month always recurs")


# Words that take back or correct what is on the table: a restated plan with one of these is not a yes.
_OBJECTION = re.compile(
    r"不对|不是|但是|不过|可是|没答应|没同意|没确认|没说要|别给我|别记|不要记|撤|取消|不行|不同意|还不起|等等|等一下|再想想|改成|改到|换成"
)


def objects(text: str) -> bool:
    """ "500也行，但是日子不对", "我没答应啊 别给我记上": something is corrected or taken back."""
    return _OBJECTION.search(text) is not None


# "这350是什么钱", "是利息还是手续费", "多出来的钱是哪来的": what the fees are (not a dispute, not an offer).
_FEE_QUESTION = re.compile(
    r"(?:什么|啥)(?:钱|费|费用)|是(?:利息|罚息|手续费|服务费|违约金)还是|多(?:出来|收)的.{0,8}(?:是|算)|"
    r"(?:利息|罚息|手续费|费用).{0,4}(?:怎么算|是怎么|哪来的|是什么)"
)


def asks_about_fees(text: str) -> bool:
    return _FEE_QUESTION.search(text) is not None or _FEE_GRUMBLE.search(text) is not None


# "纯纯割韭菜", "凭啥收我这么多": a grumble about the fees, answered with what they are.
_FEE_GRUMBLE = re.compile(r"割韭菜|凭(?:啥|什么)收|收(?:我)?(?:这么|那么)多|怎么(?:这么|那么)多(?:钱|利息|费)|高利贷|乱收费")

# "那个工作人员还会找我吗", "还有人给我打电话吗": whether the person asked for earlier is still coming.
_PERSON_COMING = re.compile(
    r"(?:工作人员|人工|客服|有人|那个人).{0,6}(?:还会|会不会|还要|还能)?.{0,4}(?:找我|联系我|回我|回复我|打电话|给我打)"
)
_ABOUT_OTHERS = re.compile(r"家里|家人|父母|爸妈|单位|同事|朋友|邻居|老家|亲戚")


def asks_if_person_coming(text: str) -> bool:
    asks = re.search(r"[?？吗么嘛呢]|会不会|还", text) is not None
    return _PERSON_COMING.search(text) is not None and asks and _ABOUT_OTHERS.search(text) is None


# "分期的话利息还会一直涨吗", "总数是不是就12000 不会再加了", "这期间利息还算不算": whether a plan's total grows.
_PLAN_INTEREST = re.compile(
    r"(?:利息|罚息|费用|滞纳金).{0,6}(?:还|会|继续|一直|照样|照常|也)?(?:涨|算|加|计|产生|增加|往上|滚)"
    r"(?:不|吗|么|没|嘛|呢|[?？]|$)|"
    r"(?:利息|罚息|费用|滞纳金).{0,4}(?:还|会|继续|一直)?(?:涨|算|加|计|产生|增加)不(?:涨|算|加|计|产生|增加)|"
    r"(?:总数|总共|一共|合计|总额|加起来).{0,12}(?:不会再?(?:加|涨|多)|会不会再?(?:加|涨|多|变)|还会(?:加|涨|多|变))|"
    r"越还越多"
)


def asks_plan_interest(text: str) -> bool:
    """Whether interest keeps running during a plan (a question, not a request to waive it)."""
    return _PLAN_INTEREST.search(text) is not None and not asks_fee_relief(text)


def refuses_amount(text: str) -> bool:
    return _REFUSAL.search(text) is not None


_BYE_NUMBER = re.compile(r"\s*(?:88+|886|8886|3166)\s*[了啦哈~～!！。.]*\s*")


def says_bye_in_numbers(text: str) -> bool:
    """ "88", "886": goodbye in chat numerals, never an amount."""
    return _BYE_NUMBER.fullmatch(text) is not None


_GOODBYE = re.compile(r"再见|拜拜|拜了|\bbye|88|886|回见|再会|晚安|下线|我下了|溜了|走了", re.I)


def says_goodbye(text: str) -> bool:
    return _GOODBYE.search(text) is not None


_CHANGE_CARD = re.compile(r"换.{0,6}(?:卡|银行卡|借记卡|储蓄卡|账户)|(?:卡|银行卡).{0,6}(?:换|更换|改|变更|解绑|绑定)|绑.{0,2}新卡|新卡")


def changes_card(text: str) -> bool:
    """ "扣款的那张卡怎么换", "还款的卡换一张": changing the bank card used for payments."""
    return _CHANGE_CARD.search(text) is not None


_SCAM = re.compile(r"骗子|诈骗|骗人|是不是骗|真的假的|怎么(?:知道|证明|确定).{0,12}(?:真|正规|官方|你们)|正规的?吗|是官方|冒充|假的吧")


def asks_if_genuine(text: str) -> bool:
    """ "怎么证明你是正规的？", "是不是骗子": whether the chat is really the lender's."""
    return _SCAM.search(text) is not None


_TIME_ZONE = re.compile(r"纽约时间|北京时间|美国时间|国内时间|当地时间|时区|哪(?:里|边)的时间|按哪(?:里|边)")


def asks_time_zone(text: str) -> bool:
    return _TIME_ZONE.search(text) is not None and asks_question(text)


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
    r"每两周|两周一[期次还]|隔周|双周|每两个?(?:礼拜|星期)|两个?(?:礼拜|星期)一[期次还]|bi-?weekly|every\s*(?:two|2)\s*weeks", re.I
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
)
_PAYING = re.compile(r"还|付|交|分|期|月供|扣")


# An amount said back or asked about ("12000??", "5350...", "这350是什么钱", "欠5350，本金才5000") is not an offer.
_ASKED_CLAUSE = re.compile(r"(?:[?？]|\.{2,}|…)\s*$|什么|啥|为什么|怎么|欠|本金|余额|总共|一共|利息|费用")


# A fear or a what-if ("会不会让我全部一次还", "万一500都凑不出来怎么办") names no terms, paying words or not.
_WHAT_IF = re.compile(r"会不会|咋办|怎么办|万一")


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
    k = re.search(r"([0-9]+(?:\.[0-9])?)\s*[kK]\b", text)
    if k:
        return Decimal(k.group(1)) * 1000
    amount = parse_amount(text)
    if amount is not None:
        return amount
    bare = bare_number(text)
    return bare


def later(today: date, days: int) -> date:
    return today + timedelta(days=days)


_YES_WORDS = (
    r"嗯+|恩|好+|好的|好吧|好呀|好啊|行|行吧|行的|可以|可以的|可以啊|可以吧|成|中|对|对的|是|是的|没问题|确认|确定|同意|"
    r"就这样|就这样吧|就这么办|就按这个|按这个来|ok|okay|okk|yes|要|需要|麻烦了|麻烦你了|好嘞|妥|"
    r"确认这个计划|确认这个方案|确认计划|确认方案|就这个|就它了|定了|没毛病"
)
_NO_WORDS = (
    r"不|不要|不用|不行|不了|算了|不需要|不同意|不可以|别|先不|先不用|先不要|暂时不用|no|nope|不必|不用了|还是不要|"
    r"不太行|不合适"
)
_TAIL = r"[\s,，。.!！~～啊呀吧的了哈嗯]*$"
_YES = re.compile(rf"^(?:那就?|那我)?(?:{_YES_WORDS})(?:[\s,，。.!！~～]*(?:{_YES_WORDS}|谢谢|谢了|麻烦您了))*{_TAIL}", re.IGNORECASE)
# Cheerful extras around a yes or a no ("好嘞！确认✅ 爱了爱了💕"): emoji and fillers that say nothing more.
_FILLERS = re.compile(
    r"爱了|么么哒|么么|比心|耶+|哈哈+|嘻嘻|嘿嘿|h{3,}|啦+|呢|哦+|噢|谢谢你|谢谢啦|感谢|辛苦了|辛苦啦|太好了|nice|赞|亲爱的|亲", re.I
)
_YES_EMOJI = frozenset("👌👍✅🙆🆗✔☑")


def _plain(text: str) -> str:
    """The words of a short answer without emoji, symbols and cheerful fillers."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cn", "Co", "Mn", "Cf"))
    return _FILLERS.sub(" ", kept).strip()


_NO = re.compile(rf"^(?:{_NO_WORDS})(?:[\s,，。.!！~～]*(?:{_NO_WORDS}|谢谢))*{_TAIL}", re.IGNORECASE)
# Consent to record a hardship, said in a sentence: "你们要记录就记吧，没关系".
_CONSENT_YES = re.compile(r"记吧|记下吧|记录吧|可以记|可以登记|同意记录|同意|没关系|没事|无所谓|可以的|记上吧")
_CONSENT_NO = re.compile(r"不(?:要|用|想|同意|愿意|希望)(?:你们)?(?:记|登记|记录|留)|别记|不用记|不要记")


_STARTS_YES = re.compile(r"^(?:好的?|行|可以|确认|确定|同意|嗯+|对|没问题|就这样|就按|ok|okay|yes)[\s,，。.!！~～]", re.IGNORECASE)
_HEDGE = re.compile(r"不|别|但|可是|不过|除非|免|减|吗|？|\?")


def starts_yes(text: str) -> bool:
    """ "好的，那第一期是哪天" begins with a plain yes; "可以，但是每月200" hedges it."""
    stripped = text.strip()
    return (bool(_STARTS_YES.match(stripped)) and not _HEDGE.search(stripped[:12])) or bool(_YES.match(stripped))


def yes_no(text: str, pending: Optional[str] = None) -> Optional[bool]:
    """A plain yes (True) or no (False) to the question on the table; None when the message says more."""
    stripped = _plain(text)
    if not stripped:
        return True if any(c in _YES_EMOJI for c in text) else None  # "👌", "👍"
    if _YES.match(stripped):
        return True
    if _NO.match(stripped):
        return False
    if pending == "hardship_consent":
        if _CONSENT_NO.search(stripped):
            return False
        if _CONSENT_YES.search(stripped):
            return True
    return None


def names_plan_terms(text: str, today: date) -> bool:
    """Does the message say anything the negotiation can use (terms, a day, a first date, a holiday)?"""
    return (
        terms(text, today) != (None, None)
        or longest_term(text)
        or day_of_month(text) is not None
        or first_date(text, today) is not None
        or holiday_days(text, today) is not None
    )


# Account-changing intents need the words to say so, not only the classifier: a dispute stops reminders and
# a wrong number locks the conversation, so "不是不还" or "你们记吧，我同意" must never open either.
_DOUBLE_NEGATIVE = re.compile(r"不是不|并不是不|也不是不|不是说不")
_DISPUTE = re.compile(
    r"不是我(?:借|贷|的|本人|签)|没(?:有)?借过|没(?:有)?贷过|从来没(?:有)?(?:借|贷)|我没借|没(?:有)?申请过|不认识|不认(?:这笔|这个|账)"
    r"|(?:金额|数目|数字|账|钱数|利息|费用|罚息)(?:算)?(?:不对|错了|有误|对不上)|算错|对不上|多扣|多收|重复扣|扣了两次|乱收"
    r"|已经还(?:清|了|过)|还过了|早就还|还清了|冒用|盗用|被盗|被人(?:借|贷|用)|身份(?:证)?被|骗贷|诈骗|搞错|弄错|不是我的"
    r"|这个数(?:字|目)?\S{0,3}(?:不对|不认|有问题)|数(?:字|目)?不对|合同上写的"
    r"|我不认|(?:\d+|这笔|这部分|利息|费用)\S{0,3}不认|(?:显示|写着|账上|App上|app上|这里)\S{0,12}不对"
    r"|说(?:好)?的?是免息|不是说(?:免息|不收)|说(?:好|过)?不收利息"
    r"|哪来的|莫名其妙|凭什么|有异议|不承认|不知道(?:这|有)(?:笔|个)|什么时候借|啥时候借|没收到(?:钱|款)",
)
_WRONG_PERSON = re.compile(
    r"打错|发错|找错|不是(?:本人|这个人|你们要找的|他本人|她本人)|不认识(?:这个人|他|她|此人)|没(?:有)?这个人|查无此人|我不(?:叫|姓)"
    r"|换(?:了)?号|(?:号|号码)[^。！？]{0,6}换|新(?:办的)?号|号码[^。！？]{0,8}(?:换|不是|以前|之前)|以前的(?:机主|号主)|前(?:任)?机主|不是他|不是她"
    r"|wrong (?:number|person)|你(?:们)?找谁|你(?:是)?谁啊|不是我",
    re.IGNORECASE,
)


def says_dispute(text: str) -> bool:
    """ "这不是我借的", "金额不对", "我早就还清了": the debt itself is questioned (not "我不是不还").

    A clause that says "not that I won't" ("我不是不认账") is left out; the rest may still question the amount
    ("…但这个数不对")."""
    clauses = [c for c in re.split(r"[，。,.!！？?；;\s]+", text) if c and _DOUBLE_NEGATIVE.search(c) is None]
    return any(_DISPUTE.search(c) for c in clauses)


# When reminders come, not whether ("别半夜发", "按我这边白天发"); "全部关掉" or "别发了" is a stop.
_WHEN_SENT = re.compile(r"半夜|深夜|凌晨|夜里|大晚上|睡觉|白天|上午|早上|时差|几点|夜班|(?:提醒|发)的?时间|时间.{0,4}(?:设置|设定|改)")
_ABOUT_REMINDERS = re.compile(
    r"提醒|发消息|发信息|通知|短信|推送|发给我|给我发|别发|不要发|(?:半夜|深夜|夜里|晚上|白天|早上)(?:别|不要)?发"
)
# Sleeps by day ("我上夜班，白天要睡觉"): the usual daytime window is the problem, not the night.
_DAY_SLEEPER = re.compile(
    r"夜班|白天.{0,6}(?:睡|休息|骑车|跑单|上班|干活|不方便|没空|看不了)|(?:睡|休息).{0,6}白天|白天(?:别|不要|不能)发|晚上.{0,6}(?:可以|再)发"
)
_STOP_ALL = re.compile(r"全部|所有|都(?:关|停|别|不)|彻底|再也|别再|不要再|不想再|任何|别发了|不要发了|别.{0,2}提醒了|关[了掉]|停[了掉]")


def asks_quiet_hours(text: str) -> bool:
    return _WHEN_SENT.search(text) is not None and _STOP_ALL.search(text) is None


def asks_reminder_hours(text: str) -> bool:
    """ "纽约时间早上8点到下午4点不要给我发提醒": about when reminders come, whatever the classifier heard."""
    return asks_quiet_hours(text) and _ABOUT_REMINDERS.search(text) is not None


def sleeps_by_day(text: str) -> bool:
    return _DAY_SLEEPER.search(text) is not None


def says_wrong_person(text: str) -> bool:
    """ "你们打错了", "我不认识这个人", "这号我刚换的": this number is not the Borrower's."""
    return _WRONG_PERSON.search(text) is not None and _DOUBLE_NEGATIVE.search(text) is None


_ASKS_LONGEST = re.compile(
    r"最(?:多|长)(?:能|可以)?(?:缓|停|暂缓|延期|延后|推迟)[^。！？?]{0,4}(?:多久|多长|几天|几个月|多少天)|能缓多久|可以缓多久|能缓几|能停多久"
)


_LONGEST_TERM = re.compile(
    r"最(?:长|多)(?:能|可以)?分(?:几|多少|多久)|最(?:长|多)(?:能|可以)?(?:几|多少)(?:期|个月)|按最长的?|最长的来|分最长|最长(?:期限|那个|的那个)"
)


def longest_term(text: str) -> bool:
    """ "那最长能分几个月", "那就按最长的来": the policy's longest term, asked about or chosen."""
    return _LONGEST_TERM.search(text) is not None


def asks_longest_holiday(text: str) -> bool:
    """ "两个月不行的话，最多能缓多久？": the policy's longest holiday is asked for (the number said is withdrawn)."""
    return _ASKS_LONGEST.search(text) is not None


_DEFERS_PLAN = re.compile(
    r"(?:到时候|过(?:两|俩|几|一)?(?:个)?月|(?:两|俩|几|一)个?月(?:后|以后|之后)|以后|回头|等.{1,8}(?:再|后))[^。！？?]{0,6}(?:再说|再定|再商量|再谈|再聊|再来|再找|定分期|商量)"
    r"|先这样|先不定|先不分期|现在不(?:想)?定|暂时不(?:想)?定|再说吧",
)


def defers_plan(text: str) -> bool:
    """ "那先这样，过俩月再说", "两个月后我再来跟你定分期": the holiday now, the plan later."""
    return _DEFERS_PLAN.search(text) is not None
