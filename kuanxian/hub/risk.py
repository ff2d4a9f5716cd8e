"""After the direct question: a plain "no" from the Borrower, and what the assistant may do then.

A crisis reading brings a person at once and asks the Borrower directly whether they are thinking of ending
their life. When the answer is a plain no ("没有没有，我就是问问"), the person still comes, but the Borrower is not
left in silence meanwhile: the assistant thanks them and answers their questions about the account again. Any
distress or crisis afterwards is handled as before; what came before the "no" no longer raises the bar alone.

The state lives in the Conversation's own messages (the question and the reply to a "no"), so every hub
reads the same answer without a new column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from kuanxian.domain.message import Message
from kuanxian.latin import latin_word
from kuanxian.safety import assess_distress
from kuanxian.safety.crisis import DIRECT_QUESTION, RISK_CONFIRMED_OPENING, RISK_DENIED
from kuanxian.safety.lexicon import assess_lexicon

__all__ = [
    "ANSWER_WITHIN",
    "RiskCheck",
    "asks_more",
    "denies_risk",
    "prompted_by",
    "refers_back",
    "risk_check",
    "says_yes",
    "without_denial",
]

# A "no" counts as the answer to the question within this many of the Borrower's messages after it.
ANSWER_WITHIN = 3

# A no to "你是不是在想结束自己的生命？" at the start of the answer, or a reassurance anywhere in it.
_NO = re.compile(
    r"^[\W_]*(?:没有(?!人|别人|谁)|没(?!人|有人|别人|谁)|不是|不会|不不|没想|没这么想|没那么想|没那个意思"
    r"|没事|我没事|放心|想多了|误会|开玩笑|随口|别担心|不用担心|哪有|" + latin_word("no|nope") + ")",
    re.I,
)
_REASSURED = re.compile(
    r"不会做傻事|没想过(?:那|这|死)|没有(?:那种|这种|这个|那个)(?:想法|念头|打算)|我好好的|我很好|好得很|我没事|没想死|不想死"
    r"|就是问问|只是问问|随口|口头禅|说着玩|开玩笑|夸张|不用找人|没想不开|不会想不开|我(?:很)?安全|我还好"
)


_DENYING = re.compile(
    r"(?:不想|没想|没想过|没有想过|没有想|没有要|不会想|不会|没打算|没有打算|不打算|没得)(?:要|去)?(?:任何)?"
    r"(?:死|去死|自杀|轻生|想不开|做傻事|寻短见|结束(?:自己的?)?生命|结束自己|伤害自己|自残)"
    # "想啥子结束生命", "想什么死啊": the question thrown back is a no
    r"|想(?:啥子|什么|啥|么子)(?:结束(?:自己的?)?生命|死|自杀|轻生|想不开)"
)


# Beyond the "no", a question or a request ("…我问你会不会发网上", "…我要关提醒") for the assistant to answer.
_MORE = re.compile(
    r"[?？]|吗|会不会|能不能|可不可以|怎么|多少|哪天|什么时候|帮我|我要|我想|把.{0,8}(?:关|停|开)|提醒|分期|还款|计划"
    r"|是不是|(?<!没)有没有|(?<!没)有没得|还有没|对不对|对吧|是吧"  # "最后那100交了 是不是就清了 后头还有没得啥子钱"
)


def without_denial(text: str) -> str:
    """The message without its denying words ("我不想死"), which are no sign of risk."""
    return _DENYING.sub("，", text)


def asks_more(text: str) -> bool:
    return _MORE.search(without_denial(text)) is not None


def denies_risk(text: str) -> bool:
    """A plain no that, read alone, shows no sign of crisis (so "没有…就是觉得活着没意思" is not one; "没想死，就是
    怕丢人" is: worry and shame are answered with care, not with the crisis script again)."""
    if not (_NO.search(text) or _REASSURED.search(text) or "denied_risk" in assess_lexicon(text).signals):
        return False
    # The denying words themselves ("我不想死") are not a sign: what is left is read for one. An explicit no
    # outweighs the model's reading of the rest ("…我没想死…我就是刚离婚 睡不好觉 烦而已" is pain, not a yes).
    rest = without_denial(text)
    if assess_distress(rest).level != "crisis":
        return True
    if assess_lexicon(rest).level == "crisis":
        return False
    # "我没想死", "我很好" said in so many words: only a crisis word in the rest outweighs it. A bare "不是" or
    # "没有" followed by something the model reads as crisis ("不是，我准备今晚吃药") is not a no.
    return bool(_DENYING.search(text) or _REASSURED.search(text))


@dataclass(frozen=True)
class RiskCheck:
    # The direct question was asked lately (at most ANSWER_WITHIN messages ago) and not yet answered with a no.
    asked: bool
    # Seq of the reply to a "no" after the latest question (None: no "no" was given since it).
    denied_at: Optional[int]
    # A yes (or a new sign) after the latest question was answered already.
    heard: bool = False
    # Seq of the latest direct question (None: never asked).
    question_at: Optional[int] = None


def risk_check(said: Sequence[Message], borrower_seqs: Sequence[int], seq: int) -> RiskCheck:
    """From the system messages of the Conversation (oldest first) and the seqs of the Borrower's messages."""
    question = max((m.seq for m in said if m.text == DIRECT_QUESTION and m.seq < seq), default=None)
    if question is None:
        return RiskCheck(False, None)
    denied = max((m.seq for m in said if m.text == RISK_DENIED and question < m.seq < seq), default=None)
    since = sum(1 for s in borrower_seqs if question < s < seq)
    heard = any(m.text.startswith(RISK_CONFIRMED_OPENING) and question < m.seq < seq for m in said)
    return RiskCheck(asked=denied is None and since < ANSWER_WITHIN, denied_at=denied, heard=heard, question_at=question)


# "…就是问还款 你搞错了", "我问的是钱还清了没得": the no points back at the question the crisis texts interrupted.
_REFERS_BACK = re.compile(r"问的是|就是问|只是问|我是问|我在问|刚才问|你搞错了|你们搞错了|你误会了|误会了")


def refers_back(text: str) -> bool:
    return _REFERS_BACK.search(text) is not None


def prompted_by(check: RiskCheck, earlier: Sequence[Message]) -> Optional[Message]:
    """The Borrower's message the direct question answered, when it was a question about the loan or a yes that
    no word of the crisis lexicon backs ("关了提醒以后是不是就彻底了结了？", "好，就这样，我不想再拖了"): after a
    plain no, it is answered."""
    if check.question_at is None:
        return None
    before = [m for m in earlier if m.seq < check.question_at]
    if not before:
        return None
    last = before[-1]
    if assess_lexicon(last.text).level == "crisis" or not (asks_more(last.text) or _TAKES.search(last.text)):
        return None
    return last


# "好，就这样，我不想再拖了": a yes to what was on the table, interrupted by the direct question.
_TAKES = re.compile(r"^[\W_]*(?:好|行|可以|嗯|ok)|确认|同意|就这样|就按", re.I)


# A yes to "你是不是在想结束自己的生命？": said plainly, or a message that is a crisis sign by itself.
_YES = re.compile(r"^[\W_]*(?:有时候|有过|想过|偶尔|有点|是的|是啊|对的|(?:是|有|会|对|嗯)(?:[\W_]|$))")


_ABOUT_THE_LOAN = re.compile(r"提醒|停掉|关掉|打开|还款|账单|分期|计划|利息|欠款|app|App|短信|通知|几号")


# A yes that comes back to the question later, even after a no ("你刚才问的那个 。。。是想过。", "其实想过"): heard.
_ADMITS = re.compile(
    r"(?:是|其实|确实|真的|也|还是)想过|有想过|想过的|动过.{0,4}念头|(?:刚才|你)问的(?:那个|这个|事|问题).{0,8}(?:是|有|想过|对)"
)


def says_yes(check: RiskCheck, text: str) -> bool:
    """The first answer to the direct question that says yes (a question about the loan is not one; nor is a
    message that starts with a no, whatever else it says). An admission after an earlier no counts too."""
    if _NO.search(text) or _REASSURED.search(text):
        return False
    if (check.heard or check.denied_at is not None) and _ADMITS.search(text):
        return True  # said in so many words, after a no or after a sign taken for a yes: heard as such
    if check.heard:
        return False
    if not check.asked:
        return False
    if _ADMITS.search(text) is not None or assess_distress(text).level == "crisis":
        return True
    # "对，先全部停掉": a yes word that goes on about the loan or the reminders answers something else.
    return _YES.search(text) is not None and _ABOUT_THE_LOAN.search(text) is None
