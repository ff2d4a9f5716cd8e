"""Which numeral in a sentence is the amount (or the number of installments) the borrower means.

Spans that are clearly not money (dates, counts, percentages, phone numbers,
ordinals, idioms such as ``一下``/``万一``) are thrown away; of the rest, the
context (currency words, pay verbs, "at most", "per month", a figure being
turned down) decides which one the borrower offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from kuanxian.latin import latin_word

from .amounts import MAX_AMOUNT, quantize
from .numerals import Num, digit_value, evaluate, find_numerals, fold

__all__ = ["parse_amount", "parse_count"]

_MAX_COUNT = 600

# Yuan with a subunit digit: 8块5, 一块五, 三块五毛.
_KUAI_SUBUNIT_RE = re.compile(r"块\s*([0-9零一二两三四五六七八九])\s*(?:毛|角)?(?![0-9零〇一二两三四五六七八九十百千万亿块元钱点.])")

_CLAUSE_BREAK_RE = re.compile(r"[，。,;；！!？?\n、]")

_MARKER_AFTER_RE = re.compile(r"(?:多|来|余)?\s*(?:元(?!旦)|圆|块钱|块|钱|rmb|cny|yuan|人民币|¥|￥)", re.I)

# 多/来/余 right after a number ("about"): look past them for what is being counted (一百多天, 20多个).
_APPROX_SUFFIX_RE = re.compile(r"[多来余]\s*")
# 几 likewise after tens or more of a written-out number ("一百六十几", "三千几"), not after a bare 十 ("十几块").
_APPROX_JI_AFTER = re.compile(r"(?:[一二两三四五六七八九]十|[百千万])$")

_MARKER_BEFORE_RE = re.compile(r"(?:¥|￥|rmb|cny|人民币)\s*$", re.I)

# Words right after a numeral that make it a count, a date, a time, ...
_FOLLOW_BAD_RE = re.compile(
    r"(?:期|个|月|年|号|日|天|点|时|小时|秒|周|星期|礼拜|次|岁|人|口|%|倍|成|折|层|楼|斤|公斤|克|米"
    r"|公里|位|条|张|家|份|笔|名|台|辆|回|遍|趟|几|代|级|届|度|套|户|件|只(?!能|有|是|够|要|想|好|还)|下|起|些|直|定|般|样"
    r"|切|边|致|旦|向|共|半|部|栋|幢|单元|室|全|分(?![0-9零〇一二两三四五六七八九十成期为]))"
)

_FOLLOW_BAD_EN_RE = re.compile(r"\s+" + latin_word("months?|weeks?|days?|years?|installments?|instalments?|times|periods?|percent"), re.I)

_PRECEDE_BAD_RE = re.compile(r"(?:第|分之|几|好几|大几)\s*$")

# Scores and body measures (身高170, 芝麻分650) in the same clause.
_MEASURE_BEFORE_RE = re.compile(r"身高|体重|芝麻分|信用分|征信分|分数|评分|积分|得分|血压|血糖")

_PRECEDE_WEEKDAY_RE = re.compile(r"(?:周|星期|礼拜)\s*$")

_PRECEDE_SPLIT_RE = re.compile(r"分(?:成|为)?\s*$")

_PRECEDE_ID_RE = re.compile(
    r"(?:(?:尾号|号码|卡号|账号|帐号|编号|单号|订单|验证码|密码|电话|手机号?|微信号?|qq|工号|身份证号?|邮编|尾数"
    r"|拨打|致电|热线|客服)"
    r"|(?:后|前|末|尾)\s*[0-9一二三四五六七八九十]\s*位(?:数字?|数|号码?)?)"
    r"\s*(?:是|为|:)?\s*$",
    re.I,
)

_RANGE_SEP_RE = re.compile(r"\s*多?\s*(?:-|~|到|至|或者|或是|或)\s*")

_PER_PERIOD_BEFORE_RE = re.compile(
    r"(?:每|一)\s*个?\s*(?:月|期|周|星期|礼拜)|每\s*(?:两|2)\s*周|每\s*半\s*个?\s*月|月供|月还|月付|每\s*次"
    r"|per\s+month|monthly|each\s+month|a\s+month",
    re.I,
)

_PER_PERIOD_AFTER_RE = re.compile(r"\s*(?:/|每|一|per|a|each)\s*个?\s*(?:月|期|周|星期|礼拜|month|week)", re.I)

_NEXT_FIGURE_RE = re.compile(r"\s*(?:还|付|交|给|转|打|供)?\s*[0-9零一二两三四五六七八九十]")

_PAY_VERB_RE = re.compile(r"还|付|交|给|转|打|凑|拿|存|供|pay", re.I)

# Right after an amount: the borrower is turning it down (一个月两千太多了).
_REJECTED_AFTER_RE = re.compile(
    r"(?:我|我们|我这边|对我来说)?(?:真的|实在|确实|有点|也|是){0,2}(?:太多|太高|太贵|还不起|还不上|还不了|付不起|付不了|给不了"
    r"|承受不了|受不了|负担不了|做不到|拿不出|凑不出|不行|不可能|肯定不行|顶不住|扛不住|吃不消|不认"
    r"|(?:is |are )?(?:too much|too high|too expensive)|(?:i )?(?:can'?t|cannot|can not) (?:afford|pay))",
    re.I,
)

# A small bare number right before a pay verb and another figure is a day of the month: 每月15还1500.
_DAY_BEFORE_PAY_RE = re.compile(r"\s*(?:还|转|付|交|打|给)\s*[0-9零一二两三四五六七八九十]")

# Right before an amount: the borrower offers it (我最多还, 只能, 改成).
_OFFER_BEFORE_RE = re.compile(r"最多|顶多|只能|能|可以|愿意|打算|准备")

# The new figure of a change (从两千改成一千, 降到六百).
_CHANGE_TO_BEFORE_RE = re.compile(
    r"(?:改成?|改为|降到|减到|调到|调整到|变成|换成|降为|减为|降低到|减少到)\s*(?:每个?月|每期|一个月)?\s*(?:还)?\s*$"
)

# Right before an amount: it is what the lender demands, the old figure, or what is ruled out.
_DEMAND_BEFORE_RE = re.compile(r"你们[^，。,]{0,4}?(?:说|要|让|规定)|要求|让我|逼我|催我|非要|说要")

_FROM_BEFORE_RE = re.compile(r"从\s*(?:原来的?|之前的?)?\s*(?:每个?月|每期|一个月)?\s*(?:还)?\s*$")

_NEGATED_BEFORE_RE = re.compile(
    r"(?:不是|不要|而不是|别说|不用)\s*(?:每个?月|每期|一个月)?\s*(?:还|给|付)?\s*$"
    r"|(?:哪里|哪儿|哪)(?:拿得出|有|还得起|凑得出|付得起|掏得出)\s*$"  # "我哪里拿得出两万嘛": ruled out
)

# Money that already moved (还了, 给了我, 花了): a fact, not the offer.
_PAST_BEFORE_RE = re.compile(
    r"(?:还|给|转|付|交|打|花|用|借|凑|赔|垫)(?:了|过)\s*(?:我|你们|他|她)?\s*(?:个)?\s*$|已经"
    r"|(?<![号日点天底周末月0-9零一二两三四五六七八九十])(?:之前|以前)|上个?月|上次|上周"
)

# 今年才22 (an age), 十一以后 (the National Day holiday): small bare numbers that are not money.
_PRECEDE_AGE_RE = re.compile(r"(?:今年|年纪|年龄)\s*(?:才|都|已经|刚|也)?\s*$")

_FOLLOW_TIME_RE = re.compile(r"\s*(?:以|之|过)?(?:后|前)|\s*过完|\s*(?:放)?(?:假|长假|假期|黄金周)")

_NOT_PAYMENT_RE = re.compile(
    r"欠|一共|总共|共计|合计|总额|余额|本金|利息|罚息|工资|收入|薪|挣|赚|借了|借款|贷款|房贷|车贷|房租|租金"
    r"|生活费|医药费|手术费|学费|开销|花销|花了|花掉|存款|积蓄"
)

# Right after an amount (and its 元/块): what the money is, when it is not the payment.
_NOT_PAYMENT_AFTER_RE = re.compile(
    r"\s*的?\s*(?:工资|收入|薪水|月薪|房租|租金|房贷|车贷|生活费|医药费|手术费|学费|利息|罚息|本金|欠款|外债|债|贷款"
    r"|违约金|滞纳金|开销|花销|存款|积蓄|储蓄)"
)

# Count context (parse_count).
_COUNT_PRECEDE_BAD_RE = re.compile(r"(?:第|前|后|这|那|近|上|下|头|每|隔|过去|最近)\s*$")

_COUNT_MONTH_AFTER_BAD_RE = re.compile(r"(?:后|以后|之后|前|以前|之前|底|初|中|号|日)")

_COUNT_TIMES_AFTER_OK_RE = re.compile(r"(?:性|还|付|交|清|结清)")
# "要一次还清，还是可以分期？": a question about paying at once, not a choice of it.
_COUNT_TIMES_ASKED_RE = re.compile(r"[^。.！!]{0,12}?(?:还是|吗|么|嘛|呢|？|\?)")
# "一次性肯定还不上", "一次还不起": paying at once is ruled out, not chosen.
_COUNT_TIMES_NEGATED_RE = re.compile(
    r"[^，,。.！!？?；;]{0,8}?(?:不上|不起|不了|不完|不清|不出|不行|不到|不可能|没法|没办法|没能力|难|够呛)"
)

_HALF_YEAR_RE = re.compile(r"(?<![0-9零〇一二两三四五六七八九十])半年(?!后|以后|之后|前|以前|之前)")


@dataclass
class _Cand:
    start: int
    end: int
    value: Decimal
    num: Num
    marker: bool = False
    score: int = 0


def _clause_before(s: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start``, not crossing a clause break."""
    window = s[max(0, start - width) : start]
    parts = _CLAUSE_BREAK_RE.split(window)
    return parts[-1]


