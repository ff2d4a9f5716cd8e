"""Who is typing: the identity question's answers, a stranger's words, and the speaker check, read together."""

from __future__ import annotations

import re
from typing import Optional

from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian import notices
from kuanxian.domain.message import Message, SenderType
from kuanxian.safety.identity import assess_speaker
from kuanxian.safety.text import to_simplified
from kuanxian.storage import messages as message_store

__all__ = [
    "ASKS_HOW_TO_REACH",
    "ASKS_WAIT",
    "SAYS_BYE",
    "STOP_CONTACT",
    "STRANGER",
    "WANTS_PERSON",
    "confirms_holder",
    "declares_helper",
    "hands_back",
    "helper_declared",
    "identity_asked",
    "identity_verdict",
    "relays_holder",
]

# Someone else on the Borrower's phone who wants no more messages, or who has a stranger's phone or number.
STOP_CONTACT = re.compile(
    r"别再|不要再|不用再|莫再|莫要再|莫发|别联系|不要联系|别发了|别给我发|不要发了|别打|不要打|唔好再|咪再|唔使再|唔好(?:send|发|打)"
)
STRANGER = re.compile(
    r"二手|旧手机|买的手机|捡的手机|捡到|打错|发错|新办的(?:卡|号)|换了号|号码是新的"
    r"|(?:不|唔)(?:认识|识|认得)(?:原来的|咩|乜|什么|啥)?(?:机主|这个人|这人|此人|呢个人|嗰个人|他|她|佢"
    r"|[王李陈张刘赵黄周吴](?:女士|先生|生|小姐|太))"
    r"|(?:那个|这个|上面那个|原来那个)人我(?:也)?不认识|我(?:也)?不姓(?:那个|这个|他那个)"
)
# The holder saying someone types for them ("我是李先生本人 右手不灵便 我儿子在旁边帮我打字"): still the holder.
_TYPES_FOR_ME = re.compile(r"(?:帮|替|代)我(?:打字|打|写|输入|操作|发消息)|在旁边帮我")
_SAYS_SELF = re.compile(r"本人|我自己|是我(?:自己)?要")
# Then the helper passing on the holder's question ("（我是他儿子）我爸问 这三十天里面还要不要加利息").
_RELAYS = re.compile(
    r"(?:我爸|我妈|我爷爷|我奶奶|我外公|我外婆|我老公|我老婆|我爱人|他|她|老人家)(?:想|让我|叫我)?(?:问|说)"
    r"|(?:帮|替)(?:我爸|我妈|他|她|老人家)(?:问|说)"
)
# A cue borrowers also use about themselves ("我老婆不知道我借了钱"), in a question about that person's debt
# ("你们这个提醒什么意思 我老公欠你们多少钱？"): the model may miss it, so ask who is writing first.
_ASKS_ABOUT_DEBT = re.compile(r"多少|是不是|有没有|几笔|还差|咋回事|怎么回事|吗|[?？]")
_OWN_DEBT = re.compile(r"我(?:自己)?(?:欠|借|贷)")
# How far back a declared helper is looked for.
_HELPER_LOOKBACK = 50
WANTS_PERSON = re.compile(r"转人工|人工|真人|工作人员|客服")
# Someone else asking how the holder can reach us ("她出院以后怎么联系你们？", "客服电话多少"), or saying goodbye.
ASKS_HOW_TO_REACH = re.compile(r"怎么(?:联系|找)|如何联系|联系方式|客服电话|电话(?:是)?多少|点哪|在哪(?:里|儿)?(?:找|联系|点)|找你们")
SAYS_BYE = re.compile(r"谢谢|多谢|麻烦(?:你们|您)了|再见|拜拜|^(?:好的?|行|嗯)[吧啊，,。！!\s]*$")
# While a person is awaited: "要等多久？", "人呢", "怎么还没人来".
ASKS_WAIT = re.compile(
    r"等多久|要等|还得等|多久(?:能|才|会)?(?:来|到|有人|回)|(?:什么|啥)时候(?:来|能来|有人|回)|人呢|还没(?:有)?人|怎么还没来|排(?:到|第几)|有人吗"
)


# Answers to "您是这个贷款账户的本人吗？"
_IS_HOLDER = re.compile(
    r"^(?:嗯|恩|对|是|是的|对的|是我|是啊|对啊|没错|本人|我是本人|我就是|就是我|我是|yes|y|系|系呀|系啊|系我)[啊呀的。.!！~ ]*$"
    r"|是本人|我本人|系本人|我是借款人|是我(?:自己)?借的"
)
_NOT_HOLDER = re.compile(r"不是(?:本人|我|的)|我不是|不是啊|^不[。.!！ ]*$|唔系(?:本人|我)|我唔系|^唔系[啊呀喔。.!！ ]*$")
# After the question, words that deny any part in the account ("我唔识咩王女士，唔关我事").
_DISOWNS = re.compile(r"(?:不|唔)关我(?:的)?事|(?:跟|同|和)我(?:没|冇|没有)(?:关系|关|嘢)|(?:没|冇)(?:这|呢)个人")


