"""Reply texts for crisis and distress, and the crisis lines for where the Borrower lives.

Crisis texts never bring up the debt, money or repayment: the only goal is the
person's safety. The one exception answers the person's own question ("这钱是不是要我儿子还"):
their family does not have to pay, and is never approached. They ask directly and kindly whether the person is thinking
of ending their life (asking does not raise the risk), give crisis lines, and
say a person is coming. Numbers are from ../shared/docs/compliance.md (verified
from public sources); 希望24热线 is volunteer-run and often busy, so it is only
ever an extra, never the only number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

__all__ = [
    "MONEY_CAN_WAIT",
    "CrisisLine",
    "about_someone_else",
    "asks_about_money",
    "concern_for_other_messages",
    "crisis_lines",
    "crisis_messages",
    "crisis_presence",
    "crisis_wait",
    "distress_messages",
    "family_question_answer",
    "lines_text",
    "says_safe",
]


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


def crisis_messages(zone: str = "Asia/Shanghai", *, person_back: Optional[str] = None, text: str = "") -> list[str]:
    """Safety first, for someone who may harm themselves. `person_back`: when people are next on duty, if
    they are not now (never promise a person "at once" who cannot come). `text`: what they wrote, when it
    asks whether the family must pay or names a means (answered right after the first line)."""
    emergency = _EMERGENCY[_region(zone)]
    person = (
        "我已经请一位工作人员马上加入这个对话，和你直接聊聊。"
        if person_back is None
        else (
            f"我已经请工作人员来和你聊。现在不是他们的值班时间，他们会在{person_back}以后第一时间来；"
            "在这之前，请一定打下面的热线，24小时都有人接听。"
        )
    )
    first = ["谢谢你愿意告诉我。你现在的感受很重要，你不是一个人。"]
    answered = _answers(text)
    if answered:
        first.append(answered)
    return [
        *first,
        DIRECT_QUESTION,
        person,
        lines_text(zone),
        f"如果你现在有危险，或者已经伤到了自己，请马上拨打 {emergency}。",
        "我会一直在这里。你想说什么都可以，慢慢说。",
    ]


# While a person is on the way, every message gets one of these in turn (never the same line twice running).
# (No line says when the person comes: out of staffed hours "马上就来" would be untrue; "要等多久" gets the honest wait.)
PRESENCE_LINES = (
    "我还在这里陪着你。你现在还好吗？有没有伤到自己？",
    "我在，一直在看你发的消息。慢慢说，不着急。",
    "谢谢你还在和我说话。等不及的话，随时可以打上面的热线，24小时有人接听。",
    "有我们在，你并不孤单。如果愿意，也可以请一位信任的人过来陪陪你。",
)

# Means named ("棚里有瓶农药", "攒了一瓶安眠药"): putting them out of reach is the first step of safety.
_MEANS = re.compile(r"农药|百草枯|敌敌畏|老鼠药|安眠药|药片|一瓶药|攒.{0,4}药|绳子|刀|煤气|炭|木炭|烧炭|汽油|楼顶|天台")
MEANS_LINE = "身边要是有农药或者药，能先把它放远一点、交给别人保管吗？这样会安全一些。"

# "我要是不在了 这钱是不是要我儿子还", "会找他不": whether the family has to pay.
_FAMILY = r"(?:儿子|女儿|孩子|娃|闺女|家里人|家人|老婆|媳妇|老公|爸妈|父母|我妈|我爸)"
_FAMILY_PAYS = re.compile(
    _FAMILY + r".{0,6}(?:(?:来|去|要|得|会|替我|帮我)?还(?:钱|债|吗|不|么|嘛|呢|[?？。，,！!\s]|$)|背(?:债|这)|承担|继承|要钱)"
    r"|(?:找|让|要|轮到|落到)我?" + _FAMILY + r"|会(?:不会)?(?:去)?找(?:他|她|他们)(?:要|还|吗|不|么|[?？]|$)"
    r"|(?:钱|债|账).{0,6}" + _FAMILY + r".{0,4}还"
)
FAMILY_NOT_LIABLE = "你问的事我先回答：家里人不用替你还，我们也从来不会去找他们。对我们来说，你本人更重要。"


def means_named(text: str) -> bool:
    return _MEANS.search(text) is not None


def asks_if_family_pays(text: str) -> bool:
    return _FAMILY_PAYS.search(text) is not None


def _person_coming(person_back: Optional[str]) -> str:
    if person_back is None:
        return "工作人员马上就来陪你聊。"
    return f"工作人员会在{person_back}以后第一时间来；在这之前，热线24小时都有人接听。"


# "现在安全的", "没有伤到自己，放心": the safety question was answered; it is not asked again.
_SAYS_SAFE = re.compile(r"安全|没(?:有)?伤(?:到|害)?自己|没受伤|放心|我没事|我还好|还好|好多了|舒服(?:一)?点")


def says_safe(text: str) -> bool:
    return _SAYS_SAFE.search(text) is not None


def crisis_presence(
    zone: str = "Asia/Shanghai", *, with_lines: bool = False, recent: Sequence[str] = (), for_other: bool = False, safe: bool = False
) -> str:
    """A short supportive line while a person is on the way: the first not among the `recent` texts
    (`for_other`: to someone worried about a family member, who is not asked whether they are safe; `safe`: someone
    who has just said they are safe is not asked again)."""
    said = {r.split("\n", 1)[0] for r in recent}
    lines: tuple[str, ...] = CONCERN_LINES if for_other else PRESENCE_LINES
    if safe:
        lines = tuple(line for line in lines if "？" not in line)
    text = next((line for line in lines if line not in said), lines[len(said) % len(lines)])
    if with_lines:
        text += "\n" + lines_text(zone)
    return text


def crisis_wait(zone: str, position: int, minutes: int) -> str:
    """ "要等多久？" in a crisis: first in line, honestly how long, and who answers right now meanwhile."""
    first = crisis_lines(zone)[0]
    ahead = f"前面还有{position}位同样需要紧急帮助的人，" if position > 0 else ""
    return (
        f"你的对话排在最优先，工作人员一有空就先来找你。{ahead}预计大约{minutes}分钟。"
        f"等的时候不用一个人扛：{first.name} {first.number} 现在就有人接听；如果有危险，请马上拨打 {_EMERGENCY[_region(zone)]}。"
    )


# "那两个月缓期算是定下来了吗", "前面几个月能少还点吗" while a person is on the way: the money can wait.
_ABOUT_MONEY = re.compile(r"还款|还钱|缓期|暂缓|缓两|缓一|分期|计划|方案|少还|催|提醒|利息|欠款|这个钱|这笔钱")
MONEY_CAN_WAIT = (
    "还款的事先放一放，不用担心：这段时间我们不会催你，也不会主动发提醒。缓期和还款计划，等工作人员来了和你一起定，怎么方便怎么来。"
)


def asks_about_money(text: str) -> bool:
    return _ABOUT_MONEY.search(text) is not None


RISK_CONFIRMED_OPENING = "谢谢你愿意如实告诉我，说出来需要很大的勇气。"
SIGN_AGAIN_OPENING = "你说的这些我都看到了，也都记下了，工作人员来了会先看。"


def _answers(text: str) -> str:
    """What the Borrower's own words ask for first: the family question answered, the means put away."""
    said = FAMILY_NOT_LIABLE if asks_if_family_pays(text) else ""
    return said + (MEANS_LINE if means_named(text) else "")


