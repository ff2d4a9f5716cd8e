"""Questions about the service rather than the plan: changing the bank card, whether the chat is really the
lender's, which time zone, and whether the person asked for earlier is still coming.
"""

from __future__ import annotations

import re

from kuanxian.dialogue.parse.answers import asks_question

# "那个工作人员还会找我吗", "还有人给我打电话吗": whether the person asked for earlier is still coming.
_PERSON_COMING = re.compile(
    r"(?:工作人员|人工|客服|有人|那个人).{0,6}(?:还会|会不会|还要|还能)?.{0,4}(?:找我|联系我|回我|回复我|打电话|给我打)"
)


_ABOUT_OTHERS = re.compile(r"家里|家人|父母|爸妈|单位|同事|朋友|邻居|老家|亲戚")


def asks_if_person_coming(text: str) -> bool:
    asks = re.search(r"[?？吗么嘛呢]|会不会|还", text) is not None
    return _PERSON_COMING.search(text) is not None and asks and _ABOUT_OTHERS.search(text) is None


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