# The holder taking the phone back after someone else typed ("你好 我是王 刚才是我孙子打的字", "手机还给我了"): the
# holder once more.
_KIN_HELPER = (
    r"(?:孙子|孙女|外孙女?|儿子|女儿|闺女|老伴|老公|老婆|爱人|媳妇|先生|太太|丈夫|妻子|孩子|小孩|娃|那口子|侄子|侄女|家里人|亲戚|朋友|同事"
    r"|邻居|别人|个仔|个女)"
)
_HANDS_BACK = re.compile(
    r"(?:刚才|刚刚|前面|头先|之前)(?:那些|的话|的字|的消息)?(?:是|系)?(?:我(?:的|个)?)?"
    + _KIN_HELPER
    + r"(?:在)?(?:帮我|替我)?(?:打|发|写|讲|说|问)"
    r"|(?:手机|电话)(?:已经)?(?:还|拿|递|交|俾)(?:回|返)?(?:给|俾)?(?:我|返我)了?(?:[，,。 ]|$)"
    r"|(?:现在|这会儿|而家|宜家)(?:是|系|换)(?:我)?(?:本人|自己)|(?:现在|这会儿|而家)(?:是|系)我(?:在)?(?:打|讲|说)"
)
# Only a claim ("我是本人"): asked the identity question first.
_CLAIMS_HOLDER = re.compile(
    r"我(?:才)?是(?:账户|这个账户的?)?本人|是我本人|我就是借款人|我系本人|我(?:就)?是(?:账户)?(?:持有人|借款的人)|我自己(?:来)?跟你(?:谈|说|讲)"
)


def hands_back(text: str) -> str:
    """ "back": the phone handed back, said in so many words; "claim": only "我是本人"; "" otherwise."""
    text = to_simplified(text)
    if _NOT_HOLDER.search(text):
        return ""
    if _HANDS_BACK.search(text):
        return "back"
    return "claim" if _CLAIMS_HOLDER.search(text) else ""


def confirms_holder(text: str) -> bool:
    """A yes to "您是这个贷款账户的本人吗？"."""
    text = to_simplified(text)
    return _NOT_HOLDER.search(text) is None and _DISOWNS.search(text) is None and _IS_HOLDER.search(text.strip().lower()) is not None


def declares_helper(text: str) -> bool:
    return _TYPES_FOR_ME.search(text) is not None and _SAYS_SELF.search(text) is not None and _NOT_HOLDER.search(text) is None


def relays_holder(text: str) -> bool:
    return _RELAYS.search(text) is not None and STRANGER.search(text) is None


async def helper_declared(conn: AsyncConnection, conversation_id: str, seq: int) -> bool:
    """Did the holder say, earlier in this Conversation, that someone types for them?"""
    earlier = await message_store.recent(conn, conversation_id, sender=SenderType.BORROWER, limit=_HELPER_LOOKBACK)
    return any(m.seq < seq and declares_helper(m.text) for m in earlier)


async def identity_asked(conn: AsyncConnection, conversation_id: str, seq: int) -> Optional[Message]:
    """The Borrower's message the assistant answered with the identity question, if that question is the
    last thing said before message `seq`."""
    said = await message_store.recent(conn, conversation_id, sender=SenderType.SYSTEM, limit=1)
    if not said or said[-1].text != notices.identity_check():
        return None  # the common case: one read
    earlier = [m for m in await message_store.recent(conn, conversation_id, sender=SenderType.BORROWER, limit=2) if m.seq < seq]
    bot = await message_store.recent(conn, conversation_id, sender=SenderType.BOT, limit=1)
    if not earlier:
        return None
    question, before = said[-1], earlier[-1]
    if not before.seq < question.seq < seq or (bot and bot[-1].seq > question.seq):
        return None
    return before


def identity_verdict(text: str, asked: bool, *, helper: bool = False, asked_about: str = "") -> str:
    """ "holder", "third_party", "ask" (the model alone is unsure: ask who is writing), or "confirmed" (a yes to that question).

    `helper`: the holder said earlier that someone types for them, and this message passes on the holder's words.
    `asked_about`: the message the question answered; after a stranger's words there ("二手机"), anything but a yes
    is still the stranger ("我唔识咩王女士", "点样logout？"): nothing about the account."""
    if asked:
        if _NOT_HOLDER.search(text) or _DISOWNS.search(text):
            return "third_party"
        if confirms_holder(text):
            return "confirmed"
        if STRANGER.search(asked_about):
            return "third_party"
    if declares_helper(text) or (helper and relays_holder(text)):
        return "holder"
    found = assess_speaker(text)
    if not found.third_party and found.cues and _ASKS_ABOUT_DEBT.search(text) and not _OWN_DEBT.search(text):
        return "third_party" if asked else "ask"
    stranger = STRANGER.search(text) is not None  # "不认识这人", "手机刚买的二手的"
    if found.third_party:
        # Asked once already and still in doubt, or a stranger's words with it: it counts.
        return "ask" if found.unsure and not asked and not stranger else "third_party"
    if stranger:
        # A stranger's words the speaker check did not flag: ask before saying anything about the account.
        return "third_party" if asked else "ask"
    return "holder"