def sign_again(zone: str = "Asia/Shanghai", *, text: str = "") -> str:
    """A new sign of risk while the person is on the way: heard, taken seriously, the numbers again."""
    first = crisis_lines(zone)[0]
    return (
        SIGN_AGAIN_OPENING
        + "你对我们很重要。"
        + _answers(text)
        + f"如果现在就有危险，请马上拨打 {_EMERGENCY[_region(zone)]}；也可以现在就打{first.name} {first.number}。"
    )


def risk_confirmed(zone: str = "Asia/Shanghai", *, person_back: Optional[str] = None, text: str = "") -> str:
    """A yes to the direct question, or a new sign right after it: heard, at once, with the numbers again."""
    first = crisis_lines(zone)[0]
    return (
        RISK_CONFIRMED_OPENING
        + "你并不孤单，"
        + _person_coming(person_back)
        + _answers(text)
        + f"如果你现在就有危险，或者已经伤到了自己，请马上拨打 {_EMERGENCY[_region(zone)]}；"
        f"也可以现在就打{first.name} {first.number}。你现在安全吗？身边有人吗？"
    )


def family_question_answer(text: str) -> str:
    """While a person is on the way, "会找他不": the family question answered, and still with them."""
    return FAMILY_NOT_LIABLE + "我还在这里陪着你。你现在还好吗？" if asks_if_family_pays(text) else ""


