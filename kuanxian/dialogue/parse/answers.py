"""A plain answer to the question on the table: yes, no, a question back, an objection, a goodbye.

`yes_no` reads a short answer without its emoji and cheerful fillers; `starts_yes` a yes said before more;
`objects` a plan restated with a correction; `asks_question` a question rather than a statement.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from kuanxian.latin import latin_word

_QUESTION = re.compile(
    r"[?？]|吗|么\s*$|呢\s*$|伐\s*$|多少|怎么|为什么|能不能|可不可以|是不是|行不行|会不会|哪|(?<!好)几(?:个|期|天|号|次)"
    r"|^(?:要是|如果|万一|假如)|要是.{0,20}(?:会|能)"
)


def asks_question(text: str) -> bool:
    """Is the message a question ("12期吗？", "那每月多少") rather than a statement?"""
    return _QUESTION.search(text) is not None


# Words that take back or correct what is on the table: a restated plan with one of these is not a yes.
_OBJECTION = re.compile(
    r"不对|不是|但是|不过|可是|没答应|没同意|没确认|没说要|别给我|别记|不要记|撤|取消|不行|不同意|还不起|等等|等一下|再想想|改成|改到|换成"
)


def objects(text: str) -> bool:
    """ "500也行，但是日子不对", "我没答应啊 别给我记上": something is corrected or taken back."""
    return _OBJECTION.search(text) is not None


_BYE_NUMBER = re.compile(r"\s*(?:88+|886|8886|3166)\s*[了啦哈~～!！。.]*\s*")


def says_bye_in_numbers(text: str) -> bool:
    """ "88", "886": goodbye in chat numerals, never an amount."""
    return _BYE_NUMBER.fullmatch(text) is not None


_GOODBYE = re.compile(
    r"再见|拜拜|拜了|" + latin_word("bye", prefix=True) + r"|88|886|回见|再会|晚安|下线|我下了|溜了|走了|不说了|不聊了|回头再聊|下次再聊",
    re.I,
)


def says_goodbye(text: str) -> bool:
    return _GOODBYE.search(text) is not None


# "好 谢谢", "行 麻烦了": a message that only closes the talk.
_CLOSES = re.compile(
    r"^[\W_]*(?:好的?|行|嗯+|ok|OK|可以)?[\W_]*(?:谢谢(?:你|您|了|啦)?|多谢|谢了|麻烦(?:你|您)?了|辛苦(?:你|您)?了|拜拜|再见)"
    r"[\W_啊呀哈啦]*$"
)


def closes(text: str) -> bool:
    return _CLOSES.match(text) is not None


# "哦 是利息和手续费 懂了", "原来是这样": an explanation taken in, nothing asked.
_UNDERSTOOD = re.compile(r"懂了|明白了|知道了|了解了|清楚了|晓得了|原来(?:是|如此)|明白晒|知道晒|识啦|get了|ok了", re.I)


def says_understood(text: str) -> bool:
    return _UNDERSTOOD.search(text) is not None and not asks_question(text)


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
# ("我没事" is about the writer, not the record.)
_CONSENT_YES = re.compile(
    r"记吧|记下吧|记录吧|可以记|可以登记|同意记录|同意|没关系|(?<!我)没事|无所谓|可以的|记上吧|(?:你们|你)(?:就)?(?:记|登记|记录)(?:嘛|呗|吧|上|下来)"
)


# "Write it down" said in so many words (not a bare "可以的", which may answer something else).
_RECORD_IT = re.compile(r"记吧|记下吧|记录吧|可以记|记上吧|(?:你们|你)(?:就)?(?:记|登记|记录)(?:嘛|呗|吧|上|下来)")


_CONSENT_NO = re.compile(
    r"不(?:要|用|想|同意|愿意|希望)(?:你们)?(?:帮我|给我|替我)?(?:记|登记|记录|留)|别(?:帮我|给我|替我)?记|不用记|不要记"
)


# (Said twice as people do: "好的好的 谢谢你啊", "行行行，就这样".)
_STARTS_YES = re.compile(
    r"^(?:好的?|行|可以|确认|确定|同意|嗯+|对|没问题|就这样|就按|ok|okay|yes)(?:好的?|行|可以|嗯|对)*[\s,，。.!！~～]", re.IGNORECASE
)


_HEDGE = re.compile(r"不|别|但|可是|不过|除非|免|减|吗|？|\?")


def starts_yes(text: str) -> bool:
    """ "好的，那第一期是哪天" begins with a plain yes; "可以，但是每月200" hedges it."""
    stripped = text.strip()
    return (bool(_STARTS_YES.match(stripped)) and not _HEDGE.search(stripped[:12])) or bool(_YES.match(stripped))


# "500……有点紧，咬咬牙可以", "是有点多，不过也行吧": a doubt first, then a yes in the last clause.
_LAST_CLAUSE_YES = re.compile(
    r"(?:咬咬牙|咬牙|勉强|努努力|努力一下|挤一挤|挤挤|省一省|省省|紧一点|紧点|不过|但是?|还是)?[^，,。.！!？?不没别]{0,3}"
    r"(?:可以|行|能行|没问题|也行|能还|还得起|扛得住)(?:吧|的|啦|了)?[\s。.!！~～]*$"
)


def accepts_in_the_end(text: str) -> bool:
    """A message whose last clause takes what is on the table ("500……有点紧，咬咬牙可以"), whatever doubt came first."""
    clauses = [c for c in re.split(r"[，,。.…；;!！\s]+", text.strip()) if c]
    if len(clauses) < 2:
        return False
    last = clauses[-1]
    if re.search(r"[0-9零〇一二两三四五六七八九十百千万]", last) or any(_FLAT_NO.fullmatch(c) for c in clauses):
        return False  # "不行，300可以": other terms, not this offer
    if _RESOLVE.fullmatch(last) and _SHORT_YES.fullmatch(clauses[-2]):
        return True  # "四百多……行吧，咬咬牙": the yes, then the resolve to manage it
    return _LAST_CLAUSE_YES.fullmatch(last) is not None and not re.search(r"[?？吗]", text[-3:])


_RESOLVE = re.compile(r"(?:我)?(?:咬咬牙|咬牙|拼了|拼一拼|努努力|挤一挤|省一省|紧一紧|勉强|扛一扛)(?:吧|了|呗)?")
_SHORT_YES = re.compile(r"(?:那)?(?:行|好|可以|成|中)(?:吧|的|啊)?")


_FLAT_NO = re.compile(r"(?:不行|不可以|不要|不同意|不能|不得行|不中|算了)(?:吧|的|啊)?")


# "我就要确认分期 …到底定了没", "适合啊！！我同意了 确认 确认 确认": the plan taken in so many words, whatever else is said.
_EXPLICIT_YES = re.compile(r"(?<![不没别未再])(?:确认|同意)(?![吗么不没]|了[没吗])|定下来|给我定|就按(?:这个|这|那个|刚才)")
_NOT_YET = re.compile(r"不(?:确认|同意)|别(?:确认|定)|先不|再想想|考虑一下|不要(?:确认|定)")


def explicitly_accepts(text: str) -> bool:
    """The plan accepted in so many words ("确认", "我同意", "定下来"), not "我还没同意" or "先别确认"."""
    return _EXPLICIT_YES.search(text) is not None and _NOT_YET.search(text) is None


# "好，那你帮我定下来", "行 就这么定了": the offer settled in a few words, nothing else said.
_SETTLE = re.compile(
    r"^(?:好的?|行|可以|嗯+|那)?[，,\s]*(?:那)?(?:你)?(?:帮我|给我|就)?(?:定下来|定了吧|定吧|这么定|这么定了)(?:吧|了|啊)?[\s。.!！~～]*$"
)


def yes_no(text: str, pending: Optional[str] = None) -> Optional[bool]:
    """A plain yes (True) or no (False) to the question on the table; None when the message says more."""
    stripped = _plain(text)
    if not stripped:
        return True if any(c in _YES_EMOJI for c in text) else None  # "👌", "👍"
    if _YES.match(stripped):
        return True
    if _NO.match(stripped):
        return False
    if pending == "plan_confirm" and _SETTLE.match(stripped):
        return True  # "好，那你帮我定下来"
    if pending == "ie_consent" and _RECORD_IT.search(stripped) and not _CONSENT_NO.search(stripped):
        return True  # asked whether we may ask about income: "可以 你们记下来嘛" is a yes too
    if pending == "hardship_consent":
        if _CONSENT_NO.search(stripped):
            return False
        if _CONSENT_YES.search(stripped):
            return True
    return None
