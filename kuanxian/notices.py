"""The hub's own texts to a Borrower: notices, waiting, someone else typing.

Pure functions, reviewed by the guard in tests (tests/unit/test_notices.py) and
again at delivery. None of them carries account detail.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Optional

ASSISTANT_UNAVAILABLE = "抱歉，助手暂时无法回复。您的消息已保存，我已为您请工作人员来查看，请稍等。"
COLLECTOR_JOINED = "客服 {name} 已加入对话"
RESOLVED = "本次对话已结束，感谢您的耐心。如需帮助，随时可以再发消息。"
# Instead of the assistant's confirmation when the hub refused the plan it confirms (the balance or policy changed).
PLAN_NOT_CONFIRMED = (
    "抱歉，这个还款方案刚才没能确认：您的账户情况刚刚有了变化。您可以再告诉我想怎么安排，我按最新的情况重新帮您算；也可以说“转人工”。"
)


def collector_joined(name: str) -> str:
    return COLLECTOR_JOINED.format(name=name or "工作人员")


def handed_back(name: str) -> str:
    return f"客服 {name or '工作人员'} 已将对话交回给智能助手。"


def third_party_first() -> str:
    """To someone who says or implies they are not the account holder: nothing about the account."""
    return (
        "谢谢您联系我们，也理解您的关心。为了保护账户持有人的隐私，我们只能和账户本人沟通这个账户的情况，"
        "不能向其他人透露任何信息。\n"
        "如果您是想帮忙，可以请账户本人登录贷款App，在这个窗口直接和我们联系，或者拨打App里的官方客服电话。"
        "如果您不希望再收到我们的任何消息，告诉我一声就可以，我们不会再联系您。"
    )


IDENTITY_YES = "我是本人"
IDENTITY_NO = "我不是本人"


def identity_check() -> str:
    """When it is unclear who is writing: ask, rather than shut the holder out."""
    return "为了保护账户信息，想先跟您确认一下：您是这个贷款账户的本人吗？"


def third_party_again() -> str:
    return (
        "抱歉，这个账户的情况我们只能和账户本人沟通。"
        "请账户本人登录App联系我们就好。如果您是账户本人，可以说“转人工”，工作人员会帮您核实身份后再继续。"
    )


def third_party_again_short() -> str:
    """The same answer in other words, when it was the last thing said (no word-for-word repeats)."""
    return "理解您的着急。为了保护账户本人的信息，这件事只能由账户本人来办，我这边没办法多说，谢谢您的理解。"


def third_party_how_to_reach() -> str:
    """How the holder reaches us: general, nothing about the account."""
    return (
        "账户本人可以登录贷款App，在这个聊天窗口直接找我们；也可以拨打App里“客服”页面上的官方客服电话。"
        "本人联系我们以后，我们会和本人一起商量。"
    )


def third_party_bye() -> str:
    return "不客气，麻烦您了。祝您和家人一切顺利。"


def third_party_person() -> str:
    return "好的，我已经请工作人员来核实身份，请稍等。核实之前，我们不能谈这个账户的任何情况。"


def third_party_stop() -> str:
    return "好的，我们不会再联系您，打扰了。祝您一切顺利。"


def waiting(position: int, minutes: int) -> str:
    ahead = f"前面还有{position}位，" if position > 0 else ""
    return f"已收到，工作人员会看到您发的每一条消息。{ahead}预计大约{minutes}分钟内会有人来回复您，请稍等。"


def when_back(back_at: datetime, local: Optional[datetime] = None) -> str:
    """ "12月7日 09:00", and the Borrower's own clock when they live elsewhere ("北京时间…（您当地时间…）")."""
    when = f"{back_at.month}月{back_at.day}日 {back_at:%H:%M}"
    if local is None or local.utcoffset() == back_at.utcoffset():
        return when
    return f"北京时间{when}（您当地时间{local.month}月{local.day}日 {local:%H:%M}）"


def outside_hours(back_at: datetime, local: Optional[datetime] = None, *, crisis: bool = False) -> str:
    when = when_back(back_at, local)
    if crisis:
        return (
            f"现在不是工作人员的值班时间，他们会在{when}以后第一时间来和你聊，你的每一条消息他们都会看到。"
            "在这之前，请一定打上面的热线，24小时都有人接听；如果有危险，请马上拨打急救电话。"
        )
    return (
        f"已收到，您的消息都已保存。现在不是工作人员的值班时间，他们会在{when}以后回复您。"
        "如果情况紧急，或者有伤害自己的念头，请直接告诉我。"
    )


def is_staffed(local: datetime, start: time, end: time) -> bool:
    """Within staffed hours (the window may run past midnight)."""
    now = local.time()
    if start < end:
        return start <= now < end
    return now >= start or now < end


def care_offer() -> str:
    """After words of distress in a plan talk: reminders paused, and a person if they want one."""
    return (
        "听得出来您最近压力很大，不用一个人扛。接下来几天我们不会主动发提醒。"
        "想和工作人员直接聊聊的话，随时说“转人工”；如果心里难受到有伤害自己的念头，请直接告诉我。"
    )
