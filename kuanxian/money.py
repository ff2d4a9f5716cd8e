"""Money amounts and installment counts in borrowers' (mostly Chinese) sentences.

The parser works on *spans*: it scans the sentence for numerals (Arabic,
Chinese, financial, mixed such as ``1万5``), evaluates each span on its own,
throws away spans that are clearly not money (dates, counts, percentages,
phone numbers, ordinals, idioms such as ``一下``/``万一``) and then picks the
amount the borrower most likely means.  Nothing here uses floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

__all__ = [
    "FEN",
    "ceil_to_fen",
    "cn_to_int",
    "format_amount",
    "from_fen",
    "parse_amount",
    "parse_count",
    "to_fen",
]

FEN = Decimal("0.01")
_MAX_AMOUNT = Decimal("1000000000")  # anything larger is not a debt payment
_MAX_COUNT = 600

_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "俩": 2,
    "三": 3, "叁": 3, "參": 3, "仨": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_CN_UNITS: dict[str, int] = {
    "十": 10, "拾": 10,
    "百": 100, "佰": 100,
    "千": 1000, "仟": 1000, "阡": 1000,
    "万": 10_000, "萬": 10_000,
    "亿": 100_000_000, "億": 100_000_000,
}
_ASCII_UNITS: dict[str, int] = {"k": 1000, "K": 1000, "w": 10_000, "W": 10_000}
_ASCII_DIGITS = frozenset("0123456789")
# Approximate ranges said as two digits: 一两万, 两三千, 七八百, 三五百.
_RANGE_PAIRS = frozenset({(a, a + 1) for a in range(1, 9)} | {(3, 5)})

# Full-width forms that borrowers type on Chinese keyboards.
_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "．": ".", "～": "~", "－": "-", "：": ":", "％": "%", "／": "/",
        "＋": "+", "　": " ", "〜": "~", "—": "-", "–": "-", "﹣": "-",
    }
)

_ARABIC_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?")
_CJK_GAP_RE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+(?=[^\x00-\x7f])")
# Dates and clock times whose digits are glued together with separators.
_MASK_RES = (
    re.compile(r"(?<![0-9])[0-9]{4}([-/.])[0-9]{1,2}\1[0-9]{1,2}(?![0-9])"),
    re.compile(r"(?<![0-9])[0-9]{4}年(?:[0-9]{1,2}月(?:[0-9]{1,2}[日号])?)?"),
    re.compile(r"(?<![0-9/])[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?(?![0-9/])"),
    re.compile(r"(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])"),
)
# Digit groups split by spaces or dashes that add up to a phone, card or ID number: 139 1234 5678.
_SPACED_ID_RE = re.compile(r"(?<![0-9])[0-9]{3,6}(?:[ -][0-9]{3,6}){2,}(?![0-9])")
# Thousands separators typed as a full-width comma (2，000) or a space before a money word (2 000元).
# A full-width comma only counts as a separator between full-width digits (２，０００), next to a
# money word (2，000元, ￥2，000); elsewhere it separates clauses (我欠12，500一个月).
_FW_COMMA_THOUSANDS_RE = re.compile(r"(?<![０-９])[０-９]{1,3}(?:，[０-９]{3})+(?![０-９])")
_CN_COMMA_THOUSANDS_RE = re.compile(
    r"(?<![0-9.])[0-9]{1,3}(?:，[0-9]{3})+(?![0-9])(?=\s*(?:元|块|圆|rmb|cny|yuan|人民币))", re.I
)
_CN_COMMA_AFTER_CURRENCY_RE = re.compile(r"((?:¥|￥|rmb|cny|人民币)\s*)([0-9]{1,3}(?:，[0-9]{3})+)(?![0-9])", re.I)
_SPACE_THOUSANDS_RE = re.compile(
    r"(?<![0-9.])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])(?=\s*(?:元|块|圆|rmb|cny|yuan|人民币))", re.I
)
_CURRENCY_SPACE_THOUSANDS_RE = re.compile(
    r"((?:¥|￥|rmb|cny|人民币)\s*)([0-9]{1,3}(?: [0-9]{3})+)(?![0-9])", re.I
)
# Spaces inside a mixed numeral: 1 万 5, 3 千.
_DIGIT_UNIT_GAP_RE = re.compile(r"(?<=[0-9])[ \t]+(?=[十百千万亿])")
_UNIT_DIGIT_GAP_RE = re.compile(r"(?<=[0-9][千万])[ \t]+(?=[0-9](?![0-9]))")
# A leading decimal point: .5万.
_LEADING_POINT_RE = re.compile(r"(?<![0-9.])\.(?=[0-9])")
# 百 mistyped as its homophone 白 right before a money word: 五白块.
_BAI_TYPO_RE = re.compile(r"(?<=[0-9零〇一二两三四五六七八九])白(?=块|元|圆|钱)")
# "Not even one fen/mao/kuai": a way of saying zero, not an amount.
_ZERO_IDIOM_RE = re.compile(r"一\s*(?:分|毛|角|块|元)\s*钱?\s*(?:都|也)\s*(?:没|不|拿不|掏不|凑不|还不)")
# Round figures said without a leading digit: 千把块, 百来块, 万把块, 百八十, 千儿八百, 上万块, 半万.
_BARE_UNIT_RE = re.compile(
    r"(?<![0-9零〇一二两三四五六七八九十百千万亿仨俩])(?:"
    r"(?P<u1>[百千万])(?=把|来(?:块|元|圆|钱))"
    r"|(?P<u2>百)(?:儿?八十|十(?=来|多|块|元|钱))|(?P<u3>千)儿?八百|(?P<u4>万)儿?八千"
    r"|(?<![晚早马路身手楼网线以往向])上(?P<u5>[百千万])(?![一二两三四五六七八九十0-9分])"
    r")"
)
_HALF_WAN_RE = re.compile(r"(?<![0-9零〇一二两三四五六七八九十百千万亿])半万")
# 多/来/余 between a number and a larger unit adds nothing: 十来万, 三十多万, 一千多万.
_APPROX_INFIX_RE = re.compile(r"(?<=[十百千0-9])[多来余](?=[万亿])")
# Yuan with a subunit digit: 8块5, 一块五, 三块五毛.
_KUAI_SUBUNIT_RE = re.compile(r"块\s*([0-9零一二两三四五六七八九])\s*(?:毛|角)?(?![0-9零〇一二两三四五六七八九十百千万亿块元钱点.])")
# Set phrases built from numerals that never mean money.
_IDIOM_RE = re.compile(
    r"一五一十|十全十美|十拿九稳|十有八九|八九不离十|九死一生|三心二意|一心一意|五花八门|四面八方|七上八下|乱七八糟"
    r"|一清二楚|一干二净|百里挑一|千方百计|千家万户|千辛万苦|万众一心|三番五次|三天两头|接二连三"
    r"|(?:一百|一万|一千)个(?=不|放心|愿意|没问题|对不起|抱歉)"
)
_CLAUSE_BREAK_RE = re.compile(r"[，。,;；！!？?\n、]")

_MARKER_AFTER_RE = re.compile(r"(?:多|来|余)?\s*(?:元(?!旦)|圆|块钱|块|钱|rmb|cny|yuan|人民币|¥|￥)", re.I)
# 多/来/余 right after a number ("about"): look past them for what is being counted (一百多天, 20多个).
_APPROX_SUFFIX_RE = re.compile(r"[多来余]\s*")
_MARKER_BEFORE_RE = re.compile(r"(?:¥|￥|rmb|cny|人民币)\s*$", re.I)
# Words right after a numeral that make it a count, a date, a time, ...
_FOLLOW_BAD_RE = re.compile(
    r"(?:期|个|月|年|号|日|天|点|时|小时|秒|周|星期|礼拜|次|岁|人|口|%|倍|成|折|层|楼|斤|公斤|克|米"
    r"|公里|位|条|张|家|份|笔|名|台|辆|回|遍|趟|几|代|级|届|度|套|户|件|只(?!能|有|是|够|要|想|好|还)|下|起|些|直|定|般|样"
    r"|切|边|致|旦|向|共|半|部|栋|幢|单元|室|全|分(?![0-9零〇一二两三四五六七八九十成期为]))"
)
_FOLLOW_BAD_EN_RE = re.compile(
    r"\s+(?:months?|weeks?|days?|years?|installments?|instalments?|times|periods?|percent)\b", re.I
)
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
_PER_PERIOD_AFTER_RE = re.compile(
    r"\s*(?:/|每|一|per|a|each)\s*个?\s*(?:月|期|周|星期|礼拜|month|week)", re.I
)
_PAY_VERB_RE = re.compile(r"还|付|交|给|转|打|凑|拿|存|供|pay", re.I)
# Right after an amount: the borrower is turning it down (一个月两千太多了).
_REJECTED_AFTER_RE = re.compile(
    r"(?:我|我们|我这边|对我来说)?(?:真的|实在|确实|有点|也|是)?(?:太多|太高|太贵|还不起|还不上|还不了|付不起|付不了|给不了"
    r"|承受不了|受不了|负担不了|做不到|拿不出|凑不出|不行|不可能|肯定不行"
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
_NEGATED_BEFORE_RE = re.compile(r"(?:不是|不要|而不是|别说|不用)\s*(?:每个?月|每期|一个月)?\s*(?:还|给|付)?\s*$")
# Money that already moved (还了, 给了我, 花了): a fact, not the offer.
_PAST_BEFORE_RE = re.compile(
    r"(?:还|给|转|付|交|打|花|用|借|凑|赔|垫)(?:了|过)\s*(?:我|你们|他|她)?\s*(?:个)?\s*$|已经"
    r"|(?<![号日点天底周末月0-9零一二两三四五六七八九十])(?:之前|以前)|上个?月|上次|上周"
)
# 今年才22 (an age), 十一以后 (the National Day holiday): small bare numbers that are not money.
_PRECEDE_AGE_RE = re.compile(r"(?:今年|年纪|年龄)\s*(?:才|都|已经|刚|也)?\s*$")
_FOLLOW_TIME_RE = re.compile(r"\s*(?:以|之|过)?(?:后|前)|\s*过完|\s*(?:假|长假|假期|黄金周)")
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
_HALF_YEAR_RE = re.compile(r"(?<![0-9零〇一二两三四五六七八九十])半年(?!后|以后|之后|前|以前|之前)")


@dataclass
class _Tok:
    kind: str  # "ar" | "cn" | "unit" | "pt"
    value: Decimal
    start: int
    end: int


@dataclass
class _Num:
    """A numeral span and its evaluated value."""

    start: int
    end: int
    toks: list[_Tok]
    value: Decimal | None
    bare: bool  # no magnitude unit at all
    lead_unit: int  # first magnitude unit (for 1-2万 style ranges)
    big_unit: bool  # uses 万/亿/k/w, which count as money markers
    digit_string: bool  # e.g. 一三八 read digit by digit


@dataclass
class _Cand:
    start: int
    end: int
    value: Decimal
    num: _Num
    marker: bool = False
    score: int = 0


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _bare_unit(m: re.Match[str]) -> str:
    unit = next(u for u in m.groupdict().values() if u)
    return "一" + unit


def _normalize(text: str) -> str:
    """Fold full-width forms, glue spaced-out numerals, blank out dates, times and id numbers."""
    s = _FW_COMMA_THOUSANDS_RE.sub(lambda m: m.group().replace("，", ","), text)
    s = s.translate(_FULLWIDTH)
    s = _SPACED_ID_RE.sub(_blank, s)
    s = _CN_COMMA_THOUSANDS_RE.sub(lambda m: m.group().replace("，", ","), s)
    s = _CN_COMMA_AFTER_CURRENCY_RE.sub(lambda m: m.group(1) + m.group(2).replace("，", ","), s)
    s = _SPACE_THOUSANDS_RE.sub(lambda m: m.group().replace(" ", ""), s)
    s = _CURRENCY_SPACE_THOUSANDS_RE.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), s)
    s = _CJK_GAP_RE.sub("", s)
    s = _DIGIT_UNIT_GAP_RE.sub("", s)
    s = _UNIT_DIGIT_GAP_RE.sub("", s)
    s = _LEADING_POINT_RE.sub("0.", s)
    s = _BAI_TYPO_RE.sub("百", s)
    s = _ZERO_IDIOM_RE.sub(_blank, s)
    s = _IDIOM_RE.sub(_blank, s)
    s = _BARE_UNIT_RE.sub(_bare_unit, s)
    s = _HALF_WAN_RE.sub("五千", s)
    s = _APPROX_INFIX_RE.sub("", s)
    for rx in _MASK_RES:
        s = rx.sub(_blank, s)
    return s


def _is_start(ch: str) -> bool:
    return ch in _ASCII_DIGITS or ch in _CN_DIGITS or ch in ("十", "拾")


def _digit_value(ch: str) -> int:
    return int(ch) if ch in _ASCII_DIGITS else _CN_DIGITS[ch]


def _may_follow(toks: list[_Tok], digit: int) -> bool:
    """May a Chinese digit extend the span?  Only fractions, 零 placeholders and ranges (两三)."""
    if not toks or toks[-1].kind != "cn":
        return True
    last = toks[-1]
    before = toks[-2] if len(toks) >= 2 else None
    if any(t.kind == "pt" for t in toks):
        return True  # fraction digits: 零点二五万
    if last.value == 0:
        return before is not None and before.kind == "unit"  # 一千零五
    if before is not None and before.kind == "cn":
        return False  # at most two digits in a row (a range)
    return (int(last.value), digit) in _RANGE_PAIRS


def _scan(s: str, i: int) -> list[_Tok]:
    """Read the longest numeral starting at ``s[i]`` as tokens."""
    toks: list[_Tok] = []
    prev = ""
    n = len(s)
    j = i
    while j < n:
        ch = s[j]
        if ch in _ASCII_DIGITS and prev in ("", "unit"):
            m = _ARABIC_RE.match(s, j)
            if m is None:  # pragma: no cover - a digit always matches
                break
            toks.append(_Tok("ar", Decimal(m.group().replace(",", "")), j, m.end()))
            prev, j = "ar", m.end()
        elif ch in _CN_DIGITS and prev in ("", "cn", "unit", "pt") and _may_follow(toks, _CN_DIGITS[ch]):
            toks.append(_Tok("cn", Decimal(_CN_DIGITS[ch]), j, j + 1))
            prev, j = "cn", j + 1
        elif ch in _CN_UNITS and (prev in ("cn", "ar", "unit") or (prev == "" and _CN_UNITS[ch] == 10)):
            toks.append(_Tok("unit", Decimal(_CN_UNITS[ch]), j, j + 1))
            prev, j = "unit", j + 1
        elif (
            ch in _ASCII_UNITS
            and prev in ("ar", "cn")
            and not (j + 1 < n and s[j + 1].isascii() and s[j + 1].isalpha())
        ):
            toks.append(_Tok("unit", Decimal(_ASCII_UNITS[ch]), j, j + 1))
            prev, j = "unit", j + 1
        elif ch == "点" and prev == "cn" and j + 1 < n and s[j + 1] in _CN_DIGITS:
            toks.append(_Tok("pt", Decimal(0), j, j + 1))
            prev, j = "pt", j + 1
        else:
            break
    return toks


def _evaluate(toks: list[_Tok], s: str) -> _Num:
    """Evaluate numeral tokens: 三千五 → 3500, 两三千 → 2000 (low end), 1万5 → 15000."""
    total = Decimal(0)
    section = Decimal(0)
    cur: Decimal | None = None
    cur_single = False  # a lone trailing digit may abbreviate the next lower unit
    last_unit = 0
    big_prev = 0
    zero_gap = False
    digit_string = False
    lead_unit = 0
    big_unit = False
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "cn":
            run: list[int] = []
            while i < len(toks) and toks[i].kind == "cn":
                run.append(int(toks[i].value))
                i += 1
            if last_unit and run[0] == 0:  # 一千零五: 零 is a placeholder
                while run and run[0] == 0:
                    run.pop(0)
                zero_gap = True
                if not run:
                    continue
            nxt = toks[i].kind if i < len(toks) else ""
            if nxt == "pt":
                cur = Decimal("".join(map(str, run)))
                cur_single = False
            elif len(run) <= 2:  # a single digit, or a range like 两三 → low end
                cur = Decimal(run[0])
                cur_single = True
            else:
                cur = Decimal("".join(map(str, run)))
                cur_single = False
                digit_string = True
            continue
        i += 1
        if t.kind == "ar":
            cur = t.value
            cur_single = t.end - t.start == 1
        elif t.kind == "pt":
            digits: list[str] = []
            while i < len(toks) and toks[i].kind == "cn":
                digits.append(str(int(toks[i].value)))
                i += 1
            whole = section + (cur if cur is not None else Decimal(0))
            cur = whole + Decimal("0." + "".join(digits)) if digits else whole
            section = Decimal(0)
            cur_single = False
            last_unit = 0
        else:  # unit
            u = int(t.value)
            lead_unit = lead_unit or u
            if u >= 10_000 or s[t.start] in _ASCII_UNITS and u >= 1000:
                big_unit = True
            if u >= 10_000:
                val = section + (cur if cur is not None else Decimal(0))
                if big_prev and u > big_prev:
                    total = (total + val) * u
                else:
                    total += val * u
                big_prev = max(big_prev, u)
                section = Decimal(0)
            else:
                section += (cur if cur is not None else Decimal(1)) * u
            cur = None
            cur_single = False
            last_unit = u
            zero_gap = False
    if cur is not None:
        if cur_single and last_unit >= 10 and not zero_gap:
            section += cur * last_unit / 10
        else:
            section += cur
    value = total + section
    return _Num(
        start=toks[0].start,
        end=toks[-1].end,
        toks=toks,
        value=value,
        bare=lead_unit == 0,
        lead_unit=lead_unit,
        big_unit=big_unit,
        digit_string=digit_string,
    )


def _numerals(s: str) -> list[_Num]:
    """All numeral spans in normalized text ``s``, left to right."""
    out: list[_Num] = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if _is_start(ch) and not (ch in _ASCII_DIGITS and i > 0 and s[i - 1] in _ASCII_DIGITS):
            toks = _scan(s, i)
            if toks:
                out.append(_evaluate(toks, s))
                i = toks[-1].end
                continue
        i += 1
    return out


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
    if approx is not None:
        stripped = stripped[approx.end() :]
        if stripped.startswith(("点", "一点", "些", "一些")):
            return False  # 一千多点: "a bit over"
    return _FOLLOW_BAD_RE.match(stripped) is not None


def _maybe_shorten(num: _Num, s: str) -> _Num | None:
    """Drop a trailing digit that belongs to the next word (两千一个月 → 两千)."""
    toks = num.toks
    if len(toks) < 2 or toks[-1].kind != "cn":
        return None
    before = toks[-2]
    if before.kind == "cn" or (before.kind == "unit" and before.value >= 100):
        return _evaluate(toks[:-1], s)
    return None


def _money_candidates(s: str) -> list[_Cand]:
    nums = _numerals(s)
    cands: list[_Cand] = []
    k = 0
    while k < len(nums):
        a = nums[k]
        # Context words before an amount belong to it only back to the previous amount.
        floor = cands[-1].end if cands else 0
        # Ranges: 1000-2000, 一千到两千, 1-2万 → the low end.
        if k + 1 < len(nums) and a.value is not None and nums[k + 1].value is not None:
            b = nums[k + 1]
            sep = _RANGE_SEP_RE.fullmatch(s, a.end, b.start)
            if sep is not None and not _marker_after(s, a.end):
                low = a.value
                bv = b.value
                assert bv is not None
                if a.bare and b.lead_unit and low * b.lead_unit <= bv:
                    low = low * b.lead_unit
                merged = _Num(a.start, b.end, b.toks, min(low, bv), a.bare and b.bare, b.lead_unit,
                              a.big_unit or b.big_unit, a.digit_string or b.digit_string)
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
            a = replace(a, value=a.value + Decimal(_digit_value(sub.group(1))) / 10)
        cand = _judge(a, s, start=a.start, floor=floor)
        if cand is None and _follow_bad(s, a.end) and not _marker_after(s, a.end):
            shorter = _maybe_shorten(a, s)
            if shorter is not None:
                cand = _judge(shorter, s, start=a.start, floor=floor)
        if cand is not None:
            cands.append(cand)
        k += 1
    return cands


def _judge(num: _Num, s: str, *, start: int, floor: int = 0) -> _Cand | None:
    """Turn a numeral into a money candidate, or reject it."""
    value = num.value
    if value is None or value <= 0 or value > _MAX_AMOUNT or num.digit_string:
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
    if not marker and value < 100 and (
        _PRECEDE_AGE_RE.search(before[-6:]) or _FOLLOW_TIME_RE.match(s, end)
    ):
        return None
    if (
        not marker
        and num.bare
        and value <= 31
        and value == value.to_integral_value()
        and _DAY_BEFORE_PAY_RE.match(s, end)
    ):
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
    per_period = bool(_PER_PERIOD_BEFORE_RE.search(window)) or bool(
        _PER_PERIOD_AFTER_RE.match(_clause_after(after, 0, 10))
    )
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
        2 * marker + 3 * per_period + verb + offer
        - 2 * negative - 4 * rejected - 3 * demand - 3 * superseded - 3 * negated - 2 * past
    )
    return cand


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """Find the money amount a borrower means in a whole sentence, or None.

    Ranges give their low end; with several amounts the one carrying a money
    marker or a per-period phrase wins, otherwise the first.  Result is
    quantized to the fen.  Never raises.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        s = _normalize(text)
        cands = _money_candidates(s)
        if not cands:
            return None
        best = cands[0]
        for cand in cands[1:]:
            if cand.score > best.score:
                best = cand
        return _quantize(best.value)
    except Exception:  # pragma: no cover - safety net: a chat message must never crash the bot
        return None


