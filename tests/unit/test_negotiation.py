"""The negotiation listens: scenarios as turns (intent, text) against the demo account demo-001
(owes 12,000; at least 300 a month; at most 24 months; a holiday of up to 60 days and an interest
freeze with a hardship), asserting what the Borrower would notice."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

import pytest

from kuanxian.commands import AgreePlan, RequestHandoff, parse_command, to_json_message
from kuanxian.dates import Frequency
from kuanxian.demo import DEMO_BORROWERS
from kuanxian.dialogue.negotiation import (
    HOLIDAY_QUESTIONS,
    MAX_ASKS,
    MAX_OFFERS,
    Account,
    Said,
    State,
    Step,
    agree_command,
    resume,
    start_income_check,
    step,
)
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.plan import PaymentPlan
from kuanxian.hub.commands import plan_from_terms
from kuanxian.plans import PlanError
from kuanxian.replies import plans as texts
from kuanxian.replies.plans import ReminderOutlook
from kuanxian.safety import review_message

BORROWER = DEMO_BORROWERS[0]
TODAY = date(2025, 1, 15)


def account(*, hardship: bool = False, today: date = TODAY, balance: Optional[Decimal] = None) -> Account:
    return Account(BORROWER.balance if balance is None else balance, BORROWER.policy, today, hardship, ReminderOutlook(True))


@dataclass
class Talk:
    """One negotiation driven the way the actions drive it: `say` is action_negotiate / action_inform,
    `yes` is action_handle_affirm for what is pending, `disclose` is the hardship consent coming back."""

    hardship: bool = False
    today: date = TODAY
    state: State = field(default_factory=State)
    steps: list[Step] = field(default_factory=list)

    @property
    def account(self) -> Account:
        return account(hardship=self.hardship, today=self.today)

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def _take(self, result: Step) -> Step:
        self.steps.append(result)
        self.state = result.state
        return result

    def say(self, intent: str, text: str) -> Step:
        return self._take(step(self.state, Said(intent, text), self.account))

    def inform(self, text: str) -> Step:
        return self.say("inform", text)

    def yes_to_income_questions(self) -> Step:
        assert self.last.pending == "ie_consent", "the income questions are asked only with consent"
        return self._take(start_income_check(self.state))

    def disclose_hardship(self) -> Step:
        """The Borrower told us of a hardship and agreed to its record: the holiday asked before is taken up again."""
        self.hardship = True
        return self.say("request_deferral", "")

    def agreed(self) -> AgreePlan:
        assert self.last.pending == "plan_confirm" and self.state.draft
        return agree_command(self.state.draft)

    def offered_plan(self) -> PaymentPlan:
        """What the hub would store for a "yes" now (it also proves the hub accepts the terms)."""
        return plan_from_terms(BORROWER, self.agreed(), self.today)

    def replies(self) -> list[str]:
        return [s.reply.text for s in self.steps]

    def offers(self) -> list[tuple[str, int, str]]:
        return [
            (s.state.draft["amount"], s.state.draft["count"], s.state.draft["first_date"])
            for s in self.steps
            if s.pending == "plan_confirm" and s.state.draft
        ]


def assert_humane(talk: Talk) -> None:
    """What must hold in every conversation, whatever was said."""
    offers = Counter(talk.offers())
    assert all(n <= MAX_OFFERS for n in offers.values()), f"an offer was repeated: {offers}"
    for s in talk.steps:
        assert s.state.asked_times <= MAX_ASKS, f"{s.state.asked} asked {s.state.asked_times} times in a row"
        review = review_message(s.reply.text)
        assert review.allowed, (s.reply.text, [v.rule_id for v in review.violations])
        json.dumps(s.state.to_slot())  # the slot stays plain JSON
    texts_ = talk.replies()
    for a, b, c in zip(texts_, texts_[1:], texts_[2:], strict=False):
        assert not a == b == c, f"the same reply three times in a row: {a}"


def dates_of(plan: PaymentPlan) -> list[date]:
    return [i.due for i in plan.installments]


# ------------------------------------------------------------------- holidays --


HOLIDAY_ASK = "能不能先缓两个月，等我找到活了再分期"


def test_a_holiday_without_a_hardship_asks_about_the_hardship_not_for_two_installments() -> None:
    talk = Talk()
    said = talk.say("request_deferral", HOLIDAY_ASK)
    assert said.reply == texts.holiday_needs_hardship(60)
    assert "遇到了什么情况" in said.reply.text and "最长60天" in said.reply.text
    assert said.commands == () and said.pending is None and talk.state.draft is None
    assert talk.state.count is None and talk.state.amount is None and talk.state.holiday_days == 60
    assert "2期" not in said.reply.text and "两期" not in said.reply.text
    assert_humane(talk)


def test_the_hardship_told_the_holiday_is_granted_and_then_the_terms_are_asked() -> None:
    talk = Talk()
    talk.say("request_deferral", HOLIDAY_ASK)
    granted = talk.disclose_hardship()
    assert granted.reply == texts.holiday_granted(60, 24)
    assert "暂缓60天" in granted.reply.text and talk.state.asked == "terms"
    assert granted.commands == () and talk.state.draft is None
    offer = talk.inform("分12期")
    plan = talk.offered_plan()
    assert plan.first_date == date(2025, 3, 16)  # sixty days from today
    assert plan.count == 12 and plan.regular_amount == Decimal("1000.00") and plan.interest_frozen
    assert talk.agreed() == AgreePlan(Decimal("1000.00"), 12, Frequency.MONTHLY, date(2025, 3, 16), 60, True)
    assert texts.describe(plan, TODAY) in offer.reply.text
    assert_humane(talk)


def test_with_a_hardship_already_known_a_holiday_in_policy_is_granted_at_once() -> None:
    talk = Talk(hardship=True)
    said = talk.say("request_deferral", HOLIDAY_ASK)
    assert said.reply == texts.holiday_granted(60, 24)
    assert said.pending is None and said.commands == () and talk.state.draft is None
    assert "2期" not in said.reply.text
    assert_humane(talk)


def test_a_four_month_holiday_goes_to_a_person_with_the_request_recorded() -> None:
    talk = Talk(hardship=True)
    said = talk.say("request_deferral", "能不能缓四个月")
    assert said.reply == texts.holiday_beyond_policy(120, 60)
    assert "120天" in said.reply.text and "60天" in said.reply.text
    (command,) = said.commands
    assert isinstance(command, RequestHandoff)
    assert (command.reason, command.priority) == (HandoffReason.DEFERRAL, Priority.NORMAL)
    assert "120" in command.summary and "60" in command.summary
    assert command.details["requested_holiday_days"] == 120
    assert command.details["allowed_holiday_days"] == 60
    assert command.details["requested"]["holiday_days"] == 120  # the collector sees what was asked, not what is allowed
    assert parse_command(json.loads(json.dumps(to_json_message(command)))) == command
    # Waiting for the person, the 60 days policy allows can be taken ("先按60天安排").
    assert talk.state.holiday_days == 60
    taken = talk.say("request_deferral", "")
    assert taken.reply == texts.holiday_granted(60, 24, at_limit=True) and taken.commands == ()
    assert "最长" in taken.reply.text and not taken.reply.text.startswith("可以的"), "the limit, not a yes to 120 days"
    assert_humane(talk)


def test_a_four_month_holiday_asks_about_the_hardship_first_then_goes_to_a_person() -> None:
    talk = Talk()
    asked = talk.say("request_deferral", "能不能缓四个月")
    assert asked.reply == texts.holiday_needs_hardship(60) and asked.commands == ()
    handed = talk.disclose_hardship()
    (command,) = handed.commands
    assert isinstance(command, RequestHandoff) and command.reason is HandoffReason.DEFERRAL
    assert command.details["requested_holiday_days"] == 120
    assert_humane(talk)


def test_until_a_named_month_is_a_holiday_to_its_first_day_within_policy() -> None:
    talk = Talk(hardship=True)
    said = talk.say("request_deferral", "能不能等到3月再开始还")
    assert said.commands == ()  # 45 days: no person needed
    assert said.reply == texts.holiday_granted(45, 24)
    talk.inform("每月800")
    assert talk.offered_plan().first_date == date(2025, 3, 1)
    assert_humane(talk)


def test_the_hardship_question_is_not_asked_a_third_time_in_a_row() -> None:
    talk = Talk()
    talk.say("request_deferral", "能不能先缓两个月")
    second = talk.inform("就是想缓一缓")
    assert second.reply == texts.holiday_needs_hardship(60)
    third = talk.inform("就是想缓一缓")
    assert third.reply != texts.holiday_needs_hardship(60)
    assert third.pending == "transfer_offer" and third.commands == ()
    assert "工作人员" in third.reply.text
    assert_humane(talk)


def test_after_the_person_is_offered_a_figure_gets_a_plan_without_the_holiday() -> None:
    """The offer of a person says "or tell me a monthly figure": a figure then is a plan, not the question again."""
    talk = Talk()
    talk.say("request_deferral", "能不能先缓两个月")
    talk.inform("就是想缓一缓")
    talk.inform("就是想缓一缓")
    assert talk.last.reply == texts.holiday_needs_a_person()
    offer = talk.inform("每月800")
    assert offer.pending == "plan_confirm" and talk.state.holiday_days == 0
    assert (talk.offered_plan().regular_amount, talk.offered_plan().first_date) == (Decimal("800.00"), date(2025, 2, 15))
    assert_humane(talk)


def test_a_hardship_told_after_the_person_is_offered_still_gets_the_holiday() -> None:
    talk = Talk()
    talk.say("request_deferral", "能不能先缓两个月")
    talk.inform("就是想缓一缓")
    talk.inform("就是想缓一缓")
    assert talk.state.asked in HOLIDAY_QUESTIONS  # what the hardship action looks for to take the holiday up again
    assert talk.disclose_hardship().reply == texts.holiday_granted(60, 24)
    assert_humane(talk)


def test_answering_the_hardship_question_with_terms_gets_a_plan() -> None:
    talk = Talk()
    talk.say("request_deferral", "能不能先缓两个月")
    offer = talk.inform("那就分12期吧")
    assert offer.pending == "plan_confirm"
    plan = talk.offered_plan()
    assert plan.count == 12 and not plan.interest_frozen
    assert talk.agreed().holiday_days == 0 and not talk.agreed().hardship  # no holiday was granted
    assert_humane(talk)


# ---------------------------------------------------------------------- dates --


def test_every_month_on_the_10th_is_honoured() -> None:
    talk = Talk()
    offer = talk.say("request_installment", "分12期，每个月10号扣")
    plan = talk.offered_plan()
    assert all(d.day == 10 for d in dates_of(plan)) and plan.first_date == date(2025, 2, 10)
    assert texts.describe(plan, TODAY) in offer.reply.text and "晚了一点" not in offer.reply.text
    assert_humane(talk)


def test_a_day_of_the_month_named_after_the_offer_moves_the_plan_to_it() -> None:
    talk = Talk()
    talk.say("request_installment", "分12期")
    assert talk.offered_plan().first_date == date(2025, 2, 15)
    talk.inform("每个月10号扣")
    plan = talk.offered_plan()
    assert all(d.day == 10 for d in dates_of(plan)) and plan.count == 12
    assert_humane(talk)


def test_a_day_of_the_month_too_close_for_a_weeks_notice_is_still_honoured_within_policy() -> None:
    """On 27 January, the 2nd of March is past the latest first date (28 February): the 2nd of February is not."""
    talk = Talk(today=date(2025, 1, 27))
    talk.say("request_installment", "分12期")
    talk.inform("每个月2号扣")
    plan = talk.offered_plan()
    assert all(d.day == 2 for d in dates_of(plan)), dates_of(plan)
    assert plan.first_date == date(2025, 2, 2)
    assert_humane(talk)


def test_a_day_of_the_month_after_a_holiday_starts_after_the_holiday() -> None:
    talk = Talk(hardship=True)
    talk.say("request_deferral", "先缓两个月")
    talk.inform("分12期，每个月10号扣")
    plan = talk.offered_plan()
    assert plan.first_date == date(2025, 4, 10) and all(d.day == 10 for d in dates_of(plan))
    assert_humane(talk)


def test_a_first_date_in_policy_is_honoured() -> None:
    talk = Talk()
    talk.say("request_installment", "分12期")
    offer = talk.inform("第一期放在1月25号")
    plan = talk.offered_plan()
    assert plan.first_date == date(2025, 1, 25) and plan.count == 12
    assert "晚了一点" not in offer.reply.text
    assert_humane(talk)


def test_a_first_date_beyond_policy_is_moved_to_the_latest_allowed_and_explained() -> None:
    talk = Talk()
    talk.say("request_installment", "分12期")
    offer = talk.inform("第一期放在3月25号")
    plan = talk.offered_plan()
    assert plan.first_date == date(2025, 2, 28)
    assert offer.reply.text.startswith(texts.date_adjusted(date(2025, 3, 25), date(2025, 2, 28), TODAY))
    assert "3月25日" in offer.reply.text and "2月28日" in offer.reply.text
    assert_humane(talk)


# -------------------------------------------------------------- no repeating --


def test_counter_proposals_are_heard_and_no_offer_is_made_a_third_time() -> None:
    talk = Talk()
    talk.say("propose_installment", "每月1075")
    assert talk.offered_plan().regular_amount == Decimal("1075.00")
    lower = talk.say("cant_afford", "1075太多了… 600行不行")
    assert lower.pending == "plan_confirm"  # they named a figure: it is heard, not questioned
    assert talk.offered_plan().regular_amount == Decimal("600.00") and talk.offered_plan().count == 20
    talk.inform("800呢")
    assert (talk.offered_plan().regular_amount, talk.offered_plan().count) == (Decimal("800.00"), 15)
    first = talk.inform("36期呢")
    assert "24个月" in first.reply.text  # why 36 cannot be: the longest term
    assert (talk.offered_plan().regular_amount, talk.offered_plan().count) == (Decimal("500.00"), 24)
    talk.inform("36期呢")
    assert (talk.offered_plan().regular_amount, talk.offered_plan().count) == (Decimal("500.00"), 24)
    third = talk.inform("36期呢")
    assert third.pending == "transfer_offer" and talk.state.draft is None
    assert "共24期" not in third.reply.text
    again = talk.inform("800呢")
    assert again.pending == "plan_confirm"  # the second time for 800 is still allowed
    once_more = talk.inform("800呢")
    assert once_more.pending == "transfer_offer" and "共15期" not in once_more.reply.text
    assert Counter(talk.offers()) == {
        ("1075.00", 12, "2025-02-15"): 1,
        ("600.00", 20, "2025-02-15"): 1,
        ("800.00", 15, "2025-02-15"): 2,
        ("500.00", 24, "2025-02-15"): 2,
    }
    assert_humane(talk)


def test_an_amount_called_too_hard_beside_a_new_count_gives_way_to_the_count() -> None:
    talk = Talk()
    talk.say("propose_installment", "分6期，每个月2000")
    assert talk.offered_plan().count == 6
    said = talk.say("propose_installment", "2000有啲吃力，可唔可以改做12期")
    assert "不需要分12期" not in said.reply.text
    assert talk.offered_plan().count == 12 and talk.offered_plan().regular_amount == Decimal("1000.00")


# ------------------------------------------------- unaffordable: reassess first --


def refuse_the_first_offer(talk: Talk) -> Step:
    talk.say("request_installment", "分12期")
    return talk.say("cant_afford", "太多了，我真的还不起")


def test_refusing_as_unaffordable_asks_consent_for_the_income_questions_first() -> None:
    talk = Talk()
    said = refuse_the_first_offer(talk)
    assert said.reply == texts.ask_income_consent() and said.pending == "ie_consent"
    assert said.commands == () and talk.state.draft is None and talk.state.refusals == 1
    assert_humane(talk)


def test_the_income_check_then_offers_what_is_affordable() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    assert talk.yes_to_income_questions().reply == texts.ask_income()
    assert talk.inform("大概4000").reply == texts.ask_essentials()
    offer = talk.inform("3200")
    assert offer.pending == "plan_confirm" and offer.commands == ()
    plan = talk.offered_plan()
    assert plan.regular_amount <= Decimal("800") and plan.count == 15
    assert "800" in offer.reply.text and texts.describe(plan, TODAY) in offer.reply.text
    assert (talk.state.income, talk.state.essentials) == ("4000", "3200")
    assert_humane(talk)


def test_the_income_check_with_too_little_left_gives_the_options_and_a_person() -> None:
    talk = Talk(hardship=True)
    refuse_the_first_offer(talk)
    talk.yes_to_income_questions()
    talk.inform("四千多")
    end = talk.inform("差不多3900")
    assert end.reply == texts.unaffordable_options(True, 60, True)
    assert "暂缓" in end.reply.text and "停止计息" in end.reply.text and "工作人员" in end.reply.text
    (command,) = end.commands
    assert isinstance(command, RequestHandoff) and command.reason is HandoffReason.HARDSHIP
    assert command.details["affordable"] == "100" and command.details["minimum"] == "300.00"
    assert command.details["income"] == "4000.00" and command.details["essentials"] == "3900"
    assert command.details["offers"] == {"1000.00x12@2025-02-15": 1} and command.details["refusals"] == 1
    assert end.pending is None and talk.state.draft is None
    assert_humane(talk)


def test_income_questions_without_an_answer_are_asked_twice_then_a_person_helps() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    talk.yes_to_income_questions()
    again = talk.inform("不知道")
    assert again.reply == texts.ask_income()
    end = talk.inform("说不清")
    assert end.reply != texts.ask_income()
    (command,) = end.commands
    assert isinstance(command, RequestHandoff) and command.reason is HandoffReason.HARDSHIP
    assert_humane(talk)


def test_a_refused_plan_is_not_offered_again_after_the_income_questions_are_declined() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    # "不想说": action_handle_deny shows the options and leaves the negotiation as it was.
    after = talk.inform("那怎么办")
    assert after.pending != "plan_confirm" and talk.state.draft is None
    assert "共12期" not in after.reply.text
    assert_humane(talk)


def test_the_consent_question_is_not_asked_a_third_time_in_a_row() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    assert talk.say("cant_afford", "还是太多了").reply == texts.ask_income_consent()
    third = talk.say("cant_afford", "真的还不起")
    assert third.reply != texts.ask_income_consent()
    assert third.pending == "transfer_offer" and "工作人员" in third.reply.text
    assert_humane(talk)


def test_a_refusal_after_the_income_check_reassesses_without_asking_again() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    talk.yes_to_income_questions()
    talk.inform("4000")
    talk.inform("3200")
    again = talk.say("cant_afford", "这个还是太多了")
    assert again.reply != texts.ask_income_consent() and again.pending != "ie_consent"
    assert again.pending != "plan_confirm" and talk.state.draft is None  # not the same 800 a month again
    assert again.reply == texts.unaffordable_options(True, 60, False)
    (command,) = again.commands
    assert isinstance(command, RequestHandoff) and command.reason is HandoffReason.HARDSHIP
    assert "仍" in command.summary and command.details["affordable"] == "800"
    assert_humane(talk)


def test_a_lower_figure_refused_after_the_income_check_is_not_met_with_a_higher_one() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    talk.yes_to_income_questions()
    talk.inform("4000")
    talk.inform("3200")
    talk.inform("600呢")
    assert talk.offered_plan().regular_amount == Decimal("600.00")
    again = talk.say("cant_afford", "600也太多了")
    assert again.pending != "plan_confirm" and talk.state.draft is None
    assert_humane(talk)


# --------------------------------------------------------------- bare answers --


def ask_terms(talk: Talk) -> Step:
    asked = talk.say("request_installment", "我想分期还")
    assert asked.reply == texts.ask_terms(1) and talk.state.asked == "terms"
    return asked


def test_a_bare_3_answering_the_terms_question_is_a_count() -> None:
    talk = Talk()
    ask_terms(talk)
    talk.inform("3")
    plan = talk.offered_plan()
    assert plan.count == 3 and plan.regular_amount == Decimal("4000.00")
    assert_humane(talk)


def test_a_bare_800_answering_the_terms_question_is_an_amount() -> None:
    talk = Talk()
    ask_terms(talk)
    talk.inform("800")
    plan = talk.offered_plan()
    assert plan.regular_amount == Decimal("800.00") and plan.count == 15
    assert_humane(talk)


@pytest.mark.parametrize(
    "answer, amount, count",
    [
        ("24", Decimal("500.00"), 24),
        ("12", Decimal("1000.00"), 12),
        ("6", Decimal("2000.00"), 6),
        ("299", Decimal("500.00"), 24),
        ("300", Decimal("500.00"), 24),
        ("两千块", Decimal("2000.00"), 6),
        ("就600吧", Decimal("600.00"), 20),
    ],
)
def test_bare_answers_after_an_offer(answer: str, amount: Decimal, count: int) -> None:
    talk = Talk()
    talk.say("request_installment", "分12期")
    talk.inform(answer)
    plan = talk.offered_plan()
    assert (plan.regular_amount, plan.count) == (amount, count)
    assert_humane(talk)


def test_a_bare_number_answering_the_income_question_is_income_not_terms() -> None:
    talk = Talk()
    refuse_the_first_offer(talk)
    talk.yes_to_income_questions()
    talk.inform("12")
    assert talk.state.income == "12" and talk.state.count is None and talk.state.asked == "essentials"


def test_the_terms_question_is_asked_at_most_twice_in_a_row() -> None:
    talk = Talk()
    ask_terms(talk)
    second = talk.inform("嗯")
    assert second.reply == texts.ask_terms(2)
    third = talk.inform("不知道")
    assert third.reply not in (texts.ask_terms(1), texts.ask_terms(2))
    assert third.pending == "transfer_offer"
    assert "提过两次" not in third.reply.text  # nothing was offered: not "I have offered this twice"
    assert_humane(talk)


# ----------------------------------------------------------------- check-ins --


@pytest.mark.parametrize("first", ["我想重新商量一下还款", "分24期"])
def test_after_a_check_in_the_first_step_asks_what_changed(first: str) -> None:
    talk = Talk(state=State(reassess=True))
    said = talk.say("request_installment", first)
    assert said.reply == texts.reassess_first() and said.pending is None and said.commands == ()
    assert not talk.state.reassess


def test_terms_named_at_a_check_in_are_kept_for_after_what_changed() -> None:
    talk = Talk(state=State(reassess=True))
    talk.say("request_installment", "分24期")
    talk.inform("这个月收入少了一些")
    plan = talk.offered_plan()
    assert plan.count == 24 and plan.regular_amount == Decimal("500.00")
    assert_humane(talk)


def test_an_unaffordable_plan_at_a_check_in_leads_to_the_income_check() -> None:
    talk = Talk(state=State(reassess=True))
    said = talk.say("cant_afford", "现在每个月都还不上了")
    assert said.pending == "ie_consent" and said.reply == texts.ask_income_consent()


# -------------------------------------------------------------------- drafts --


def test_a_draft_can_be_resumed_with_the_same_plan() -> None:
    talk = Talk()
    talk.say("propose_installment", "每月800")
    offered = talk.offered_plan()
    slot = json.loads(json.dumps(talk.state.to_slot()))
    picked_up = resume(State.from_slot(slot), account())
    assert picked_up is not None and picked_up.pending == "plan_confirm"
    assert picked_up.reply == texts.resume_draft(offered, TODAY)
    assert texts.describe(offered, TODAY) in picked_up.reply.text
    assert picked_up.state.draft == talk.state.draft


def test_a_draft_is_resumed_on_a_later_day_while_its_first_date_is_ahead() -> None:
    talk = Talk()
    talk.say("propose_installment", "每月800")
    later = resume(talk.state, account(today=date(2025, 2, 1)))
    assert later is not None and "2月15日" in later.reply.text
    assert resume(talk.state, account(today=date(2025, 2, 20))) is None  # its first date has passed


def test_nothing_to_resume_without_a_draft() -> None:
    assert resume(State(), account()) is None
    assert resume(State(draft={"amount": "abc", "count": 12, "first_date": "2025-02-15"}), account()) is None
    assert resume(State(draft={"amount": "800.00", "count": 15}), account()) is None


def test_the_slot_survives_garbage() -> None:
    assert State.from_slot(None) == State()
    assert State.from_slot("x") == State()
    assert State.from_slot({"asked": "terms", "unknown": 1}) == State(asked="terms")
    assert State.from_slot({"asked_times": 1, "offers": {"a": 1}, "bogus_field": True}).offers == {"a": 1}


def test_a_zero_balance_needs_no_plan() -> None:
    done = step(State(asked="terms", count=12), Said("request_installment", "分12期"), account(balance=Decimal("0")))
    assert done.reply == texts.paid_off() and done.state == State() and done.pending is None


# ------------------------------------------------------- the confirmation command --


SCENARIOS = {
    "count": (False, [("request_installment", "分12期")]),
    "amount with a last installment": (False, [("propose_installment", "每月700")]),
    "below the minimum": (False, [("propose_installment", "每月200")]),
    "beyond the term": (False, [("request_installment", "分36期")]),
    "day of the month": (False, [("request_installment", "分12期，每个月10号扣")]),
    "first date": (False, [("request_installment", "分10期"), ("inform", "第一期放在1月25号")]),
    "first date too late": (False, [("request_installment", "分10期"), ("inform", "第一期放在3月25号")]),
    "holiday": (True, [("request_deferral", HOLIDAY_ASK), ("inform", "分12期")]),
    "holiday and amount": (True, [("request_deferral", "先缓两个月"), ("inform", "每月450")]),
    "income check": (
        False,
        [("request_installment", "分12期"), ("cant_afford", "太多了"), ("yes", ""), ("inform", "5000"), ("inform", "4350")],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_confirmation_carries_exactly_the_offered_terms_and_the_hub_accepts_them(name: str) -> None:
    hardship, turns = SCENARIOS[name]
    talk = Talk(hardship=hardship)
    for intent, text in turns:
        if intent == "yes":
            talk.yes_to_income_questions()
        else:
            talk.say(intent, text)
    offer = talk.last
    agreed = talk.agreed()
    draft = talk.state.draft
    assert draft is not None
    assert (str(agreed.amount), agreed.count, agreed.first_date.isoformat(), agreed.frequency.value, agreed.hardship) == (
        draft["amount"],
        draft["count"],
        draft["first_date"],
        draft["frequency"],
        hardship,
    )
    try:
        plan = plan_from_terms(BORROWER, agreed, TODAY)
    except PlanError as error:  # pragma: no cover - the failure message is the point
        pytest.fail(f"the hub refuses the offered terms: {error}")
    assert (plan.regular_amount, plan.count, plan.first_date) == (agreed.amount, agreed.count, agreed.first_date)
    assert sum(i.amount for i in plan.installments) == BORROWER.balance
    assert texts.describe(plan, TODAY) in offer.reply.text  # what the Borrower read is what is stored
    assert parse_command(json.loads(json.dumps(to_json_message(agreed)))) == agreed
    assert_humane(talk)


def test_the_hub_refuses_terms_that_were_not_offered() -> None:
    with pytest.raises(PlanError):
        plan_from_terms(BORROWER, AgreePlan(Decimal("200.00"), 60, Frequency.MONTHLY, date(2025, 2, 15)), TODAY)
    with pytest.raises(PlanError):  # a holiday start without the hardship that allows it
        plan_from_terms(BORROWER, AgreePlan(Decimal("1000.00"), 12, Frequency.MONTHLY, date(2025, 3, 16)), TODAY)


def test_the_agreed_holiday_is_what_policy_allows() -> None:
    talk = Talk(hardship=True)
    talk.say("request_deferral", "能不能缓四个月")
    talk.say("request_deferral", "")
    talk.inform("分12期")
    assert talk.agreed().holiday_days == 60 and talk.offered_plan().first_date == date(2025, 3, 16)
    assert_humane(talk)


def test_restating_the_plan_on_the_table_agrees_to_it_instead_of_offering_it_again() -> None:
    talk = Talk()
    offered = talk.say("propose_installment", "分12期")
    assert offered.pending == "plan_confirm" and not offered.accept
    restated = talk.say("propose_installment", "行吧，那就12期")
    assert restated.accept, "the Borrower said yes in their own words"
    assert agree_command(restated.state.draft or {}).count == 12


def test_asking_about_the_plan_on_the_table_is_not_agreeing_to_it() -> None:
    talk = Talk()
    talk.say("propose_installment", "分12期")
    asked = talk.say("propose_installment", "12期的话每期多少？")
    assert not asked.accept


def test_moving_the_payment_day_is_a_new_offer_not_a_repeat() -> None:
    talk = Talk()
    first = talk.say("propose_installment", "每月1000")
    moved = talk.say("set_payment_date", "好，那每期扣款放在10号")
    assert moved.pending == "plan_confirm" and not moved.accept
    assert moved.state.draft and moved.state.draft["first_date"].endswith("-10")
    assert first.state.draft and first.state.draft["first_date"] != moved.state.draft["first_date"]


def test_asked_the_longest_holiday_after_one_beyond_policy_it_is_given_not_refused_again() -> None:
    talk = Talk(hardship=True)
    talk.say("request_deferral", "能不能缓四个月")
    again = talk.say("request_deferral", "四个月不行的话，最多能缓多久？")
    assert again.reply == texts.holiday_granted(60, 24, at_limit=True), "the limit said as the limit, not as a yes"
    assert again.commands == (), "the person was asked for once"
    assert_humane(talk)


def test_a_holiday_granted_and_the_plan_left_for_later_goes_to_a_person_to_record() -> None:
    talk = Talk(hardship=True)
    granted = talk.say("request_deferral", "能不能先停两个月，等我找到工作再说")
    assert granted.reply == texts.holiday_granted(60, 24)
    question = talk.say("ask_consequences", "停的这两个月利息还会继续涨吗？")
    assert question.reply != granted.reply, "a question about the holiday is answered, not met with the grant again"
    assert "停止计息" in question.reply.text and question.commands == ()
    later = talk.say("think_it_over", "那就先这样，两个月后我再来跟你定分期")
    (command,) = later.commands
    assert isinstance(command, RequestHandoff) and command.reason is HandoffReason.DEFERRAL
    assert command.details["holiday_days"] == 60
    assert "60天" in later.reply.text and "工作人员" in later.reply.text
    assert_humane(talk)


def test_months_said_about_the_holiday_are_holiday_not_installments() -> None:
    talk = Talk(hardship=True)
    talk.say("request_deferral", "能不能先停两个月不还")
    more = talk.say("request_deferral", "两个月不够啊，医生说康复期至少三个月")
    assert "共2期" not in more.reply.text and "共3期" not in more.reply.text
    (command,) = more.commands
    assert isinstance(command, RequestHandoff) and command.details["requested_holiday_days"] == 90
    assert_humane(talk)


def test_from_a_named_first_date_the_plan_starts_there_not_on_the_next_payday() -> None:
    talk = Talk(today=date(2026, 12, 6))
    talk.say("propose_installment", "每月500")
    moved = talk.say("set_payment_date", "每个月20号还吧，我20号发工资，从1月20号开始")
    assert talk.agreed().first_date == date(2027, 1, 20), moved.reply.text


def test_a_longer_holiday_asked_while_the_record_is_pending_is_not_taken_for_an_amount_refused() -> None:
    talk = Talk()
    talk.say("request_deferral", "能不能先停三个月不还")
    more = talk.say("cant_afford", "两个月不够啊，医生说康复期至少三个月")
    assert more.pending != "ie_consent" and "收入" not in more.reply.text
    assert talk.state.holiday_days == 90


def test_a_holiday_beyond_policy_after_a_hardship_told_goes_to_a_person_without_asking_for_the_record_again() -> None:
    """Surgery, three months off work: the 60-day policy can't cover it, so a person decides; the Borrower is
    not asked again and again to agree to a record first."""
    told = replace(account(), disclosed=True)
    said = step(State(), Said("request_deferral", "医生让休息三个月，想先停三个月再还"), told)
    handoff = [c for c in said.commands if isinstance(c, RequestHandoff)]
    assert handoff and handoff[0].reason is HandoffReason.DEFERRAL
    assert handoff[0].details["requested_holiday_days"] == 90 and handoff[0].details["allowed_holiday_days"] == 60
    assert "工作人员" in said.reply.text and "同意我们记录" not in said.reply.text


def test_every_two_weeks_is_understood_where_the_policy_allows_it() -> None:
    from kuanxian.dates import Frequency
    from kuanxian.dialogue.negotiation import Account, Said, State, step
    from kuanxian.domain.policy import Policy
    from kuanxian.replies.plans import ReminderOutlook

    policy = Policy(Decimal("150"), 18, frozenset({Frequency.MONTHLY, Frequency.BIWEEKLY}), 90, True)
    account = Account(Decimal("3000.00"), policy, date(2026, 12, 6), False, ReminderOutlook(True))
    first = step(State(), Said("propose_installment", "每两周还100可以吗？我下次发工资是12月11号，想从12号开始还"), account)
    assert "每两周还100.00元，共30期" in first.reply.text and "12月12日" in first.reply.text
    assert first.state.draft and first.state.draft["frequency"] == "biweekly"

    monthly_only = Account(Decimal("5350.00"), Policy(Decimal("200"), 12), date(2026, 12, 6), False, ReminderOutlook(True))
    other = step(State(), Said("propose_installment", "每两周还300"), monthly_only)
    assert "只能按月还款" in other.reply.text and other.state.draft and other.state.draft["frequency"] == "monthly"


def test_after_saying_it_will_not_repeat_an_offer_a_person_takes_over_instead_of_saying_it_again() -> None:
    talk = Talk()
    said = []
    for _ in range(5):
        said.append(talk.say("propose_installment", "每月100"))
    texts_ = [s.reply.text for s in said]
    assert sum(t == texts.no_repeat_offer().text for t in texts_) == 1, texts_
    handoffs = [c for s in said for c in s.commands if isinstance(c, RequestHandoff)]
    assert len(handoffs) == 1, "one person asked for, not one per message"
    assert texts_[-1] != texts.no_repeat_offer().text and all(c == [] for c in [list(s.commands) for s in said[-1:]])
    assert not any(s.accept for s in said), "terms the policy only counters are never a yes to the counter-offer"


def test_the_longest_term_asked_about_is_answered_and_chosen_without_a_third_offer() -> None:
    talk = Talk()
    talk.say("propose_installment", "每月300")
    talk.say("propose_installment", "300的话要还40个月吧，可以吗")
    asked = talk.say("propose_installment", "那最长能分几个月")
    assert "最长可以分24个月" in asked.reply.text and asked.pending == "plan_confirm"
    chosen = talk.say("propose_installment", "那就按最长的来")
    assert chosen.accept, "choosing the longest term agrees the plan on the table"


def test_a_holiday_asked_for_without_a_reason_never_gets_the_reason_question_a_third_time() -> None:
    talk = Talk()
    said = [
        talk.say("request_deferral", t)
        for t in ("能不能半年以后再说", "最多三个月啊 行吧 三个月就三个月", "三个月以后呢", "两周一次也行吗")
    ]
    questions = [s.reply.text for s in said if "方便说说现在遇到了什么情况" in s.reply.text]
    assert len(questions) <= 2, questions
    assert any(isinstance(c, RequestHandoff) and c.reason is HandoffReason.DEFERRAL for s in said for c in s.commands)


def test_a_plan_offered_twice_and_then_taken_in_the_borrowers_own_words_is_agreed_not_handed_over() -> None:
    talk = Talk()
    talk.say("propose_installment", "一个月还三百行不行")  # countered: 500 x 24
    talk.say("propose_installment", "三百行不行")  # the same counter, a second time
    refused = talk.say("cant_afford", "这个金额还是太多")
    assert refused.pending != "plan_confirm"
    taken = talk.say("propose_installment", "不是 五百我咬咬牙可以的 每个月五百")
    assert taken.accept and taken.pending == "plan_confirm"
    assert (talk.offered_plan().regular_amount, talk.offered_plan().count) == (Decimal("500.00"), 24)
    assert not taken.commands, "no person the Borrower did not ask for"


def test_a_biweekly_draft_resumed_after_a_question_stays_biweekly() -> None:
    demo3 = DEMO_BORROWERS[2]  # monthly or every two weeks
    acct = Account(demo3.balance, demo3.policy, TODAY, False, ReminderOutlook(True))
    offered = step(State(), Said("propose_installment", "每两周还100"), acct)
    assert offered.state.draft and offered.state.draft["frequency"] == "biweekly"
    resumed = resume(offered.state, acct)
    assert resumed is not None and "每两周还100.00元" in resumed.reply.text, resumed.reply.text


@pytest.mark.parametrize(
    ("due_day", "said", "holiday", "first"),
    [
        (28, "每月500", 0, date(2025, 2, 28)),  # no day named: the usual day next month
        (5, "每月500", 0, date(2025, 2, 5)),
        (28, "每月500", 60, date(2025, 3, 28)),  # after the holiday (ends 2025-03-16), back on the usual day
        (28, "每月20号还500", 0, date(2025, 2, 20)),  # a day named wins
    ],
)
def test_a_plan_with_no_day_named_keeps_the_borrowers_usual_day(due_day: int, said: str, holiday: int, first: date) -> None:
    usual = Account(BORROWER.balance, BORROWER.policy, TODAY, True, ReminderOutlook(True), due_day=due_day)
    result = step(State(holiday_days=holiday, asked="terms"), Said("inform", said), usual)
    assert result.pending == "plan_confirm", result.reply.text
    assert result.state.draft is not None and result.state.draft["first_date"] == first.isoformat()


def test_the_day_of_the_plan_on_the_table_said_again_keeps_its_dates() -> None:
    usual = Account(BORROWER.balance, BORROWER.policy, TODAY, False, ReminderOutlook(True), due_day=28)
    offer = step(State(asked="terms"), Said("inform", "一个月三百行不"), usual)
    assert offer.state.draft is not None and offer.state.draft["first_date"] == "2025-02-28"
    again = step(offer.state, Said("set_payment_date", "行 还是每个月28号"), usual)
    assert again.state.draft is not None and again.state.draft["first_date"] == "2025-02-28", again.reply.text


def test_a_later_start_said_again_with_an_amount_while_the_record_is_asked_keeps_the_holiday() -> None:
    """On leave with no pay: "三个礼拜以后再开始, 每月300" then, after a pause, "三个礼拜以后开始 每个月300 行吧".
    The second is the same holiday, not a plan without one; with the record agreed the plan starts after it."""
    told = replace(account(), disclosed=True)
    first = step(State(), Said("request_deferral", "能不能一个月之后再开始还 到时候每个月还600"), told)
    assert first.pending == "hardship_consent"
    again = step(first.state, Said("propose_installment", "一个月以后开始 每个月600 行吧"), told)
    assert again.pending == "hardship_consent" and again.state.holiday_days == 30, again.reply.text
    assert again.state.draft is None and "共" not in again.reply.text
    recorded = step(again.state, Said("request_deferral", ""), replace(told, hardship=True))
    assert recorded.pending == "plan_confirm" and recorded.state.draft
    assert recorded.state.draft["holiday_days"] == 30 and recorded.state.draft["amount"] == "600.00"
    assert date.fromisoformat(recorded.state.draft["first_date"]) >= TODAY + timedelta(days=30)


# ------------------------------------------------- what held-out scripts c29-c30 showed --


def test_an_amount_with_too_few_installments_keeps_the_amount_and_lengthens_the_plan() -> None:
    """ "能不能分七期 一个月还个五百": 500 is what they can pay; seven months of it does not clear 12,000, so the plan
    is 500 a month for as long as it takes (within 24 months), not 1,714 a month."""
    talk = Talk()
    offer = talk.say("propose_installment", "能不能分七期 一个月还个五百 行不行")
    plan = talk.offered_plan()
    assert (plan.regular_amount, plan.count) == (Decimal("500.00"), 24), offer.reply.text
    assert "还不够还清" in offer.reply.text
    assert_humane(talk)


def test_a_day_corrected_because_money_is_short_on_the_old_day_moves_the_day_not_the_amount() -> None:
    talk = Talk()
    talk.say("propose_installment", "我算过了 3个月 每个月4000左右，每月10号还")
    assert talk.offered_plan().installments[0].due.day == 10
    moved = talk.say("set_payment_date", "不对 是每月15号 我们公司15号发工资 10号卡里没钱的")
    assert moved.pending == "plan_confirm", moved.reply.text
    plan = talk.offered_plan()
    assert (plan.regular_amount, plan.count, plan.installments[0].due.day) == (Decimal("4000.00"), 3, 15)
    assert "收入" not in moved.reply.text, "no income questions: the amount was never refused"
    assert_humane(talk)


def test_the_plan_on_the_table_said_back_roughly_is_agreed() -> None:
    """166.67 offered: "一百六十几也行，我省一省" takes it; it is not a new, lower offer to be countered."""
    b = DEMO_BORROWERS[2]
    acct = Account(b.balance, b.policy, TODAY, False, ReminderOutlook(True))
    offer = step(State(), Said("propose_installment", "一个月还一百五行吗"), acct)
    assert offer.state.draft is not None and offer.state.draft["amount"] == "166.67"
    taken = step(offer.state, Said("inform", "一百六十几也行，我省一省"), acct)
    assert taken.accept and taken.pending == "plan_confirm", taken.reply.text


def test_a_question_answered_by_the_plan_on_the_table_gets_the_plan_and_is_counted() -> None:
    b = DEMO_BORROWERS[2]
    acct = Account(b.balance, b.policy, TODAY, False, ReminderOutlook(True))
    offer = step(State(), Said("propose_installment", "一个月还一百五行吗"), acct)
    answer = step(offer.state, Said("nlu_fallback", "那十八个月的话，一个月要多少"), acct)
    assert answer.reply == texts.plan_answer(answer_plan := plan_from_terms(b, agree_command(answer.state.draft), TODAY), TODAY)
    assert answer_plan.regular_amount == Decimal("166.67") and answer.pending == "plan_confirm"
    assert sum(answer.state.offers.values()) == 2, "asked again and again, it does not come back a third time"
    third = step(answer.state, Said("nlu_fallback", "那十八个月的话，一个月要多少"), acct)
    assert third.reply != answer.reply


def test_half_now_and_the_rest_next_month_is_a_plan_of_two_starting_today() -> None:
    talk = Talk()
    offer = talk.say("explain_late", "我上个月工资晚发了 所以才逾期的 能不能先还一半 剩下的下个月还")
    plan = talk.offered_plan()
    assert offer.pending == "plan_confirm" and plan.count == 2, offer.reply.text
    assert [i.amount for i in plan.installments] == [Decimal("6000.00"), Decimal("6000.00")]
    assert dates_of(plan) == [TODAY, date(2025, 2, 15)]
    assert_humane(talk)


def test_waiting_for_wages_owed_asks_for_the_holiday_not_an_amount() -> None:
    talk = Talk()
    asked = talk.say("out_of_scope", "能不能等一等，等工钱要回来了我就还")
    assert talk.state.holiday_days == 60 and talk.state.draft is None, asked.reply.text
    assert asked.reply == texts.holiday_needs_hardship(60)


def test_a_holiday_granted_then_only_thanks_is_kept_by_a_person_not_lost() -> None:
    talk = Talk()
    talk.say("request_deferral", HOLIDAY_ASK)
    talk.disclose_hardship()
    assert talk.state.asked == "terms"
    closing = talk.say("thank", "好 谢谢")
    handoff = next(c for c in closing.commands if isinstance(c, RequestHandoff))
    assert handoff.reason is HandoffReason.DEFERRAL and "暂缓60天" in handoff.summary
    assert closing.reply == texts.holiday_only(60)


@pytest.mark.parametrize("said", ["你好，我这个3000能不能先还一半？", "我今天先还1500，剩下1500下个月再还"])
def test_half_of_the_balance_named_now_and_the_rest_later_is_two_equal_installments(said: str) -> None:
    b = DEMO_BORROWERS[2]  # owes 3,000
    offer = step(State(), Said("promise_to_pay", said), Account(b.balance, b.policy, TODAY, False, ReminderOutlook(True)))
    assert offer.pending == "plan_confirm" and offer.state.draft is not None, offer.reply.text
    assert (offer.state.draft["amount"], offer.state.draft["count"], offer.state.draft["first_date"]) == ("1500.00", 2, TODAY.isoformat())
