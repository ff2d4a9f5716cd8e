"""Reminders on and off, promises, follow-ups, disputes and the wrong person."""

from __future__ import annotations

from datetime import date

from kuanxian.replies.common import NO, PERSON, YES, Button, Reply, format_date_with_year
from kuanxian.replies.plans import ReminderOutlook, reminder_note


def stop_contact() -> Reply:
    return Reply(
        "好的，已为您关闭主动还款提醒，我们不会再主动给您发消息。您仍然可以随时回来找我；如果想恢复提醒，在这里发送“恢复提醒”就可以。"
    )


def reminders_too_many() -> Reply:
    """An angry "天天发消息烦不烦": sorry, what the limits are, and the choice to stop them or talk to a person."""
    return Reply(
        "抱歉，让您觉得被催得太紧了。我们的提醒每天最多一次、每周最多三次，而且只在白天发。"
        "如果不想再收到，点“停止提醒”我现在就关掉；想跟工作人员说说，也可以点“联系人工”。",
        (Button("停止提醒", "停止提醒"), PERSON),
    )


def quiet_hours(*, sleeps_by_day: bool = False) -> Reply:
    """When reminders come; for someone who sleeps by day, honestly that the hours cannot be set per person."""
    if sleeps_by_day:
        return Reply(
            "明白，您白天要休息。如实告诉您：提醒只在您所在地早上8点到晚上9点之间发（按您账户登记的时区），每天最多一次，"
            "具体几点我这边没法为您单独设置。如果会吵到您睡觉，可以说“停止提醒”关掉主动提醒，需要时随时来问我；"
            "以后想要提醒了，说“恢复提醒”就行。",
            (Button("停止提醒", "停止提醒"), PERSON),
        )
    return Reply(
        "明白，半夜被吵醒太难受了。提醒只会在您所在地的白天发送（早上8点到晚上9点之间，按您账户登记的时区），"
        "每天最多一次，不会在夜里打扰您。如果想完全停止提醒，告诉我“停止提醒”就可以。"
    )


def no_calls() -> Reply:
    """ "别打电话 宝宝睡觉": we don't call; messages only, by day."""
    return Reply("好的，我们不会给您打电话。有需要只在这里给您发消息，而且只在白天，不会吵到孩子。您先忙，有事随时回来找我。")


def reminder_limits() -> Reply:
    """Fewer reminders asked for: how few there are already, and the choice to stop them."""
    return Reply(
        "可以放心，提醒本来就不多：每期到期前提醒一次，每天最多一次、每周最多三次，而且只在白天发。"
        "如果还是觉得多，说“停止提醒”就可以关掉，需要时再说“恢复提醒”。"
    )


def after_payoff_reminders() -> Reply:
    """Reminders once the debt is paid: they stop by themselves; until then they go on (nothing turned off now)."""
    return Reply(
        "还清以后，还款提醒会自动停止，不用您另外操作。还款期间的提醒照常，每期到期前温和地提醒一次；"
        "如果现在就不想要提醒，也可以说“停止提醒”。"
    )


def offer_resume() -> Reply:
    """Reminders stopped, and now the fear of forgetting: offered back, the Borrower decides."""
    return Reply(
        "理解，没有提醒确实容易忘。要不要帮您把提醒重新打开？只在您所在地的白天发，每天最多一次。",
        (Button("恢复提醒", "恢复提醒"), Button("先不用", "先不用")),
    )


def keep_stopped() -> Reply:
    return Reply("好的，提醒先保持关闭。需要的时候随时回来找我，说“恢复提醒”就可以。")


def reminders_state(opted_out: bool, outlook: ReminderOutlook, today: date) -> Reply:
    """ "那下次还款日你也不提醒了是吧": whether reminders are off, answered as the contact rules stand; nothing changes."""
    if opted_out:
        return Reply("是的，主动还款提醒现在是关闭的，下次还款日之前我们也不会主动发消息。以后想要提醒了，在这里发送“恢复提醒”就可以。")
    if not outlook.allowed:
        return Reply("目前不会给您发提醒：" + reminder_note(outlook, today, before_each=False))
    return Reply("目前主动还款提醒是开着的，只在白天发，每天最多一次。如果不想收到，发送“停止提醒”就可以。")


def hours_after_resume() -> Reply:
    return Reply("提醒只在您所在地的白天发（早上8点到晚上9点之间，按您账户登记的时区），不会在夜里打扰您。")


def how_to_resume() -> Reply:
    """How reminders come back, asked for later: nothing changes now."""
    return Reply("以后想恢复提醒的时候，在这里发送“恢复提醒”就可以，随时都行。现在我先不动您的设置。")


