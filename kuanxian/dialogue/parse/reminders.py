"""When reminders are sent, not whether: quiet hours asked for ("别半夜发"), and a Borrower who sleeps by day."""

from __future__ import annotations

import re

from kuanxian.latin import latin_word

# When reminders come, not whether ("别半夜发", "按我这边白天发"); "全部关掉" or "别发了" is a stop.
_WHEN_SENT = re.compile(
    r"半夜|深夜|凌晨|夜里|大晚上|睡觉|白天|上午|早上|下午|傍晚|时差|几点|夜班|(?:提醒|发)的?时间|时间.{0,4}(?:设置|设定|改)"
    r"|[0-9一二三四五六七八九十]{1,3}\s*点(?:以后|之后|前|以前|之前|到)"
)


_ABOUT_REMINDERS = re.compile(
    r"提醒|发消息|发信息|通知|短信|推送|发给我|给我发|别发|不要发|(?:半夜|深夜|夜里|晚上|白天|早上)(?:别|不要)?发|点(?:以后|之后|前|以前)?再?发"
)


# Sleeps by day ("我上夜班，白天要睡觉"): the usual daytime window is the problem, not the night.
_DAY_SLEEPER = re.compile(
    r"夜班|白天.{0,6}(?:睡|休息|骑车|跑单|上班|干活|不方便|没空|看不了)|(?:睡|休息).{0,6}白天|白天(?:别|不要|不能)发|晚上.{0,6}(?:可以|再)发"
)


_STOP_ALL = re.compile(
    r"全部|所有|都(?:关|停|别|不)|彻底|再也|别再|不要再|不想再|任何|别发了|不要发了|别.{0,2}提醒了|关[了掉]|停[了掉]"
    r"|停止提醒|关闭提醒|取消提醒|不要提醒了|停止吧"
)


def asks_quiet_hours(text: str) -> bool:
    return _WHEN_SENT.search(text) is not None and _STOP_ALL.search(text) is None


def asks_reminder_hours(text: str) -> bool:
    """ "纽约时间早上8点到下午4点不要给我发提醒": about when reminders come, whatever the classifier heard."""
    return asks_quiet_hours(text) and _ABOUT_REMINDERS.search(text) is not None


# "能不能固定下午5点以后发": a particular hour asked for (it cannot be set per person).
_CLOCK_HOUR = re.compile(r"[0-9一二三四五六七八九十]{1,3}\s*点")


def names_clock_hour(text: str) -> bool:
    return _CLOCK_HOUR.search(text) is not None


def sleeps_by_day(text: str) -> bool:
    return _DAY_SLEEPER.search(text) is not None


# Reminders wanted back after a stop ("那还是发吧 只发短信", "恢复提醒"); not "别发了吧".
_BACK_ON = re.compile(
    r"(?<![别不])(?:还是|照常|继续|接着|重新|再)(?:给我)?(?:发|提醒|通知|开着|打开|开回|开)|恢复(?:提醒|发|通知)?|开返|开番|(?:打开|开回|开启|开一下)提醒|提醒.{0,4}(?:打开|开回来|恢复)"
)
_NOT_BACK = re.compile(r"别|不要|不用|甭|不想")


# "那下次还款日你也不提醒了是吧", "以后就不会再发了吗": whether reminders are off, asked (expecting a yes).
_STOPPED_CHECK = re.compile(
    r"(?:不|不会|不再|没有|没)(?:再)?(?:提醒|发|通知|催)(?:我)?(?:了)?[^，。,.!！]{0,4}?(?:是吧|对吧|是不是|对不对|吗|么|吧[？?]|[？?])"
)


# "行吧 那先停 我自己记着", "就停着吧": reminders to stay off.
_KEEP_STOPPED = re.compile(r"先停|停着|就停|停了吧|停掉吧|别发了|不用(?:再)?(?:提醒|发)|自己记(?:着|得|住)?|我自己会记")


