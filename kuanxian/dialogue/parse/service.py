"""Questions about the service rather than the plan: changing the bank card, whether the chat is really the
lender's, which time zone, whether the person asked for earlier is still coming, and the fear that one missed
payment makes the whole balance due at once.
"""

from __future__ import annotations

import re

from kuanxian.dialogue.parse.answers import asks_question
from kuanxian.latin import latin_word

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


# "用微信零钱付可以不", "能去银行柜台还吗": a way to pay asked about (the answer names the official channels).
_CHANNEL = re.compile(r"微信|支付宝|零钱|柜台|网点|云闪付|信用卡|现金|转账|转帐|对公|银行去")
_CHANNEL_QUESTION = re.compile(r"可以不|行不|能不能|可不可以|可以吗|行吗|能吗|吗|么|[？?]|不$|没$|得不得|得吗")


# "我人在美国，怎么还款比较方便？": how to pay, asked in so many words.
_HOW_TO_PAY = re.compile(
    r"怎么(?:样)?(?:还款|还钱|付款|交钱|转钱)|如何(?:还款|付款)|在哪(?:里|儿)?(?:点)?还|哪里(?:能|可以)?还|从哪(?:里|儿)?还|用什么(?:还|付)"
    r"|点哪(?:里|儿)?(?:还|付|交)|在哪(?:里|儿)?点"  # "2000我现在就在APP里头还，在哪点还？"
)


def asks_payment_channel(text: str) -> bool:
    """A way of paying asked about, as a question."""
    if _HOW_TO_PAY.search(text) is not None:
        return True
    return _CHANNEL.search(text) is not None and _CHANNEL_QUESTION.search(text) is not None


# "我现在到底还欠好多钱啊", "一共欠几多": the balance asked, in dialect too (好多/几多 = 多少).
_BALANCE = re.compile(
    r"(?:欠|还差|还剩|一共|总共|还要还|要还)(?:了|你们|我)?(?:多少|好多|几多|几何)(?:钱)?|欠(?:你们)?(?:的)?(?:钱)?(?:是)?(?:多少|好多|几多)"
)


def asks_balance(text: str) -> bool:
    return _BALANCE.search(text) is not None


# "几号该还", "最晚哪天要还", "还款日是哪天": the due date asked.
_DUE_DATE = re.compile(
    r"(?:几号|哪天|哪一天|什么时候|啥时候|几时)(?:该|要|得|必须|之前)?(?:还|交|扣)|还款日(?:是)?(?:几号|哪天|什么时候)|最晚(?:几号|哪天|什么时候)"
)


def asks_due_date(text: str) -> bool:
    return _DUE_DATE.search(text) is not None


# "会不会有人上门？", "会不会给我国内的爸妈打电话", "会不会爆通讯录": a fear of collection practices, asked.
_FEAR = re.compile(
    r"(?:会不会|会|是不是|还会|不会)[^。!！]{0,6}(?:上门|找上门|来家里|到家里|爆通讯录|曝光|发到网上|公开)"
    r"|(?:会不会|会|是不是|还会|不会)[^。!！]{0,4}(?:打电话|打给|联系|告诉|通知|找)[^。!！]{0,6}(?:家|爸|妈|父母|老公|老婆|孩子|儿子|女儿|单位|公司|老板|领导|同事|朋友|紧急联系人|站长|邻居)"
)


def asks_collection_fears(text: str) -> bool:
    return _FEAR.search(text) is not None


# "我想把欠的钱分期还": installments asked for in so many words.
_WANTS_INSTALLMENTS = re.compile(r"(?:想|要|能不能|可不可以|可以|申请|办)(?:把[^，。]{0,8})?分期|分期(?:还|付|吧|行吗|可以吗)")


def wants_installments(text: str) -> bool:
    return _WANTS_INSTALLMENTS.search(text) is not None


_SCAM = re.compile(r"骗子|诈骗|骗人|是不是骗|真的假的|怎么(?:知道|证明|确定).{0,12}(?:真|正规|官方|你们)|正规的?吗|是官方|冒充|假的吧")


def asks_if_genuine(text: str) -> bool:
    """ "怎么证明你是正规的？", "是不是骗子": whether the chat is really the lender's."""
    return _SCAM.search(text) is not None


_TIME_ZONE = re.compile(
    r"纽约时间|北京时间|美国时间|国内时间|中国时间|当地时间|时区|时差|哪(?:里|边)的时间|按哪(?:里|边)"
    r"|差\s*[0-9一二两三四五六七八九十]{1,3}\s*个?(?:钟头|小时|钟)"
)
# "每个月28号，是国内的28号还是我这边的28号": which country's day, asked as a choice.
_ZONE_CHOICE = re.compile(
    r"(?:国内|中国|北京|你们那边)的?[0-9一二两三四五六七八九十]{0,3}号?还是(?:我|我们|美国|纽约|这边|当地)"
    r"|(?:我这边|我们这边|当地|美国|纽约)的?[0-9一二两三四五六七八九十]{0,3}号?还是(?:国内|中国|北京|你们)"
)
# "你们那边是中国时间 跟我这里差十三个钟头 莫搞错了": a reminder to mind the time zone, answered like a question.
_MIND_IT = re.compile(r"(?:莫|别|不要|不能|可别|千万别|小心)(?:给我)?(?:搞|弄|算|记)错|注意一下|记住")


def asks_time_zone(text: str) -> bool:
    if _ZONE_CHOICE.search(text):
        return True
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
    r"(?:个人)?(?:资料|个人信息|数据|隐私|"
    + latin_word("data")
    + r"|身份证(?:号)?|联系人)[^。？?!！]{0,12}(?:删|清除|销毁|delete|保留|留底|留着|保存|存着|keep)"
    r"|(?:删|清除|销毁|delete)[^。？?!！]{0,8}(?:资料|个人信息|数据|" + latin_word("data") + r"|身份证|手机号|联系人)"
    r"|(?:存|留|保存|keep|记)(?:了|住|着)?(?:我)?(?:的)?(?:哪些|什么|啲咩|咩|乜嘢|多少)(?:个人)?(?:资料|信息|数据|东西|"
    + latin_word("data")
    + r")"
    r"|(?:资料|个人信息|数据)(?:会不会|会|有没有)?(?:被)?(?:卖|泄露|外泄|给别人|给第三方)"
    # "刚才你们记录的困难情况（流产那个），以后可以删除吗": a hardship record is personal data too
    r"|(?:困难|情况|流产|病情|生病|住院|离婚|失业)[^。？?!！]{0,10}(?:记录|登记|这些|那个)[^。？?!！]{0,20}(?:删|清除|销毁|去掉)"
    r"|(?:记录|登记)的?(?:困难|情况)[^。？?!！]{0,12}(?:删|清除|销毁|去掉)",
    re.IGNORECASE,
)


def asks_about_personal_data(text: str) -> bool:
    """What personal data the lender keeps, or its deletion asked for."""
    return _PERSONAL_DATA.search(text) is not None and re.search(r"逾期记录|不良记录|征信|信用记录", text) is None