# Someone writing about another person's risk ("我妈说活着太累了，不想活了"): guided to help them, not asked about themselves.
_KIN = (
    r"(?:我妈|我妈妈|我母亲|我爸|我爸爸|我父亲|我老公|我老婆|我媳妇|我儿子|我女儿|我哥|我姐|我弟|我妹|我朋友"
    r"|我奶奶|我爷爷|我外婆|我姥姥)"
)
_ABOUT_OTHER = re.compile(_KIN + r".{0,16}(?:不想活|想死|活着.{0,4}累|自杀|轻生|寻死|寻短见|想不开|跳楼|吃药|割腕|遗书)")


_SELF = re.compile(r"我也|我都|我自己|我真|我就想|我不想活|我想死|我活|我死|我走")


def about_someone_else(text: str) -> bool:
    """Worried about a family member's words or acts, with no sign about the writer themself."""
    return _ABOUT_OTHER.search(text) is not None and _SELF.search(text) is None


CONCERN_OPENING = "谢谢你告诉我，你这么关心家人，很了不起。这件事不该你一个人扛。"
# While a person is on the way to someone worried about a family member (not asked about themselves).
CONCERN_LINES = (
    "你做得很好。今晚尽量有人陪着她/他；如果她/他有危险，请马上打急救电话。",
    "我在，一直在看你发的消息。上面的热线也可以告诉你该怎么陪她/他，24小时有人接听。",
)


def concern_for_other_messages(zone: str = "Asia/Shanghai", *, person_back: Optional[str] = None) -> list[str]:
    """For someone worried that a family member may harm themselves: what to do now, and a person for them."""
    emergency = _EMERGENCY[_region(zone)]
    person = (
        "我已经请一位工作人员马上加入这个对话。" if person_back is None else f"我已经请工作人员来，他们会在{person_back}以后第一时间来。"
    )
    return [
        CONCERN_OPENING,
        f"如果你担心的人现在就有危险，请马上拨打 {emergency}。",
        "可以把这件事告诉家里另一个你信任的大人，或者老师；今晚尽量有人陪着她/他，把药、农药、刀这类东西先收起来。",
        lines_text(zone) + "\n这些热线也接听家人的电话，会告诉你怎么陪伴和帮助她/他。",
        person + "你自己也可以继续写给我，慢慢说。",
    ]


def distress_messages(pause_days: int) -> list[str]:
    """Empathetic messages for someone in distress (not in immediate danger)."""
    return [
        "听起来你最近真的很不容易，谢谢你愿意说出来。",
        f"接下来{pause_days}天，我们会暂停所有提醒，你不用着急回复，也不用马上做任何决定。",
        "我已经请一位工作人员尽快来和你聊聊。在这之前，你可以继续写给我，工作人员来了会先看这些。",
        "如果心里难受到有伤害自己的念头，请直接告诉我；也可以随时打全国心理援助热线 12356，有人愿意听你说。",
    ]