def _clause_after(s: str, end: int, width: int) -> str:
    window = s[end : end + width]
    return _CLAUSE_BREAK_RE.split(window)[0]


def _marker_after(s: str, end: int) -> re.Match[str] | None:
    return _MARKER_AFTER_RE.match(s[end : end + 8].lstrip())


def _follow_bad(s: str, end: int) -> bool:
    rest = s[end : end + 16]
    stripped = rest.lstrip()
    if _FOLLOW_BAD_EN_RE.match(rest):
        return True
    if not stripped:
        return False
    if end < len(s) and s[end].isascii() and s[end].isalpha():
        return True  # glued to letters: 4G, 5kg, 12GB
    approx = _APPROX_SUFFIX_RE.match(stripped)
    if approx is None and stripped.startswith("几") and _APPROX_JI_AFTER.search(s[max(0, end - 2) : end]):
        approx = re.match(r"几\s*", stripped)
    if approx is not None:
        stripped = stripped[approx.end() :]
        if stripped.startswith(("点", "一点", "些", "一些")):
            return False  # 一千多点: "a bit over"
    return _FOLLOW_BAD_RE.match(stripped) is not None


def _maybe_shorten(num: Num, s: str) -> Num | None:
    """Drop a trailing digit that belongs to the next word (两千一个月 → 两千)."""
    toks = num.toks
    if len(toks) < 2 or toks[-1].kind != "cn":
        return None
    before = toks[-2]
    if before.kind == "cn" or (before.kind == "unit" and before.value >= 100):
        return evaluate(toks[:-1], s)
    return None


