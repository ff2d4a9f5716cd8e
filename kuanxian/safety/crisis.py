"""Reply texts for crisis and distress, shared by the Rasa actions and the hub.

Crisis texts never mention the debt, money or repayment: the only goal is the
person's safety. Each function returns a list of short messages, to be sent
one after another. Numbers are from /shared/docs/compliance.md (verified from
public sources); 希望24热线 is volunteer-run and often busy, so it is only ever
an extra, never the only number.
"""

from __future__ import annotations

import os

__all__ = [
    "CRISIS_PAUSE_DAYS",
    "DISTRESS_PAUSE_DAYS",
    "CRISIS_LINES",
    "EMERGENCY_NUMBERS",
    "crisis_messages",
    "distress_messages",
    "hardship_pause_days",
    "human_handoff_message",
]

CRISIS_PAUSE_DAYS = 30
DISTRESS_PAUSE_DAYS = 7
HARDSHIP_PAUSE_ENV = "KUANXIAN_HARDSHIP_PAUSE_DAYS"


def hardship_pause_days() -> int:
    """Days reminders pause after hardship or distress: 7 unless the lender configures 1-90."""
    raw = os.environ.get(HARDSHIP_PAUSE_ENV, "").strip()
    if not raw:
        return DISTRESS_PAUSE_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= 90:
        raise ValueError(f"{HARDSHIP_PAUSE_ENV} must be a whole number of days from 1 to 90, got {raw!r}")
    return int(raw)

# (name, number, note) — the first two are the primary lines.
CRISIS_LINES: tuple[tuple[str, str, str], ...] = (
    ("全国心理援助热线", "12356", ""),
    ("北京心理危机研究与干预中心", "010-82951332", "24小时"),
    ("希望24热线", "400-161-9995", "志愿者接听，可能占线"),
)

EMERGENCY_NUMBERS: tuple[tuple[str, str], ...] = (("报警", "110"), ("急救", "120"))


def crisis_messages() -> list[str]:
    """Safety-first messages for someone who may harm themselves."""
    return [
        "谢谢你愿意告诉我。你现在的感受很重要，你不是一个人。",
        "你现在安全吗？身边有没有人可以陪着你？",
        "我已经请一位工作人员马上加入这个对话，和你直接聊聊。",
        "现在就可以打这些热线，有专业的人愿意听你说：\n"
        "· 全国心理援助热线 12356\n"
        "· 北京心理危机研究与干预中心 010-82951332（24小时）\n"
        "· 如果前面的电话一时打不通，也可以试试希望24热线 400-161-9995",
        "如果你现在有危险，或者已经伤到了自己，请马上拨打 110 或 120。",
        "我会一直在这里。你想说什么都可以，慢慢说。",
    ]


def distress_messages() -> list[str]:
    """Empathetic messages for someone in distress (not in immediate danger)."""
    return [
        "听起来你最近真的很不容易，谢谢你愿意说出来。",
        f"接下来{hardship_pause_days()}天，我们会暂停所有提醒，你不用着急回复，也不用马上做任何决定。",
        "我已经请一位工作人员尽快来和你聊聊，看看有什么能帮上你的；在这之前，你发的消息他们都能看到。",
        "心里太难受的时候，也可以打全国心理援助热线 12356，有人愿意听你说。",
    ]


def human_handoff_message() -> str:
    """One line telling the person a human is being brought in."""
    return "我正在请工作人员来和你直接沟通，请稍等一下。"
