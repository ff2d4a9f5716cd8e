"""Reply texts for crisis and distress, and the crisis lines for where the Borrower lives.

Crisis texts never mention the debt, money or repayment: the only goal is the
person's safety. They ask directly and kindly whether the person is thinking
of ending their life (asking does not raise the risk), give crisis lines, and
say a person is coming. Numbers are from ../shared/docs/compliance.md (verified
from public sources); 希望24热线 is volunteer-run and often busy, so it is only
ever an extra, never the only number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

__all__ = ["CrisisLine", "crisis_lines", "crisis_messages", "crisis_presence", "distress_messages", "lines_text"]


@dataclass(frozen=True)
class CrisisLine:
    name: str
    number: str
    note: str = ""


_CHINA = (
    CrisisLine("全国心理援助热线", "12356"),
    CrisisLine("北京心理危机研究与干预中心", "010-82951332", "24小时"),
    CrisisLine("希望24热线", "400-161-9995", "志愿者接听，可能占线"),
)
_US = (CrisisLine("988 自杀与危机生命线（美国，电话或短信）", "988", "24小时，可说中文请求翻译"),)
_UK = (CrisisLine("Samaritans（英国）", "116 123", "24小时"),)
_EMERGENCY = {"cn": "110 或 120", "us": "911", "uk": "999"}


def _region(zone: str) -> str:
    if zone.startswith("America/") or zone.startswith("US/") or zone == "Pacific/Honolulu":
        return "us"
    if zone in ("Europe/London", "Europe/Belfast", "GB"):
        return "uk"
    return "cn"


def crisis_lines(zone: str = "Asia/Shanghai") -> tuple[CrisisLine, ...]:
    """Lines for where the Borrower lives; the mainland lines are always added, they may call home."""
    region = _region(zone)
    if region == "us":
        return _US + _CHINA[:2]
    if region == "uk":
        return _UK + _CHINA[:2]
    return _CHINA


def lines_text(zone: str = "Asia/Shanghai") -> str:
    rows = []
    for line in crisis_lines(zone):
        note = f"（{line.note}）" if line.note else ""
        prefix = "如果前面的电话一时打不通，也可以试试" if line.number == "400-161-9995" else ""
        rows.append(f"· {prefix}{line.name} {line.number}{note}")
    return "现在就可以打这些热线，有专业的人愿意听你说：\n" + "\n".join(rows)


# Asked directly and kindly (asking does not raise the risk); a plain "no" to it is answered with RISK_DENIED.
DIRECT_QUESTION = "我想直接问你一句，也请你如实告诉我：你是不是在想结束自己的生命？不管答案是什么，都可以说。"
RISK_DENIED = (
    "谢谢你如实告诉我，听到你没有这样的打算，我放心了一些。工作人员还是会来看看你；在这之前，还款的事也可以继续问我。"
    "如果什么时候心里难受，随时告诉我。"
)


def crisis_messages(zone: str = "Asia/Shanghai", *, person_back: Optional[str] = None) -> list[str]:
    """Safety first, for someone who may harm themselves. `person_back`: when people are next on duty, if
    they are not now (never promise a person "at once" who cannot come)."""
    emergency = _EMERGENCY[_region(zone)]
    person = (
        "我已经请一位工作人员马上加入这个对话，和你直接聊聊。"
        if person_back is None
        else (
            f"我已经请工作人员来和你聊。现在不是他们的值班时间，他们会在{person_back}以后第一时间来；"
            "在这之前，请一定打下面的热线，24小时都有人接听。"
        )
    )
    return [
        "谢谢你愿意告诉我。你现在的感受很重要，你不是一个人。",
        DIRECT_QUESTION,
        person,
        lines_text(zone),
        f"如果你现在有危险，或者已经伤到了自己，请马上拨打 {emergency}。",
        "我会一直在这里。你想说什么都可以，慢慢说。",
    ]


# While a person is on the way, every message gets one of these in turn (never the same line twice running).
PRESENCE_LINES = (
    "我还在这里陪着你，工作人员马上就来。你现在安全吗？",
    "我在，一直在看你发的消息。慢慢说，不着急。",
    "谢谢你还在和我说话。工作人员很快就到；等不及的话，随时可以打上面的热线，有人接听。",
    "有我们在，你并不孤单。如果愿意，也可以请一位信任的人过来陪陪你。",
)


def crisis_presence(zone: str = "Asia/Shanghai", *, with_lines: bool = False, recent: Sequence[str] = ()) -> str:
    """A short supportive line while a person is on the way: the first not among the `recent` texts."""
    said = {r.split("\n", 1)[0] for r in recent}
    text = next((line for line in PRESENCE_LINES if line not in said), PRESENCE_LINES[len(said) % len(PRESENCE_LINES)])
    if with_lines:
        text += "\n" + lines_text(zone)
    return text


RISK_CONFIRMED_OPENING = "谢谢你愿意如实告诉我，说出来需要很大的勇气。"
SIGN_AGAIN_OPENING = "你说的这些我都看到了，也都记下了，工作人员来了会先看。"


def sign_again(zone: str = "Asia/Shanghai") -> str:
    """A new sign of risk while the person is on the way: heard, taken seriously, the numbers again."""
    first = crisis_lines(zone)[0]
    return (
        SIGN_AGAIN_OPENING + "你对我们很重要。"
        f"如果现在就有危险，请马上拨打 {_EMERGENCY[_region(zone)]}；也可以现在就打{first.name} {first.number}。"
    )


def risk_confirmed(zone: str = "Asia/Shanghai") -> str:
    """A yes to the direct question, or a new sign right after it: heard, at once, with the numbers again."""
    first = crisis_lines(zone)[0]
    return (
        RISK_CONFIRMED_OPENING + "你并不孤单，工作人员马上就来陪你聊。"
        f"如果你现在就有危险，或者已经伤到了自己，请马上拨打 {_EMERGENCY[_region(zone)]}；"
        f"也可以现在就打{first.name} {first.number}。你现在安全吗？身边有人吗？"
    )


def distress_messages(pause_days: int) -> list[str]:
    """Empathetic messages for someone in distress (not in immediate danger)."""
    return [
        "听起来你最近真的很不容易，谢谢你愿意说出来。",
        f"接下来{pause_days}天，我们会暂停所有提醒，你不用着急回复，也不用马上做任何决定。",
        "我已经请一位工作人员尽快来和你聊聊。在这之前，你可以继续写给我，工作人员来了会先看这些。",
        "如果心里难受到有伤害自己的念头，请直接告诉我；也可以随时打全国心理援助热线 12356，有人愿意听你说。",
    ]