def _money_candidates(s: str) -> list[_Cand]:
    nums = find_numerals(s)
    cands: list[_Cand] = []
    k = 0
    while k < len(nums):
        a = nums[k]
        # Context words before an amount belong to it only back to the previous amount.
        floor = cands[-1].end if cands else 0
        # Ranges: 1000-2000, 一千到两千, 1-2万 → the low end.
        if k + 1 < len(nums) and a.value is not None and (bv := nums[k + 1].value) is not None:
            b = nums[k + 1]
            sep = _RANGE_SEP_RE.fullmatch(s, a.end, b.start)
            if sep is not None and not _marker_after(s, a.end):
                low = a.value
                if a.bare and b.lead_unit and low * b.lead_unit <= bv:
                    low = low * b.lead_unit
                merged = Num(
                    a.start,
                    b.end,
                    b.toks,
                    min(low, bv),
                    a.bare and b.bare,
                    b.lead_unit,
                    a.big_unit or b.big_unit,
                    a.digit_string or b.digit_string,
                )
                cand = _judge(merged, s, start=a.start, floor=floor)
                if cand is not None:
                    cands.append(cand)
                k += 2
                continue
        sub = _KUAI_SUBUNIT_RE.match(s, a.end)
        if (
            sub is not None
            and a.value is not None
            and a.value == a.value.to_integral_value()
            and not _follow_bad(s, sub.end())
            and not _PER_PERIOD_AFTER_RE.match(s, sub.start(1))
        ):
            a = replace(a, value=a.value + Decimal(digit_value(sub.group(1))) / 10)
        cand = _judge(a, s, start=a.start, floor=floor)
        if cand is None and _follow_bad(s, a.end) and not _marker_after(s, a.end):
            shorter = _maybe_shorten(a, s)
            if shorter is not None:
                cand = _judge(shorter, s, start=a.start, floor=floor)
        if cand is not None:
            cands.append(cand)
        k += 1
    return cands