# Words that ask for fewer or no messages: without one, "stop contact" is the classifier's guess
# ("收到你们短信了，我知道逾期了" only mentions a message).
_STOP_WORDS = re.compile(
    r"别|不要|不用|甭|莫|停|关|取消|退订|退訂|拒收|拒绝|不想|不需要|不必|少发|烦|骚扰|拉黑|屏蔽|够了|免打扰|勿|禁止|免了|删|移除"
    r"|太多|太频繁|天天|一直发|老发|没完|bie ?fa|唔使|唔好|唔想|咪再|日日"
    r"|" + latin_word(r"stop|unsubscribe|td|don'?t (?:contact|message|text|call)|no more|leave me alone|remove my"),
    re.IGNORECASE,
)


def says_stop(text: str) -> bool:
    return _STOP_WORDS.search(text) is not None


def keeps_stopped(text: str) -> bool:
    return _KEEP_STOPPED.search(text) is not None


def checks_reminders_stopped(text: str) -> bool:
    return _STOPPED_CHECK.search(text) is not None


def wants_reminders_back(text: str) -> bool:
    found = _BACK_ON.search(text)
    return found is not None and _NOT_BACK.search(text[: found.start()]) is None and not asks_how_to_resume(text)


# "以后要再打开的话在哪弄？先别开，问问", "关了过后以后想开的话咋个开？": how, for later; not "turn them on now".
_HOW_BACK = re.compile(
    r"(?:怎么|咋|咋个|如何|在哪|哪里|哪儿|去哪)(?:样)?(?:弄|开|打开|开启|恢复|设置|操作)"
    r"|(?:想|要)(?:再)?(?:打开|开启|开|恢复)(?:提醒)?的话|(?:以后|到时候|之后|将来)[^，。,.!！]{0,8}(?:开|恢复)[^，。,.!！]{0,6}(?:怎么|咋|哪)"
)
_NOT_NOW = re.compile(r"先别|先不|暂时不|现在不|不用现在|别开|问问|只是问|就问|问一下|问下")
_NOW = re.compile(r"帮我|给我|现在就|马上|立刻|那就(?:开|恢复)|开吧|恢复吧")


def asks_how_to_resume(text: str) -> bool:
    """How to turn reminders back on later, asked, not asked for now (a "帮我…" or "现在就…" asks for it now)."""
    if _HOW_BACK.search(text) is None:
        return False
    return _NOT_NOW.search(text) is not None or _NOW.search(text) is None


# "停了我又怕忘记了 我这个记性越来越差": afraid of forgetting the date without reminders.
_FORGETTING = re.compile(
    r"怕(?:我)?(?:会)?忘|会忘|忘记|忘了|记性(?:差|不好|越来越)|记不住|(?:也)?不会(?:再)?(?:告诉|提醒|通知)我|不(?:再)?提醒我了"
)


def fears_forgetting(text: str) -> bool:
    return _FORGETTING.search(text) is not None


# "我就是想你们不要半夜来", "半夜三点钟响 把我吵醒": contact at night complained of (when, not whether).
_NIGHT_CONTACT = re.compile(r"(?:半夜|深夜|凌晨|夜里|大晚上).{0,8}(?:来|发|响|吵|打|找|震)|(?:吵|打扰).{0,4}(?:睡|醒)")


def complains_of_night_contact(text: str) -> bool:
    return asks_quiet_hours(text) and _NIGHT_CONTACT.search(text) is not None


# "最后一期还完以后呢，提醒就不会再发了吧？", "还清以后请停止提醒": reminders after the debt is paid, not a stop now.
_AFTER_PAYOFF = re.compile(r"(?:还完|还清|结清|还上|付清|最后一期)[^，。,.!?？！]{0,10}?(?:以后|之后|后|了)")


def about_reminders_after_payoff(text: str) -> bool:
    return _AFTER_PAYOFF.search(text) is not None and _ABOUT_REMINDERS.search(text) is not None


# "能不能一个月就提醒一次,别太多": fewer reminders, not none.
_FEWER = re.compile(
    r"(?:一个月|每个?月|一周|每周|一个礼拜|一天|每天)(?:就|只|最多)?(?:提醒|发|通知)?(?:我)?(?:一次|一回|一条|两次)"
    r"|(?:提醒|发)(?:得)?(?:少一点|少点|少些)|别(?:太|那么)多"
)


def asks_fewer_reminders(text: str) -> bool:
    return _FEWER.search(text) is not None and _STOP_ALL.search(text) is None
