"""Turns and safety at the hub: crisis first, someone else typing, an assistant that fails, and waiting for a person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hub.client import Api, later, utc_now
from kuanxian.safety import assess_distress
from kuanxian.safety.distress import crisis_probability
from kuanxian.safety.identity import assess_speaker

CRISIS = "我真的撑不下去了，想从楼上跳下去，一了百了"
CRISIS_AGAIN = "活着没意思，我准备今晚吃安眠药结束这一切"
SAVED = "消息已保存"
# Account detail a third party must never see: any number at all (amounts, dates, counts), or money words.
DETAIL = re.compile(r"[0-9０-９一二三四五六七八九十百千万]+\s*(?:元|块|期|天|号|日|月)|\d|余额|逾期|欠款")


async def test_a_crisis_gets_crisis_lines_at_once_and_an_urgent_person(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send(CRISIS))

    assert answers and all(m["sender_type"] == "system" for m in answers), answers
    said = "\n".join(m["text"] for m in answers)
    assert "12356" in said and "结束自己的生命" in said
    assert "110" in said, "emergency numbers for Asia/Shanghai"
    assert not any(word in said for word in ("还款", "欠", "元", "逾期")), "crisis texts never mention the debt"

    demo = await api.console("demo")
    entry = await demo.queued(widget.conversation_id)
    assert (entry["status"], entry["priority"], entry["reason"]) == ("waiting_for_collector", "urgent", "crisis")
    assert (await demo.queue())[0]["priority"] == "urgent", "crisis goes to the top of the queue"

    flags = (await api.account_of(widget.borrower_id))["flags"]
    assert flags["crisis_pause_until"] is not None
    reminder = await api.admin_post(
        "/reminders", {"borrower_id": widget.borrower_id, "kind": "upcoming_due", "send_at": later(hours=2).isoformat()}
    )
    assert reminder.status_code == 201 and (reminder.json()["status"], reminder.json()["reason"]) == ("suppressed", "crisis_pause")


async def test_a_crisis_while_a_collector_holds_the_conversation_still_gets_crisis_lines(api: Api) -> None:
    widget = await api.widget()
    await api.waiting_for_person(widget)
    demo = await api.console("demo")
    assert (await demo.claim(widget.conversation_id)).status_code == 200

    answers = await widget.answers_after(await widget.send(CRISIS_AGAIN))
    assert any("12356" in m["text"] for m in answers), answers
    entry = await demo.queued(widget.conversation_id)
    assert (entry["status"], entry["collector_id"], entry["priority"], entry["reason"]) == (
        "with_collector",
        demo.collector_id,
        "urgent",
        "crisis",
    )


async def test_a_plain_no_to_the_direct_question_is_thanked_and_the_assistant_answers_again(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))

    no = await widget.answers_after(await widget.send("没有没有，我没这么想"))
    assert [m["sender_type"] for m in no] == ["system"] and "工作人员还是会来看看你" in no[0]["text"], no

    question = await widget.answers_after(await widget.send("那我现在一共还欠多少"))
    assert any(m["sender_type"] == "bot" for m in question), "the assistant answers again while the person is on the way"
    demo = await api.console("demo")
    entry = await demo.queued(widget.conversation_id)
    assert (entry["status"], entry["priority"], entry["reason"]) == ("waiting_for_collector", "urgent", "crisis"), "a person still comes"

    again = await widget.answers_after(await widget.send(CRISIS_AGAIN))
    assert again and all(m["sender_type"] == "system" for m in again), "crisis again: the assistant stays out"


async def test_while_a_person_is_on_the_way_in_a_crisis_every_message_is_answered(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))

    yes = await widget.answers_after(await widget.send("有时候是想过，不想活了"))
    assert len(yes) == 1 and "勇气" in yes[0]["text"] and "110 或 120" in yes[0]["text"], yes
    again = await widget.answers_after(await widget.send("是"))
    assert "勇气" not in again[0]["text"], "heard once; then a supportive line, not the same words"

    said = []
    for text in ("还在", "在车里", "嗯"):
        answer = await widget.answers_after(await widget.send(text))
        assert [m["sender_type"] for m in answer] == ["system"], (text, answer)
        said.append(answer[0]["text"])
    assert len(set(said)) == 3, f"not the same line again and again: {said}"

    wait = await widget.answers_after(await widget.send("人呢"))
    assert re.search(r"预计大约\d+分钟|值班时间", wait[0]["text"]), wait


async def test_a_bare_no_gets_the_question_about_the_loan_that_prompted_the_direct_one_answered(api: Api) -> None:
    widget = await api.widget()
    first = await widget.answers_after(await widget.send("等还完这期，我也就不用再撑了对吧？"))
    assert any("结束自己的生命" in m["text"] for m in first), "read as a crisis by the model (no crisis word in it)"

    no = await widget.answers_after(await widget.send("没有"))
    kinds = [m["sender_type"] for m in no]
    assert kinds[0] == "system" and "工作人员还是会来看看你" in no[0]["text"], no
    assert "bot" in kinds, "the question the direct one interrupted is answered, not left hanging"
    assert not any("12356" in m["text"] for m in no), "not the crisis texts again"
    entry = await (await api.console("demo")).queued(widget.conversation_id)
    assert (entry["status"], entry["reason"]) == ("waiting_for_collector", "crisis"), "a person still comes"


async def test_a_bare_no_gets_the_yes_the_direct_question_interrupted_taken(api: Api) -> None:
    widget = await api.widget()
    first = await widget.answers_after(await widget.send("好，就这样吧，以后不用再麻烦你们了"))
    assert any("结束自己的生命" in m["text"] for m in first), "read as a crisis by the model (no crisis word in it)"
    no = await widget.answers_after(await widget.send("没有啊"))
    assert [m["sender_type"] for m in no][:1] == ["system"] and "bot" in [m["sender_type"] for m in no], no


@pytest.mark.parametrize(
    "no",
    ["没有的，我没有想结束生命，就是太累了。谢谢你问", "啥子哦？？我好得很 想啥子结束生命 我问的是钱还清了没得"],
)
async def test_a_no_that_names_what_was_asked_is_a_no(api: Api, no: str) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))
    answer = await widget.answers_after(await widget.send(no))
    assert "工作人员还是会来看看你" in answer[0]["text"], answer


async def test_a_no_that_points_back_answers_the_question_not_its_own_words(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("等还完这期，我也就不用再撑了对吧？"))
    answer = await widget.answers_after(await widget.send("没得危险！！我说清楚 我没得任何想不开的 就是问还款 你搞错了"))
    assert "工作人员还是会来看看你" in answer[0]["text"], answer
    told = [m["text"] for m in answer if m["sender_type"] == "bot"]
    # (The scripted brain echoes what it is given; the echo of the question itself is held back by the guard.)
    assert told and "没得危险" not in told[0], "the question asked is answered, not the no's own words ('你搞错了': no dispute)"


async def test_a_bare_no_after_a_message_with_a_crisis_word_answers_nothing_more(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("我走了以后这笔钱家里人要还吗"))
    no = await widget.answers_after(await widget.send("没有"))
    assert [m["sender_type"] for m in no] == ["system"], "a person reads that question, not the assistant"


async def test_while_a_person_is_on_the_way_the_money_can_wait_and_a_safe_person_is_not_asked_again(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))
    await widget.answers_after(await widget.send("有时候是想过，不想活了"))

    money = await widget.answers_after(await widget.send("那两个月缓期算是定下来了吗"))
    assert len(money) == 1 and "不会催你" in money[0]["text"], money
    safe = await widget.answers_after(await widget.send("现在安全的，没有伤到自己，放心"))
    assert "？" not in safe[0]["text"], f"not asked again right after saying so: {safe}"
    wait = await widget.answers_after(await widget.send("你们的人要等多久啊？"))
    text = wait[0]["text"]
    # Within the collectors' hours: first in the queue, and the lines meanwhile; outside them: when, and the lines.
    assert ("最优先" in text and "12356" in text) or ("值班时间" in text and "热线" in text), wait


async def test_a_no_with_a_question_in_it_gets_the_thanks_and_the_answer(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("看到这个数我想死的心都有了"))

    answers = await widget.answers_after(await widget.send("？？？不是 我就随口一说 我不想死 我好得很 我问你们会不会发网上曝光啊"))
    kinds = [m["sender_type"] for m in answers]
    assert kinds[0] == "system" and "工作人员还是会来看看你" in answers[0]["text"], answers
    assert "bot" in kinds, "the question in the same message is answered by the assistant"
    assert not any("12356" in m["text"] for m in answers), "not the crisis texts again"


async def test_a_no_that_still_sounds_hopeless_is_not_taken_as_a_no(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))

    answers = await widget.answers_after(await widget.send("没有，就是觉得活着没什么意思了"))
    assert not any(m["sender_type"] == "bot" or "工作人员还是会来看看你" in m["text"] for m in answers), answers
    after = await widget.answers_after(await widget.send("那我现在一共还欠多少"))
    assert not any(m["sender_type"] == "bot" for m in after), "no answer from the assistant until a person has talked to them"


async def test_a_plain_no_with_pain_in_it_is_a_no_and_the_family_answer_only_comes_when_asked(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))

    no = await widget.answers_after(await widget.send("不是 没有 我没想死 你们想多了。我就是刚离婚 睡不好觉 烦而已"))
    assert no[0]["sender_type"] == "system" and "工作人员还是会来看看你" in no[0]["text"], "an explicit no is a no"
    assert not any("勇气" in m["text"] for m in no), "never read as a yes"

    later_ = await widget.answers_after(await widget.send("那让他们直接跟我说还款 别再问我想不想死了"))
    assert not any("家里人不用替你还" in m["text"] for m in later_), "nobody asked about the family"


async def test_a_no_after_a_means_is_named_does_not_clear_the_risk_and_the_family_question_is_answered(api: Api) -> None:
    widget = await api.widget()
    first = await widget.answers_after(await widget.send("我要是不在了 这钱是不是要我儿子还"))
    said = "\n".join(m["text"] for m in first)
    assert "结束自己的生命" in said and "家里人不用替你还" in said, first

    means = await widget.answers_after(await widget.send("棚里有瓶农药"))
    assert "放远一点" in means[0]["text"] and "勇气" in means[0]["text"], means

    alone = await widget.answers_after(await widget.send("没人"))
    assert [m["sender_type"] for m in alone] == ["system"], alone
    assert "没有这样的打算" not in alone[0]["text"], "'nobody is with me' is not a no, and a means named stays a risk"

    son = await widget.answers_after(await widget.send("会找他不"))
    assert [m["sender_type"] for m in son] == ["system"] and "家里人不用替你还" in son[0]["text"], son
    assert "本人吗" not in son[0]["text"], "never an identity check on someone a person is on the way to for a crisis"
    later_ = await widget.answers_after(await widget.send("那我还款的事呢"))
    assert not any(m["sender_type"] == "bot" for m in later_), "the assistant stays out until a person has talked to them"


async def test_someone_worried_that_a_family_member_may_harm_themselves_is_guided_not_asked_about_themselves(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send("我是她儿子 我妈晚上老哭 上周说活着太累了不想活了"))
    said = "\n".join(m["text"] for m in answers)
    assert "关心家人" in said and "12356" in said and "110" in said, answers
    assert "你是不是在想结束自己的生命" not in said, "the writer is not asked about their own life"
    assert not any(word in said for word in ("元", "逾期", "欠款", "待还", "期数")), "nothing about the account"

    demo = await api.console("demo")
    entry = await demo.queued(widget.conversation_id)
    assert (entry["priority"], entry["reason"]) == ("urgent", "crisis"), "a person comes at once"

    how = await widget.answers_after(await widget.send("我该怎么办"))
    assert [m["sender_type"] for m in how] == ["system"] and "你现在安全吗" not in how[0]["text"], how


async def test_while_a_person_is_on_the_way_for_distress_the_assistant_keeps_answering(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("最近焦虑得很 天天失眠 一看到催款短信就心慌"))
    demo = await api.console("demo")
    entry = await demo.queued(widget.conversation_id)
    assert entry is not None and entry["reason"] == "distress", entry

    answer = await widget.answers_after(await widget.send("你们能不能让我过完年再还"))
    assert any(m["sender_type"] == "bot" for m in answer), "a question gets an answer, not only 'a person will read it'"


async def test_someone_else_is_told_how_the_holder_reaches_us_and_never_the_same_refusal_twice_running(api: Api) -> None:
    widget = await api.widget()
    first = await widget.answers_after(await widget.send("我是她妈妈，她住院了手机在我这，她欠你们多少钱"))
    assert "账户本人" in first[0]["text"] and "他本人" not in first[0]["text"]

    refusals = []
    for text in ("那你就告诉我她哪天要还", "她是不是已经逾期了"):
        refusals.append((await widget.answers_after(await widget.send(text)))[0]["text"])
    assert refusals[0] != refusals[1], refusals

    how = await widget.answers_after(await widget.send("那她出院以后怎么联系你们？客服电话多少"))
    assert "登录贷款App" in how[0]["text"] and not DETAIL.search(how[0]["text"])
    bye = await widget.answers_after(await widget.send("行，麻烦你们了，谢谢"))
    assert "顺利" in bye[0]["text"], bye


@pytest.mark.parametrize(
    "who", ["我是他妈妈，他到底欠你们多少钱", "我是他姐姐，我弟弟到底欠了多少？", "他手机在我这儿，我是他老婆，想问问他还差多少钱没还"]
)
async def test_someone_else_typing_learns_nothing_and_changes_nothing(api: Api, who: str) -> None:
    widget = await api.widget()
    opted = await widget.send("不要再发了")
    assert (await widget.answers_after(opted))[0]["sender_type"] == "bot"
    assert (await api.account_of(widget.borrower_id))["flags"]["opted_out"] is True

    identified = await widget.send(who)
    for text in ("分12期", "确认", "不是我的，你们搞错了吧", "他到底还欠多少钱？逾期几天了？什么时候要还？", "恢复提醒"):
        await widget.send(text)
    messages = await widget.settled()

    told = [m for m in messages if m["seq"] > identified and m["sender_type"] != "borrower"]
    assert len(told) >= 5, "every message got an answer"
    for m in told:
        assert not DETAIL.search(m["text"]), f"account detail shown to someone else: {m['text']}"
        assert "收到：" not in m["text"], "the assistant was not consulted"
    assert "隐私" in told[0]["text"] or "本人" in told[0]["text"]

    account = await api.account_of(widget.borrower_id)
    assert account["plans"] == [] and account["promises"] == []
    assert account["disputes"]["open"] is False
    assert account["flags"]["opted_out"] is False, "what they typed before saying who they are is undone"
    assert account["balance"] == "12000.00"
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "third_party"
    assert [(c["command"], c["reverted"]) for c in context["account_changes"]] == [("opt_out", True)]


# Borrowers in independent conversation scripts (c6) whom the speaker model alone doubted.
DOUBTED = ["你好 我是王桂芳 我想问问我这个贷款 现在还差多少", "那你帮我问问你们管事的人 能不能多宽限些日子"]


@pytest.mark.parametrize("text", DOUBTED)
async def test_a_doubt_about_who_is_writing_is_asked_about_and_a_yes_gets_the_question_answered(api: Api, text: str) -> None:
    found = assess_speaker(text)
    assert found.third_party and found.unsure, f"the speaker model no longer doubts this text ({found}); choose another example"
    widget = await api.widget()
    [asked] = await widget.answers_after(await widget.send(text))
    assert asked["sender_type"] == "system" and "本人" in asked["text"]
    assert [b["title"] for b in asked["buttons"]] == ["我是本人", "我不是本人"]
    assert not DETAIL.search(asked["text"]), "nothing about the account before the answer"

    answers = await widget.answers_after(await widget.send("我是本人"))
    assert [m["text"] for m in answers] == [f"收到：{text}"], "after a yes the assistant answers what was asked"
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "holder"


async def test_a_stranger_the_speaker_model_misses_is_asked_before_anything_about_the_account(api: Api) -> None:
    text = "？？这啥 我手机刚买的二手的 咋老弹这个"
    assert not assess_speaker(text).third_party, "the speaker model now flags this text; choose another example"
    widget = await api.widget()
    [asked] = await widget.answers_after(await widget.send(text))
    assert "本人" in asked["text"] and not DETAIL.search(asked["text"])
    answers = await widget.answers_after(await widget.send("不是，不认识这个人"))
    assert answers and not any(DETAIL.search(m["text"]) for m in answers)
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["wrong_contact"] is True, "a stranger's phone gets no more messages"


async def test_a_no_to_the_question_is_someone_else_and_learns_nothing(api: Api) -> None:
    widget = await api.widget()
    [asked] = await widget.answers_after(await widget.send(DOUBTED[1]))
    assert "本人" in asked["text"]
    answers = await widget.answers_after(await widget.send("我不是本人，我是他邻居"))
    assert len(answers) == 1 and "隐私" in answers[0]["text"]
    after = await widget.answers_after(await widget.send("他还欠多少钱？"))
    assert after and not any(DETAIL.search(m["text"]) for m in after)
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "third_party"


@pytest.mark.parametrize("command", ["!silent", "!fail"])
async def test_an_assistant_that_says_nothing_or_is_down_gets_an_honest_notice_and_a_person_once(api: Api, command: str) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send(command))
    assert [m["sender_type"] for m in answers] == ["system"]
    assert SAVED in answers[0]["text"]

    demo = await api.console("demo")
    entry = await demo.queued(widget.conversation_id)
    assert (entry["status"], entry["reason"]) == ("waiting_for_collector", "assistant_unavailable")

    for _ in range(3):
        await widget.send(command)
    messages = await widget.settled()
    assert sum(SAVED in m["text"] for m in messages) == 1
    assert [m["sender_type"] for m in messages].count("system") == 1, "no acknowledgment right after the notice"
    handoffs = await api.db.scalar("SELECT COUNT(*) FROM handoffs WHERE conversation_id = :cid", cid=widget.conversation_id)
    assert handoffs == 1


async def test_asked_how_long_the_wait_is_the_borrower_is_told_even_right_after_an_acknowledgment(api: Api) -> None:
    widget = await api.widget()
    await api.waiting_for_person(widget)
    await widget.settled()

    first = await widget.answers_after(await widget.send("要等多久啊？我下午还有事"))
    second = await widget.answers_after(await widget.send("人呢"))
    for answer in (first, second):
        assert [m["sender_type"] for m in answer] == ["system"], answer
        assert re.search(r"预计大约\d+分钟|值班时间", answer[0]["text"]), answer[0]["text"]


async def test_while_waiting_for_a_person_messages_are_acknowledged_at_most_once_every_few_minutes(api: Api) -> None:
    widget = await api.widget()
    notice = await widget.answers_after(await widget.send("!fail"))  # the assistant is down: a person is asked for
    assert SAVED in notice[0]["text"]
    since = notice[-1]["seq"]

    for _ in range(2):
        await widget.send("!fail")  # still down
    messages = await widget.settled()
    assert [m["sender_type"] for m in messages if m["seq"] > since] == ["borrower", "borrower"], (
        "the notice a moment ago was the acknowledgment: no flood"
    )

    moved = await api.db.update("conversations", {"id": widget.conversation_id}, acknowledged_at=utc_now() - timedelta(seconds=181))
    assert moved == 1  # three minutes pass
    acknowledged = await widget.answers_after(await widget.send("!fail"))
    assert [m["sender_type"] for m in acknowledged] == ["system"], acknowledged
    assert acknowledged[0]["text"].startswith("已收到"), acknowledged[0]["text"]
    assert await widget.answers_after(await widget.send("!fail")) == [], "once per interval"

    back = await widget.answers_after(await widget.send("我还欠多少"))
    assert [m["sender_type"] for m in back] == ["bot"], "the assistant is back: it answers while the person is awaited"

    demo = await api.console("demo")
    assert (await demo.claim(widget.conversation_id)).status_code == 200
    await api.db.update("conversations", {"id": widget.conversation_id}, acknowledged_at=utc_now() - timedelta(seconds=600))
    with_person = await widget.answers_after(await widget.send("您好"))
    assert with_person == [], "with a person in the conversation, the person answers"


async def test_a_second_hand_phone_then_not_knowing_the_holder_is_a_stranger_who_gets_no_more_messages(api: Api) -> None:
    widget = await api.widget()
    [asked] = await widget.answers_after(await widget.send("你好 这个手机是我在县城手机店买的二手的 一直跳出来说欠钱"))
    assert "本人" in asked["text"]
    answers = await widget.answers_after(await widget.send("上面那个人我不认识 我也不姓那个"))
    assert answers and not any(DETAIL.search(m["text"]) for m in answers)
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["wrong_contact"] is True


async def test_after_a_second_hand_phone_anything_but_a_yes_gets_nothing_about_the_account(api: Api) -> None:
    widget = await api.widget()
    [asked] = await widget.answers_after(await widget.send("呢部电话系我喺二手店买返嚟嘅，成日弹个app出嚟"))
    assert "本人" in asked["text"]
    # Neither a yes nor a no, then a question whose answer would carry the balance.
    answers = await widget.answers_after(await widget.send("我边识呢个人啊"))
    answers += await widget.answers_after(await widget.send("点样还钱？"))
    assert answers and not any(DETAIL.search(m["text"]) for m in answers), answers
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "third_party"
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["wrong_contact"] is True


async def test_a_holder_who_fears_calls_to_a_son_is_not_taken_for_someone_else(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send("你们会不会打电话给我女儿 还有我以前的同事"))
    assert answers and not any("本人" in m["text"] or "隐私" in m["text"] for m in answers), answers
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "holder"


async def test_the_holder_saying_a_relative_types_for_them_is_still_the_holder(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send("你好 我是李先生本人 右手不灵便 我儿子在旁边帮我打字 是我自己要跟你们说的"))
    assert answers and not any("隐私" in m["text"] or "本人吗" in m["text"] for m in answers), answers
    await widget.answers_after(await widget.send("我上个月中风了 住了半个月院 这个月的钱还不上"))
    relayed = await widget.answers_after(await widget.send("（我是他儿子）我爸问 这三十天里面还要不要加利息"))
    assert relayed and not any("隐私" in m["text"] or "本人" in m["text"] for m in relayed), relayed
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "holder"


async def test_a_relative_passing_on_a_question_without_the_holder_saying_so_is_someone_else(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send("我是他儿子 我爸问他还欠你们多少钱"))
    assert answers and not any(DETAIL.search(m["text"]) for m in answers)
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "third_party"


async def test_a_relative_asking_what_the_holder_owes_after_another_question_is_asked_who_is_writing(api: Api) -> None:
    widget = await api.widget()
    answers = await widget.answers_after(await widget.send("你们这个通知是什么意思 我老公到底欠了你们多少？"))
    assert answers and not any(DETAIL.search(m["text"]) for m in answers), answers
    assert any("本人" in m["text"] for m in answers)
    after = await widget.answers_after(await widget.send("我是他老婆"))
    assert after and not any(DETAIL.search(m["text"]) for m in after)
    context = await (await api.console("demo")).transcript(widget.conversation_id)
    assert context["speaker"] == "third_party"


async def test_a_yes_that_comes_back_to_the_question_after_a_no_is_heard(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))
    await widget.answers_after(await widget.send("没有没有，我没这么想"))
    admitted = await widget.answers_after(await widget.send("就我一个人在家。你刚才问的那个 。。。其实是想过。"))
    assert admitted and all(m["sender_type"] == "system" for m in admitted), admitted
    assert any("勇气" in m["text"] and "110 或 120" in m["text"] for m in admitted), admitted


async def test_a_yes_word_that_goes_on_about_the_reminders_is_not_a_yes_to_the_direct_question(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))
    answer = await widget.answers_after(await widget.send("对，先全部停掉"))
    assert not any("勇气" in m["text"] for m in answer), answer


async def test_the_holder_taking_the_phone_back_is_answered_as_the_holder(api: Api) -> None:
    widget = await api.widget()
    helper = await widget.answers_after(await widget.send("您好，我是帮我奶奶打字的，她眼睛花了看不清，这是她的手机"))
    assert helper and not any(DETAIL.search(m["text"]) for m in helper), helper
    demo = await api.console("demo")
    assert (await demo.transcript(widget.conversation_id))["speaker"] == "third_party"

    back = await widget.answers_after(await widget.send("你好 我是王 刚才是我孙子打的字"))
    assert back and any(m["sender_type"] == "bot" for m in back), back
    assert (await demo.transcript(widget.conversation_id))["speaker"] == "holder"
    plan = await widget.answers_after(await widget.send("分3期"))
    assert any(m["sender_type"] == "bot" and DETAIL.search(m["text"]) for m in plan), "the holder talks about their own account again"


async def test_someone_else_then_only_saying_they_are_the_holder_is_asked_and_a_yes_counts(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("我是他儿子 我爸问他还欠你们多少钱"))
    asked = await widget.answers_after(await widget.send("我是本人"))
    assert any("本人吗" in m["text"] for m in asked) and not any(DETAIL.search(m["text"]) for m in asked), asked
    demo = await api.console("demo")
    assert (await demo.transcript(widget.conversation_id))["speaker"] == "third_party", "nothing until the answer"
    await widget.answers_after(await widget.send("是"))
    assert (await demo.transcript(widget.conversation_id))["speaker"] == "holder"


async def test_a_stranger_with_the_phone_saying_they_are_the_holder_gets_nothing(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("你好 这个手机是我在县城手机店买的二手的 一直跳出来说欠钱"))
    await widget.answers_after(await widget.send("上面那个人我不认识 我也不姓那个"))
    claimed = await widget.answers_after(await widget.send("我是本人 我欠多少"))
    assert claimed and not any(DETAIL.search(m["text"]) or "本人吗" in m["text"] for m in claimed), claimed
    assert (await (await api.console("demo")).transcript(widget.conversation_id))["speaker"] == "third_party"


async def test_after_a_plain_no_a_doubtful_model_reading_is_answered_not_met_with_the_crisis_script_again(api: Api) -> None:
    # A practical what-if question the committed model alone reads as crisis at under 0.5 (a fixture picked by
    # probing the model; the test below it keeps a real sign after the no a crisis).
    question = "那如果下个月也还不上会怎么样"
    assert assess_distress(question).signals == ("model.crisis",) and crisis_probability(question) < 0.5
    widget = await api.widget()
    await widget.answers_after(await widget.send(CRISIS))
    await widget.answers_after(await widget.send("没有没有，我没这么想"))
    answered = await widget.answers_after(await widget.send(question))
    assert any(m["sender_type"] == "bot" for m in answered), answered
    assert not any("12356" in m["text"] or "结束自己的生命" in m["text"] for m in answered), answered
    again = await widget.answers_after(await widget.send(CRISIS_AGAIN))
    assert again and all(m["sender_type"] == "system" for m in again), "a word of risk after the no is still a crisis"