def _judge(num: Num, s: str, *, start: int, floor: int = 0) -> _Cand | None:
    """Turn a numeral into a money candidate, or reject it."""
    value = num.value
    if value is None or value <= 0 or value > MAX_AMOUNT or num.digit_string:
        return None
    end = num.end
    before = s[:start]
    m_after = _marker_after(s, end)
    marker = bool(m_after) or bool(_MARKER_BEFORE_RE.search(before[-8:])) or num.big_unit
    if not m_after and _follow_bad(s, end):
        return None
    if _PRECEDE_BAD_RE.search(before[-4:]) or _PRECEDE_ID_RE.search(before[-8:]):
        return None
    if _PRECEDE_WEEKDAY_RE.search(before[-3:]) and num.bare and value <= 7:
        return None
    if before.rstrip().endswith("初") and value <= 30:
        return None
    if _PRECEDE_SPLIT_RE.search(before[-3:]) and not marker:
        return None
    if not marker and _MEASURE_BEFORE_RE.search(_clause_before(s, start, min(10, start - floor))):
        return None
    if any(t.kind == "pt" for t in num.toks) and not m_after:
        # A Chinese decimal needs a magnitude after it (零点五万); 五点五十 is a clock time.
        pt = next(i for i, t in enumerate(num.toks) if t.kind == "pt")
        if not any(t.kind == "unit" and t.value >= 100 for t in num.toks[pt:]):
            return None
    if start > 0 and before[-1].isascii() and before[-1].isalpha() and not _MARKER_BEFORE_RE.search(before[-8:]):
        return None  # iPhone15, A8
    first = num.toks[0]
    if len(num.toks) == 1 and first.kind == "ar":
        raw = s[first.start : first.end]
        if "," not in raw and "." not in raw and (len(raw) >= 9 or (len(raw) >= 2 and raw[0] == "0")):
            return None  # phone, card or id numbers
    if not marker and value < 100 and (_PRECEDE_AGE_RE.search(before[-6:]) or _FOLLOW_TIME_RE.match(s, end)):
        return None
    if not marker and num.bare and value <= 31 and value == value.to_integral_value() and _DAY_BEFORE_PAY_RE.match(s, end):
        return None
    if value < 10:
        if not marker:
            return None
        if value == 1 and m_after is not None and m_after.group() == "块":
            return None  # 一块 also means "together"
    cand = _Cand(start, end, value, num, marker)
    window = _clause_before(s, start, min(10, start - floor))
    after = s[end:]
    if m_after is not None:
        after = after.lstrip()[m_after.end() :]
    per_after = _PER_PERIOD_AFTER_RE.match(_clause_after(after, 0, 10))
    # "剩下3万每月还2500": the per-month phrase belongs to the figure after it, not to this one.
    if per_after is not None and _NEXT_FIGURE_RE.match(after, per_after.end()):
        per_after = None
    per_period = bool(_PER_PERIOD_BEFORE_RE.search(window)) or per_after is not None
    verb = bool(_PAY_VERB_RE.search(window[-4:]))
    negative = bool(_NOT_PAYMENT_RE.search(window)) or bool(_NOT_PAYMENT_AFTER_RE.match(after))
    if negative:
        per_period = False  # 一个月工资三千: per month, but not a payment
    rejected = bool(_REJECTED_AFTER_RE.match(_clause_after(after, 0, 20).lstrip()))
    offer = bool(_OFFER_BEFORE_RE.search(window[-6:])) + 2 * bool(_CHANGE_TO_BEFORE_RE.search(window))
    demand = bool(_DEMAND_BEFORE_RE.search(window))
    superseded = bool(_FROM_BEFORE_RE.search(window))
    negated = bool(_NEGATED_BEFORE_RE.search(window))
    past = bool(_PAST_BEFORE_RE.search(window))
    cand.score = (
        2 * marker + 3 * per_period + verb + offer - 2 * negative - 4 * rejected - 3 * demand - 3 * superseded - 3 * negated - 2 * past
    )
    return cand


