"""Reaching a person: a request, a complaint."""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import ActionOpenDispute, ActionStopContact
from actions.runtime import Context, Events, KuanxianAction, awaiting_person, command, say, text_of
from kuanxian.commands import RequestHandoff
from kuanxian.dialogue.negotiation import State, summary_details
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.replies import contact as texts


def _details(tracker: Tracker) -> dict[str, object]:
    details = summary_details(State.from_slot(tracker.get_slot("negotiation")))
    details["hardship_disclosed"] = bool(tracker.get_slot("hardship_disclosed"))
    details["hardship_type"] = tracker.get_slot("hardship_type")
    return details


_ASKS_PERSON = re.compile(r"转人工|人工|经理|管事|领导|主管|真人|拍板|说了算|找个人|找人")
_MORE_TIME = re.compile(r"宽限|缓|停.{0,3}(?:几|一|两|三|个)|延期|晚点还|多给.{0,4}时间")


_ABOUT_REMINDERS = re.compile(r"发消息|发短信|提醒|催|天天发|老发|一直发|消息轰炸")
_ONLY_JOKING = re.compile(r"开玩笑|别当真|说着玩|逗你(?:玩)?的|瞎说的|随口说说")
_ASKS_NO_MESSAGES = re.compile(r"(?:消息|短信|信息|提醒)[^。！？?]{0,6}(?:别|不要|莫|甭|停)|(?:别|不要|莫|甭)(?:再)?(?:给我)?发")
_NO_CALLS = re.compile(r"(?:别|不要|莫|甭)(?:给我|再)?打(?:电话|了)")
# A complaint a person must look at, whatever else it says: someone else contacted, threats, abuse, exposure.
SERIOUS_COMPLAINT = re.compile(r"邻居|家人|家里|父母|爸妈|同事|单位|领导|朋友|通讯录|威胁|骂|侮辱|曝光|上门|打电话给(?!我)|报警|违法|投诉")


def reason_for_person(tracker: Tracker) -> HandoffReason:
    """Why the Borrower wants a person: what this message asks a person for ("帮我问问管事的能不能多宽限些日子":
    more time), fee relief (only a person grants it), a person as such ("转人工，要经理"), or else the holiday talked about."""
    from kuanxian.dialogue import parse

    text = text_of(tracker)
    if _MORE_TIME.search(text):
        return HandoffReason.DEFERRAL
    topic = tracker.get_slot("topic")
    if parse.asks_fee_relief(text) or topic == "fee_relief":
        return HandoffReason.FEE_RELIEF  # only a person can grant it
    if _ASKS_PERSON.search(text):
        return HandoffReason.REQUEST_HUMAN
    if topic == "deferral" or State.from_slot(tracker.get_slot("negotiation")).holiday_days:
        return HandoffReason.DEFERRAL
    return HandoffReason.REQUEST_HUMAN


class ActionRequestHuman(KuanxianAction):
    needs_borrower = False

    def name(self) -> str:
        return "action_request_human"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from kuanxian.dialogue import parse

        if context is not None and parse.says_dispute(text_of(tracker)) and not context.borrower.flags.dispute_open:
            # "那我要找真人 把这个搞清楚 多出来的150我不认": the debt questioned, recorded, and a person for the dispute.
            return await ActionOpenDispute().act_for(dispatcher, tracker, context)
        say(dispatcher, texts.request_human())
        command(
            dispatcher,
            RequestHandoff(reason_for_person(tracker), Priority.NORMAL, text_of(tracker)[:200] or "借款人要求人工服务", _details(tracker)),
        )
        return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]


class ActionHandleComplaint(KuanxianAction):
    needs_borrower = False

    def name(self) -> str:
        return "action_handle_complaint"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        from kuanxian.dialogue import parse

        text = text_of(tracker)
        if context is not None and _ONLY_JOKING.search(text) and not SERIOUS_COMPLAINT.search(text):
            # "开玩笑的老弟 别当真啊 我好着呢 别给我整那些热线": a dark joke taken back, no complaint to hand on; the matter in
            # hand goes on.
            from actions.session import resume_negotiation
            from kuanxian.replies import account as account_texts

            say(dispatcher, account_texts.back_to_business())
            return resume_negotiation(dispatcher, tracker, context)
        if context is not None and parse.says_stop(text) and _ASKS_NO_MESSAGES.search(text) and not SERIOUS_COMPLAINT.search(text):
            # "你们这个消息能不能别发了，我孙子天天拿我手机耍": the messages stopped, as asked (not a complaint to hand on).
            return await ActionStopContact().act_for(dispatcher, tracker, context)
        if _NO_CALLS.search(text) and not SERIOUS_COMPLAINT.search(text):
            # "好 就这样 别打电话 宝宝睡觉": we never call; said so, no complaint handed on.
            say(dispatcher, texts.no_calls())
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        if context is not None and _ABOUT_REMINDERS.search(text) and not SERIOUS_COMPLAINT.search(text):
            # "你们天天发消息烦不烦啊？？…有完没完": too many reminders; offered to stop them, and a person, not sent one unasked.
            say(dispatcher, texts.reminders_too_many())
            return [SlotSet("pending_offer", "transfer_offer"), SlotSet("misunderstood", 0.0)]
        if awaiting_person(tracker):
            # A person is already on the way: what is added reaches them with the conversation, not as another request.
            say(dispatcher, texts.complaint_added())
            return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
        say(dispatcher, texts.complaint())
        command(
            dispatcher, RequestHandoff(HandoffReason.COMPLAINT, Priority.HIGH, text_of(tracker)[:200] or "借款人投诉", _details(tracker))
        )
        return [SlotSet("pending_offer", None), SlotSet("misunderstood", 0.0)]
