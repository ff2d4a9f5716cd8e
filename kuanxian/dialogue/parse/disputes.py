"""The debt questioned ("这不是我借的", "金额不对") or the number not the Borrower's ("你们打错了").

Both change the account (a dispute stops reminders, a wrong number locks the conversation), so the words
must say so, and "not that I won't" never counts.
"""

from __future__ import annotations

import re

# Account-changing intents need the words to say so, not only the classifier: a dispute stops reminders and
# a wrong number locks the conversation, so "不是不还" or "你们记吧，我同意" must never open either.
_DOUBLE_NEGATIVE = re.compile(r"不是不|并不是不|也不是不|不是说不")

# "莫搞错了", "别弄错时间": a warning not to get something wrong, not a claim that it is.
_DONT_GET_WRONG = re.compile(r"(?:莫|别|不要|不能|可别|千万别|可不要|小心)(?:给我)?(?:搞|弄|算|记)错")


_DISPUTE = re.compile(
    r"不是我(?:借|贷|的|本人|签)|没(?:有)?借过|没(?:有)?贷过|从来没(?:有)?(?:借|贷)|(?:从来)?没(?:有)?(?:在|跟|向|找|从)[^，。,.!！？?]{0,8}(?:借|贷)过|我没借|没(?:有)?申请过|不认识|不认(?:这笔|这个|账)"
    r"|(?:金额|数目|数字|账|钱数|利息|费用|罚息)(?:算)?(?:不对|错了|有误|对不上|唔啱)|算错|对不上|(?<!会不会)(?<!会不会再)(?<!还会)(?<!还会再)多(?:扣|收)(?!吗|么)|重复扣|扣了两次|乱收|收错|扣错"
    r"|查[^，。,.!！？?]{0,10}(?:去咗边|去哪|哪去了|没到账|冇显示|没显示|唔见|不见了)"
    r"|已经还(?:清|了|过)|还过了|早就还|还清了|冒用|盗用|被盗|被人(?:借|贷|用)|身份(?:证)?被|骗贷|诈骗|搞错|弄错|不是我的"
    r"|这个数(?:字|目)?\S{0,3}(?:不对|不认|有问题)|数(?:字|目)?不对|合同上写的"
    r"|我不认|(?:\d+|这笔|这部分|利息|费用)\S{0,3}不认|(?:显示|写着|账上|App上|app上|这里)\S{0,12}不对"
    r"|说(?:好)?的?是免息|不是说(?:免息|不收)|说(?:好|过)?不收利息"
    # "借的时候说好利息一共200的": a different sum was promised
    r"|说好(?:的)?(?:利息|手续费|费用|总共|一共)(?:一共|总共|只有|只|就|是)?(?:收)?[0-9一二两三四五六七八九十百千万]{2,}"
    r"|哪来的|莫名其妙|凭什么|有异议|不承认|不知道(?:这|有)(?:笔|个)|什么时候借|啥时候借|没收到(?:钱|款)"
    # "5350？？不对吧 我上个月还了一千啊", "11月20号还的 支付宝转的 有截图": a payment already made, not counted
    r"|(?:上个月|上月|之前|前几天|前天|昨天|早就)(?:月底|月初|月中|底|初)?(?:就)?(?:已经)?还(?:了|过)|扣款记录|(?:银行)?卡(?:上)?(?:已经)?扣(?:了|的|过)|[号日]还的|转的.{0,6}截图|有截图|[?？]{2,}\s*不对"
    r"|[号日](?:就)?(?:去)?.{0,6}(?:交|还|转)(?:了|过了)|交了钱.{0,6}不认|有小票|有回单|有凭证"
    # "我借的时候到手就4800 你们咋写5000", "放款时候扣的那200是啥 砍头息啊": less paid out than is charged
    # (a figure after it: "一个月到手就那么点" is pay, not a loan paid out short)
    r"|到手(?:就|才|只有|只)[0-9一二两三四五六七八九十百千万]|(?:咋|怎么)(?:写|成了|变成)(?:的)?[0-9一二两三四五六七八九十百千万]{2,}"
    r"|砍头息|放款(?:时候?|的时候)?(?:就)?扣",
)


_WRONG_PERSON = re.compile(
    r"打错|发错|找错|不是(?:本人|这个人|你们要找的|他本人|她本人)|不认识(?:这个人|他|她|此人)|没(?:有)?这个人|查无此人|我不(?:叫|姓)"
    r"|换(?:了)?号|(?:号|号码)[^。！？]{0,6}换|新(?:办的)?号|号码[^。！？]{0,8}(?:换|不是|以前|之前)|以前的(?:机主|号主)|前(?:任)?机主|不是他|不是她"
    r"|wrong (?:number|person)|你(?:们)?找谁|你(?:是)?谁啊|不是我",
    re.IGNORECASE,
)


def says_dispute(text: str) -> bool:
    """ "这不是我借的", "金额不对", "我早就还清了": the debt itself is questioned (not "我不是不还").

    A clause that says "not that I won't" ("我不是不认账") is left out; the rest may still question the amount
    ("…但这个数不对")."""
    text = _DONT_GET_WRONG.sub("", text)
    clauses = [c for c in re.split(r"[，。,.!！？?；;\s]+", text) if c and _DOUBLE_NEGATIVE.search(c) is None]
    return any(_DISPUTE.search(c) for c in clauses)


def says_wrong_person(text: str) -> bool:
    """ "你们打错了", "我不认识这个人", "这号我刚换的": this number is not the Borrower's."""
    return _WRONG_PERSON.search(text) is not None and _DOUBLE_NEGATIVE.search(text) is None


# A dispute taken back: "我没得异议 账是对的", "是我自己记错了", "不用查了".
_WITHDRAW = re.compile(
    r"没(?:得|有)?(?:啥|什么|任何)?异议|不(?:是|提|要)?异议|撤(?:回|销|掉)(?:异议|投诉|申诉)?"
    r"|(?:账|金额|数|数目|钱数|余额)(?:是|都是|算得|算的)?(?:对的|对着|没错|没有错|没问题|没得问题)"
    r"|是我(?:自己)?借的|是我的(?:账|钱|贷款|借款)|我(?:自己)?(?:记|搞|弄|看|算)错了|不用(?:核实|查)了|别查了|不查了"
)


def withdraws_dispute(text: str) -> bool:
    """ "我没得异议 账是对的": the Borrower takes back a dispute (the debt is theirs, the amount right)."""
    return _WITHDRAW.search(text) is not None and _DOUBLE_NEGATIVE.search(text) is None and _NOT_NO.search(text) is None


# "我不是没有异议": still disputed.
_NOT_NO = re.compile(r"不是没|并非没|并不是没")