def simplified(text: str) -> str:
    """Traditional characters read as simplified ("欠款總共三萬，每個月還兩千"), with the safety layer's table."""
    from kuanxian.safety.text import to_simplified

    return to_simplified(text)


def parse_amount(text: str) -> Decimal | None:
    """Find the money amount a borrower means in a whole sentence, or None.

    Ranges give their low end; with several amounts the one carrying a money
    marker or a per-period phrase wins, otherwise the first.  Result is
    quantized to the fen.  Never raises.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        s = fold(simplified(text))
        cands = _money_candidates(s)
        if not cands:
            return None
        best = cands[0]
        for cand in cands[1:]:
            if cand.score > best.score:
                best = cand
        return quantize(best.value)
    except Exception:  # pragma: no cover - safety net: a chat message must never crash the bot
        return None


def parse_count(text: str) -> int | None:
    """Number of installments in a sentence: 分12期, 十二期, 分成6个月, 两年 (24), 半年 (6)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return _parse_count(fold(simplified(text)))
    except Exception:  # pragma: no cover - safety net: a chat message must never crash the bot
        return None


def _parse_count(s: str) -> int | None:
    best: tuple[int, int, int] | None = None  # (priority, -position, count)

    def offer(priority: int, pos: int, count: int) -> None:
        nonlocal best
        if not 1 <= count <= _MAX_COUNT:
            return
        key = (priority, -pos, count)
        if best is None or key[:2] > best[:2]:
            best = key

    nums = find_numerals(s)
    skip: set[int] = set()
    for k, num in enumerate(nums):
        if k in skip or num.value is None or num.digit_string:
            continue
        end = num.end
        # A range of counts (分10到12期) gives its low end.
        if k + 1 < len(nums) and _RANGE_SEP_RE.fullmatch(s, num.end, nums[k + 1].start):
            end = nums[k + 1].end
            skip.add(k + 1)
        value = num.value
        if value != value.to_integral_value():
            continue
        n = int(value)
        before = s[: num.start]
        if _COUNT_PRECEDE_BAD_RE.search(before[-4:]):
            continue
        split = bool(_PRECEDE_SPLIT_RE.search(before[-3:]))
        rest = s[end:].lstrip()
        if rest.startswith("期"):
            offer(3, num.start, n)
        elif rest.startswith("个月") or (split and rest.startswith("月")):
            tail = rest[2:] if rest.startswith("个月") else rest[1:]
            if n == 1 or _COUNT_MONTH_AFTER_BAD_RE.match(tail.lstrip()):
                continue
            offer(2, num.start, n)
        elif rest.startswith("年"):
            tail = rest[1:]
            if n > 10 or (not num.bare and num.lead_unit > 10) or _COUNT_MONTH_AFTER_BAD_RE.match(tail.lstrip()):
                continue
            offer(2, num.start, n * 12 + (6 if tail.startswith("半") else 0))
        elif rest.startswith("次"):
            if (
                (split or _COUNT_TIMES_AFTER_OK_RE.match(rest[1:].lstrip()))
                and not _COUNT_TIMES_NEGATED_RE.match(rest[1:])
                and not _COUNT_TIMES_ASKED_RE.match(rest[1:])
            ):
                offer(2, num.start, n)
        elif split and not _marker_after(s, end) and not _follow_bad(s, end):
            offer(1, num.start, n)
    half = _HALF_YEAR_RE.search(s)
    if half is not None:
        offer(2, half.start(), 6)
    return best[2] if best is not None else None
