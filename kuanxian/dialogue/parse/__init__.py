"""What a Borrower's words say: a plain answer, a holiday, a day of the month, plan terms, a question about fees
or the service.

Pure functions over text (and today's date), used by the negotiation and the actions. One module per topic:

- `answers`: yes, no, a question back, an objection, a goodbye.
- `holidays`: a payment holiday asked for, the longest one allowed, the plan put off until after it.
- `days`: a day of the month, the first payment date, the day a payment is promised for.
- `plan_terms`: an amount, a number of installments, how often; an amount refused, a bare number, an income.
- `fees`: fees and interest: relief asked for, what they are, whether they keep running.
- `hardship`: a hardship told in passing, and consent to record it.
- `disputes`: the debt questioned, or the number not the Borrower's.
- `service`: a card change, whether the chat is genuine, a time zone, whether a person is coming.
- `reminders`: when reminders are sent.

Callers import the names from here: `from kuanxian.dialogue import parse`, then `parse.terms(text, today)`.
"""

from __future__ import annotations

from kuanxian.dialogue.parse.answers import (
    accepts_in_the_end,
    asks_question,
    closes,
    explicitly_accepts,
    objects,
    says_bye_in_numbers,
    says_goodbye,
    says_understood,
    starts_yes,
    yes_no,
)
from kuanxian.dialogue.parse.days import (
    day_of_month,
    first_date,
    later,
    moves_to_a_month,
    next_day_of_month,
    pays_all_on_a_day,
    promise_date,
)
from kuanxian.dialogue.parse.disputes import says_dispute, says_wrong_person, withdraws_dispute
from kuanxian.dialogue.parse.fees import asks_about_fees, asks_fee_relief, asks_plan_interest
from kuanxian.dialogue.parse.hardship import (
    asks_about_hardship_record,
    asks_what_if_short,
    cant_pay_now,
    consents_to_record,
    mentions_hardship,
)
from kuanxian.dialogue.parse.holidays import SPRING_FESTIVAL, asks_longest_holiday, asks_to_wait, defers_plan, holiday_days, wants_holiday
from kuanxian.dialogue.parse.plan_terms import (
    bare_number,
    checks_back,
    frequency_in,
    half_now_rest_later,
    longest_term,
    lump_sum,
    money_in,
    names_plan_terms,
    pays_it_all_later,
    refuses_amount,
    refuses_installments,
    rough_amount,
    terms,
)
from kuanxian.dialogue.parse.reminders import (
    about_reminders_after_payoff,
    asks_fewer_reminders,
    asks_how_to_resume,
    asks_quiet_hours,
    asks_reminder_hours,
    checks_reminders_stopped,
    complains_of_night_contact,
    fears_forgetting,
    keeps_stopped,
    says_stop,
    sleeps_by_day,
    wants_reminders_back,
)
from kuanxian.dialogue.parse.service import (
    asks_about_personal_data,
    asks_after_payoff,
    asks_balance,
    asks_collection_fears,
    asks_due_date,
    asks_if_genuine,
    asks_if_person_coming,
    asks_payment_channel,
    asks_time_zone,
    changes_card,
    fears_whole_balance_due,
    wants_installments,
)

__all__ = [
    "SPRING_FESTIVAL",
    "about_reminders_after_payoff",
    "accepts_in_the_end",
    "asks_about_fees",
    "asks_about_hardship_record",
    "asks_about_personal_data",
    "asks_after_payoff",
    "asks_balance",
    "asks_collection_fears",
    "asks_due_date",
    "asks_fee_relief",
    "asks_fewer_reminders",
    "asks_how_to_resume",
    "asks_if_genuine",
    "asks_if_person_coming",
    "asks_longest_holiday",
    "asks_payment_channel",
    "asks_plan_interest",
    "asks_question",
    "asks_quiet_hours",
    "asks_reminder_hours",
    "asks_time_zone",
    "asks_to_wait",
    "asks_what_if_short",
    "bare_number",
    "cant_pay_now",
    "changes_card",
    "checks_back",
    "checks_reminders_stopped",
    "closes",
    "complains_of_night_contact",
    "consents_to_record",
    "day_of_month",
    "defers_plan",
    "explicitly_accepts",
    "fears_forgetting",
    "fears_whole_balance_due",
    "first_date",
    "frequency_in",
    "half_now_rest_later",
    "holiday_days",
    "keeps_stopped",
    "later",
    "longest_term",
    "lump_sum",
    "mentions_hardship",
    "money_in",
    "moves_to_a_month",
    "names_plan_terms",
    "next_day_of_month",
    "objects",
    "pays_all_on_a_day",
    "pays_it_all_later",
    "promise_date",
    "refuses_amount",
    "refuses_installments",
    "rough_amount",
    "says_bye_in_numbers",
    "says_dispute",
    "says_goodbye",
    "says_stop",
    "says_understood",
    "says_wrong_person",
    "sleeps_by_day",
    "starts_yes",
    "terms",
    "wants_holiday",
    "wants_installments",
    "wants_reminders_back",
    "withdraws_dispute",
    "yes_no",
]