def resume_contact(outlook: ReminderOutlook, today: date) -> Reply:
    if outlook.allowed:
        return Reply("好的，已为您恢复还款提醒。提醒只会在白天发送，而且每天最多一次。")
    if outlook.reason == "crisis_pause" and outlook.until:
        return Reply(
            f"好的，已为您打开提醒。为了让您安心，到{format_date_with_year(outlook.until, today)}之前我们仍不会主动联系；"
            "之后提醒会在白天发送，每天最多一次。"
        )
    if outlook.reason == "dispute_open":
        return Reply("好的，已为您打开提醒。不过您对欠款的异议还在核实中，核实清楚之前我们不会发还款提醒。")
    return Reply("好的，已为您打开提醒。" + reminder_note(outlook, today))


def ask_follow_date() -> Reply:
    return Reply("您打算哪一天还呢？比如“15号”“下周五”或“月底”。")


def ask_payday() -> Reply:
    return Reply("好的。您一般每月几号发工资呢？告诉我具体的日子，比如“10号”。")


def promise_noted(day: date, today: date, outlook: ReminderOutlook) -> Reply:
    if outlook.allowed:
        return Reply(f"好的，记下了：您打算在{format_date_with_year(day, today)}还款。需要我在那天上午提醒您一次吗？", (YES, NO))
    return Reply(f"好的，记下了：您打算在{format_date_with_year(day, today)}还款。" + reminder_note(outlook, today, before_each=False))


def promise_stands(day: date, today: date, *, plan_refused: bool) -> Reply:
    """The day promised, said again ("1月10号我把剩下的全部还了") or with installments refused ("分期我不要")."""
    if plan_refused:
        return Reply(f"好的，不分期。您说的{format_date_with_year(day, today)}一次还清，我已经记下了，到时候直接在App里还款就可以。")
    return Reply(f"已经记下了：您打算在{format_date_with_year(day, today)}还款。到时候直接在App里还款就可以，有变化随时告诉我。")


def follow_up_scheduled(day: date, today: date) -> Reply:
    return Reply(f"好的，我会在{format_date_with_year(day, today)}上午提醒您一次。")


def reminder_too_late(day: date, today: date) -> Reply:
    """The day's reminder time (10:00) has already passed: say so instead of promising one."""
    when = "今天" if day == today else format_date_with_year(day, today)
    return Reply(f"{when}上午的提醒时间已经过了，我就不另外发提醒了。到时候直接在App里还款就可以，有问题随时来找我。")


def no_reminder() -> Reply:
    return Reply("好的，不设提醒。有需要随时告诉我。")


def reminder_not_possible(outlook: ReminderOutlook, today: date) -> Reply:
    return Reply("这次没法为您设置提醒：" + reminder_note(outlook, today, before_each=False))


def dispute_opened() -> Reply:
    return Reply(
        "明白了，谢谢您告诉我。我们已经记录了您的异议，在核实清楚之前，不会再就这笔款项给您发送提醒。我现在为您转接工作人员核实，请稍等。"
    )


def dispute_added() -> Reply:
    """More about a dispute already recorded ("11月6号还的300，你记低佢"): kept with it, and what holds meanwhile."""
    return Reply(
        "您补充的情况我已经记在这次异议里了，工作人员核实时会一起看到。核实清楚之前，我们不会就这笔款项催您、也不会发提醒；"
        "核实的结果会在这里告诉您。"
    )


def dispute_withdrawn() -> Reply:
    """A dispute taken back: said plainly, and what can come next."""
    return Reply(
        "好的，明白了：您确认这笔欠款没有问题，这次的异议我已经撤回，工作人员那边也能看到。"
        "如果想商量一个负担得起的还款安排，我们现在就可以继续。"
    )


def wrong_person() -> Reply:
    return Reply("非常抱歉打扰您了。我们会把这个联系方式标记为错误，之后不会再向您发送消息。祝您生活愉快。")


def request_human() -> Reply:
    return Reply("好的，我已经为您申请转接人工客服。工作人员接入后会在这里和您对话，请稍等；在这之前，您发的消息他们都能看到。")


def complaint() -> Reply:
    return Reply("非常抱歉给您带来了不好的感受。您的意见我已经记录下来，并为您优先转接工作人员处理，请稍等。")


def complaint_added() -> Reply:
    """More said about a complaint while the person is on the way."""
    return Reply("您补充的情况我都记下了，处理投诉的工作人员接入后会看到您说的每一句，不需要再重复。给您带来这样的经历，真的很抱歉。")


def handback() -> Reply:
    return Reply("工作人员已将对话交回给我。还有什么我可以帮您的吗？", (PERSON,))


def no_date_yet() -> Reply:
    return Reply("没关系，日子定不下来也可以。等您确定了随时告诉我就好。")
