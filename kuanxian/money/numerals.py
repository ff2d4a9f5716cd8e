"""Numerals in borrowers' text: Arabic, Chinese, financial and mixed (``1万5``), as spans with values.

`fold` prepares a sentence (full-width forms, spaced-out digits, dates and ids
blanked out); `find_numerals` returns every numeral span and its value.
Whether a span is money, a count or something else is decided in `phrases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Num", "Token", "cn_to_int", "digit_value", "evaluate", "find_numerals", "fold"]

_CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "仨": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}

_CN_UNITS: dict[str, int] = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
    "阡": 1000,
    "万": 10_000,
    "萬": 10_000,
    "亿": 100_000_000,
    "億": 100_000_000,
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
        "．": ".",
        "～": "~",
        "－": "-",
        "：": ":",
        "％": "%",
        "／": "/",
        "＋": "+",
        "　": " ",
        "〜": "~",
        "—": "-",
        "–": "-",
        "﹣": "-",
    }
)

_ARABIC_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?")

_CJK_GAP_RE = re.compile(r"(?<=[^\x00-\x7f])[ \t]+(?=[^\x00-\x7f])")
# A space between the end of one Chinese numeral and the start of another separates two numbers, as voice input
# types a pause: "每个月20号五百 二十四个月" (500 and 24, not 524), "四百 四百我挤一挤", "省一点 五百".
_NUMERAL_END = frozenset("零〇一二两三四五六七八九十百千万亿点")
_NUMERAL_START = frozenset("零〇一二两三四五六七八九十")


def _cjk_gap(m: re.Match[str]) -> str:
    s, i, j = m.string, m.start(), m.end()
    return "，" if s[i - 1] in _NUMERAL_END and s[j] in _NUMERAL_START else ""


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

_CN_COMMA_THOUSANDS_RE = re.compile(r"(?<![0-9.])[0-9]{1,3}(?:，[0-9]{3})+(?![0-9])(?=\s*(?:元|块|圆|rmb|cny|yuan|人民币))", re.I)

_CN_COMMA_AFTER_CURRENCY_RE = re.compile(r"((?:¥|￥|rmb|cny|人民币)\s*)([0-9]{1,3}(?:，[0-9]{3})+)(?![0-9])", re.I)

_SPACE_THOUSANDS_RE = re.compile(r"(?<![0-9.])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])(?=\s*(?:元|块|圆|rmb|cny|yuan|人民币))", re.I)

_CURRENCY_SPACE_THOUSANDS_RE = re.compile(r"((?:¥|￥|rmb|cny|人民币)\s*)([0-9]{1,3}(?: [0-9]{3})+)(?![0-9])", re.I)

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

# Set phrases built from numerals that never mean money.
_IDIOM_RE = re.compile(
    r"一五一十|十全十美|十拿九稳|十有八九|八九不离十|九死一生|三心二意|一心一意|五花八门|四面八方|七上八下|乱七八糟"
    r"|一清二楚|一干二净|百里挑一|千方百计|千家万户|千辛万苦|万众一心|三番五次|三天两头|接二连三"
    r"|(?:一百|一万|一千)个(?=不|放心|愿意|没问题|对不起|抱歉)"
)


@dataclass
class Token:
    kind: str  # "ar" | "cn" | "unit" | "pt"
    value: Decimal
    start: int
    end: int


@dataclass
class Num:
    """A numeral span and its evaluated value."""

    start: int
    end: int
    toks: list[Token]
    value: Decimal | None
    bare: bool  # no magnitude unit at all
    lead_unit: int  # first magnitude unit (for 1-2万 style ranges)
    big_unit: bool  # uses 万/亿/k/w, which count as money markers
    digit_string: bool  # e.g. 一三八 read digit by digit


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _bare_unit(m: re.Match[str]) -> str:
    unit = next(u for u in m.groupdict().values() if u)
    return "一" + unit


def fold(text: str) -> str:
    """Fold full-width forms, glue spaced-out numerals, blank out dates, times and id numbers."""
    s = _FW_COMMA_THOUSANDS_RE.sub(lambda m: m.group().replace("，", ","), text)
    s = s.translate(_FULLWIDTH)
    s = _SPACED_ID_RE.sub(_blank, s)
    s = _CN_COMMA_THOUSANDS_RE.sub(lambda m: m.group().replace("，", ","), s)
    s = _CN_COMMA_AFTER_CURRENCY_RE.sub(lambda m: m.group(1) + m.group(2).replace("，", ","), s)
    s = _SPACE_THOUSANDS_RE.sub(lambda m: m.group().replace(" ", ""), s)
    s = _CURRENCY_SPACE_THOUSANDS_RE.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), s)
    s = _CJK_GAP_RE.sub(_cjk_gap, s)
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


def digit_value(ch: str) -> int:
    return int(ch) if ch in _ASCII_DIGITS else _CN_DIGITS[ch]


def _may_follow(toks: list[Token], digit: int) -> bool:
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


def _scan(s: str, i: int) -> list[Token]:
    """Read the longest numeral starting at ``s[i]`` as tokens."""
    toks: list[Token] = []
    prev = ""
    n = len(s)
    j = i
    while j < n:
        ch = s[j]
        if ch in _ASCII_DIGITS and prev in ("", "unit"):
            m = _ARABIC_RE.match(s, j)
            if m is None:  # pragma: no cover - a digit always matches
                break
            toks.append(Token("ar", Decimal(m.group().replace(",", "")), j, m.end()))
            prev, j = "ar", m.end()
        elif ch in _CN_DIGITS and prev in ("", "cn", "unit", "pt") and _may_follow(toks, _CN_DIGITS[ch]):
            toks.append(Token("cn", Decimal(_CN_DIGITS[ch]), j, j + 1))
            prev, j = "cn", j + 1
        elif ch in _CN_UNITS and (prev in ("cn", "ar", "unit") or (prev == "" and _CN_UNITS[ch] == 10)):
            toks.append(Token("unit", Decimal(_CN_UNITS[ch]), j, j + 1))
            prev, j = "unit", j + 1
        elif ch in _ASCII_UNITS and prev in ("ar", "cn") and not (j + 1 < n and s[j + 1].isascii() and s[j + 1].isalpha()):
            toks.append(Token("unit", Decimal(_ASCII_UNITS[ch]), j, j + 1))
            prev, j = "unit", j + 1
        elif ch == "点" and prev == "cn" and j + 1 < n and s[j + 1] in _CN_DIGITS:
            toks.append(Token("pt", Decimal(0), j, j + 1))
            prev, j = "pt", j + 1
        else:
            break
    return toks


def evaluate(toks: list[Token], s: str) -> Num:
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
            if u >= 10_000 or (s[t.start] in _ASCII_UNITS and u >= 1000):
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
    return Num(
        start=toks[0].start,
        end=toks[-1].end,
        toks=toks,
        value=value,
        bare=lead_unit == 0,
        lead_unit=lead_unit,
        big_unit=big_unit,
        digit_string=digit_string,
    )


def find_numerals(s: str) -> list[Num]:
    """All numeral spans in normalized text ``s``, left to right."""
    out: list[Num] = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if _is_start(ch) and not (ch in _ASCII_DIGITS and i > 0 and s[i - 1] in _ASCII_DIGITS):
            toks = _scan(s, i)
            if toks:
                out.append(evaluate(toks, s))
                i = toks[-1].end
                continue
        i += 1
    return out


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
    num = evaluate(toks, s)
    value = num.value
    if value is None or value != value.to_integral_value() or value > 10**9:
        return None
    return int(value)
