"""A hardship in the Borrower's words: one told in passing, and consent to its record said in a sentence."""

from __future__ import annotations

import re

# A hardship told in passing ("我刚做完手术", "被裁了"): the negotiation treats it as disclosed.
_HARDSHIP = re.compile(
    r"失业|被裁|裁员|下岗|没(?:了)?工作|丢了工作|找不到工作|没有收入|没收入|断了收入|生病|住院|手术|化疗|病了|受伤|骨折|"
    r"早产|剖腹产|生孩子|坐月子|离婚|去世|丧事|车祸|意外|破产|倒闭|欠薪|工资(?:没|不)发|降薪|停工|停产"
    r"|中风|脑梗|心梗|癌|肿瘤|透析|瘫痪|残疾|工伤|出院|腿断|摔断|关门|停业|歇业|一分钱都没有|一分钱收入都没有"
    # income cut: "店里生意孬得很 客人少了一半", "工资被砍了一半"
    r"|生意(?:不好|差|孬|冷清|惨淡|不行)|没(?:什么|啥)?生意|客人少|收入(?:少了|减少|降了|砍了|减半)|工资(?:被)?(?:砍|减|降)|少了一半|砍了一半"
)


_RECORD_OK = re.compile(
    r"(?:可以|能|就|要|你们|你)(?:帮我|给我|替我)?(?:登记|记录|记下|记上|记)|(?:登记|记录|记上|记下|记)(?:吧|一下吧|下来吧)|同意(?:登记|记录)"
    r"|(?:可以|行|好|同意)[，,\s]+(?:登记|记录|记上|记下)|(?:登记|记录)(?:我的?|一下)?(?:困难|情况)[^，。]{0,3}(?:没关系|没问题|可以|行)"
)


_RECORD_NO = re.compile(
    r"不(?:要|用|想|同意|愿意|希望|必)(?:你们)?(?:帮我|给我|替我)?(?:登记|记录|记)|别(?:帮我|给我|替我)?(?:登记|记录|记)"
)


_REMEMBER = re.compile(r"记得|记住|记性|记不")


def consents_to_record(text: str) -> bool:
    """ "困难情况你们可以登记", "要记录就记吧": yes to recording a hardship, said in a sentence."""
    text = _REMEMBER.sub("", text)  # "你记得我上次说的吗" is not consent
    return _RECORD_OK.search(text) is not None and _RECORD_NO.search(text) is None


# The will to pay but not the money now: "就是现在拿不出来", "手上现在真没钱".
_CANT_NOW = re.compile(r"没钱|拿不出|凑不齐|凑不出|手头紧|手上紧|还不上|还不起|付不起|没那么多")


def cant_pay_now(text: str) -> bool:
    return _CANT_NOW.search(text) is not None


# "要是那天钱没到，我再来跟你们说行不行": a what-if about missing the day.
_WHAT_IF_SHORT = re.compile(r"(?:要是|如果|万一|假如)[^。？?]{0,12}(?:没到|没到账|还不上|没钱|凑不齐|不够|晚了|迟了|来不及|拿不出)")


def asks_what_if_short(text: str) -> bool:
    return _WHAT_IF_SHORT.search(text) is not None


def mentions_hardship(text: str) -> bool:
    return _HARDSHIP.search(text) is not None


# "记录困难是啥意思 会影响征信吗", "登记了对我有啥影响": what a hardship record means, asked before saying yes or no.
_ASKS_RECORD = re.compile(
    r"(?:记录|登记|备注|记下|记上)(?:困难|情况|下来|了|这个|的话)?[^。!！]{0,8}"
    r"(?:啥意思|什么意思|是什么|是啥|有什么影响|有啥影响|影响|上征信|征信|有什么用|有啥用|干嘛|干什么|做什么)"
)


def asks_about_hardship_record(text: str) -> bool:
    return _ASKS_RECORD.search(text) is not None and _RECORD_NO.search(text) is None
