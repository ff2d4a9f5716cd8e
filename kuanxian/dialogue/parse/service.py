"""Questions about the service rather than the plan: changing the bank card, whether the chat is really the
lender's, which time zone, whether the person asked for earlier is still coming, and the fear that one missed
payment makes the whole balance due at once.
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


_TIME_ZONE = re.compile(
    r"纽约时间|北京时间|美国时间|国内时间|中国时间|当地时间|时区|时差|哪(?:里|边)的时间|按哪(?:里|边)"
    r"|差\s*[0-9一二两三四五六七八九十]{1,3}\s*个?(?:钟头|小时|钟)"
)
# "你们那边是中国时间 跟我这里差十三个钟头 莫搞错了": a reminder to mind the time zone, answered like a question.
_MIND_IT = re.compile(r"(?:莫|别|不要|不能|可别|千万别|小心)(?:给我)?(?:搞|弄|算|记)错|注意一下|记住")


def asks_time_zone(text: str) -> bool:
    return _TIME_ZONE.search(text) is not None and (asks_question(text) or _MIND_IT.search(text) is not None)


# "那不会一下子就说我违约 要我全部还吧 我有点担心": the fear that one missed payment makes the whole balance due at
# once, not an offer to pay it all ("我想一次还清" names no worry).
_WHOLE_BALANCE = re.compile(r"违约|全部还|一次(?:性)?(?:还清|还完|全还)|全额|一下子.{0,6}全|提前收回|要我.{0,4}全部")
_CHOOSES_TO = re.compile(r"干脆|我想|我要|打算|准备")
_WORRY = re.compile(r"会不会|不会.{0,16}吧|担心|怕|是不是|吗|[?？]")


def fears_whole_balance_due(text: str) -> bool:
    if _CHOOSES_TO.search(text):
        return False
    return _WHOLE_BALANCE.search(text) is not None and _WORRY.search(text) is not None


# "账户能注销吗？逾期记录会消掉吗？": the account and the credit record after the debt is paid.
_AFTER_PAYOFF_ACCOUNT = re.compile(
    r"注销|销户|关(?:掉|闭)?账户|(?:逾期|不良)?记录.{0,6}(?:消|清掉|删|抹|去掉)|征信.{0,8}(?:消|清掉|删|恢复|修复|洗白)|结清证明"
)


def asks_after_payoff(text: str) -> bool:
    return _AFTER_PAYOFF_ACCOUNT.search(text) is not None


# "把我的资料都删了", "你们存了我哪些东西", "还清之后我啲个人资料可唔可以删除": personal data kept and its deletion
# (not the credit record, which is `asks_after_payoff`).
_PERSONAL_DATA = re.compile(
    r"(?:个人)?(?:资料|个人信息|数据|隐私|\bdata\b|身份证(?:号)?|联系人)[^。？?!！]{0,12}(?:删|清除|销毁|delete|保留|留底|留着|保存|存着|keep)"
    r"|(?:删|清除|销毁|delete)[^。？?!！]{0,8}(?:资料|个人信息|数据|\bdata\b|身份证|手机号|联系人)"
    r"|(?:存|留|保存|keep|记)(?:了|住|着)?(?:我)?(?:的)?(?:哪些|什么|啲咩|咩|乜嘢|多少)(?:个人)?(?:资料|信息|数据|东西|\bdata\b)"
    r"|(?:资料|个人信息|数据)(?:会不会|会|有没有)?(?:被)?(?:卖|泄露|外泄|给别人|给第三方)"
    # "刚才你们记录的困难情况（流产那个），以后可以删除吗": a hardship record is personal data too
    r"|(?:困难|情况|流产|病情|生病|住院|离婚|失业)[^。？?!！]{0,10}(?:记录|登记|这些|那个)[^。？?!！]{0,20}(?:删|清除|销毁|去掉)"
    r"|(?:记录|登记)的?(?:困难|情况)[^。？?!！]{0,12}(?:删|清除|销毁|去掉)",
    re.IGNORECASE,
)


def asks_about_personal_data(text: str) -> bool:
    """What personal data the lender keeps, or its deletion asked for."""
    return _PERSONAL_DATA.search(text) is not None and re.search(r"逾期记录|不良记录|征信|信用记录", text) is None