def parse_count(text: str) -> int | None:
    """Number of installments in a sentence: 分12期, 十二期, 分成6个月, 两年 (24), 半年 (6)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return _parse_count(_normalize(text))
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

    nums = _numerals(s)
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
            if n > 10 or not num.bare and num.lead_unit > 10 or _COUNT_MONTH_AFTER_BAD_RE.match(tail.lstrip()):
                continue
            offer(2, num.start, n * 12 + (6 if tail.startswith("半") else 0))
        elif rest.startswith("次"):
            if split or _COUNT_TIMES_AFTER_OK_RE.match(rest[1:].lstrip()):
                offer(2, num.start, n)
        elif split and not _marker_after(s, end) and not _follow_bad(s, end):
            offer(1, num.start, n)
    half = _HALF_YEAR_RE.search(s)
    if half is not None:
        offer(2, half.start(), 6)
    return best[2] if best is not None else None


def cn_to_int(text: str) -> int | None:
    """Read a whole small numeral (``15``, ``十五``, ``三十一``, ``两``) as an int, else None."""
    if not isinstance(text, str):
        return None
    s = text.strip().translate(_FULLWIDTH)
    if not s or not _is_start(s[0]):
        return None
    toks = _scan(s, 0)
    if not toks or toks[-1].end != len(s):
        return None
    num = _evaluate(toks, s)
    value = num.value
    if value is None or value != value.to_integral_value() or value > 10**9:
        return None
    return int(value)


def ceil_to_fen(amount: Decimal) -> Decimal:
    """Round up to the next fen (0.01)."""
    return amount.quantize(FEN, rounding=ROUND_CEILING)


def format_amount(amount: Decimal) -> str:
    """``Decimal("12000")`` → ``"12,000.00元"`` (half-up to the fen)."""
    q = _check_decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{q:,.2f}元"


def to_fen(amount: Decimal) -> int:
    """Exact yuan → fen; ValueError if the amount has a fraction of a fen."""
    d = _check_decimal(amount)
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Exact fen → yuan with two decimal places."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("fen must be an int")
    return Decimal(fen).scaleb(-2)


def _check_decimal(amount: Decimal) -> Decimal:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise TypeError("money must be a Decimal, not float or bool")
    if isinstance(amount, int):
        amount = Decimal(amount)
    if not isinstance(amount, Decimal):
        raise TypeError("money must be a Decimal")
    if not amount.is_finite():
        raise ValueError("money must be finite")
    return amount
