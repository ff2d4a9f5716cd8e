"""The repayment negotiation: listen, reassess, never repeat, and decide — as a pure step function.

`step(state, said, account)` reads what the Borrower said (the intent Rasa heard
and the words themselves) against where the negotiation stands, and returns the
reply, the new state, what a "yes" would now confirm, and any command for the hub.
It follows the FCA rule: an offer refused as unaffordable is reassessed (a short
income-and-expenditure check, with consent first), never simply re-offered; the
same plan is never offered more than twice; a question is never asked more than
twice in a row; a holiday is understood as a holiday, and one beyond policy goes
to a person with the request recorded.

One module per concept:

- `state`: the state, the account, what was said, the step a turn returns, and the limits.
- `reading`: what a message changes in the state.
- `drafts`: the plan on the table: proposal, decision, draft, the command that agrees it, its interest.
- `offers`: an offer, never repeated more than twice, and the reassessment after a refusal.
- `holiday`: a payment holiday, granted within policy or taken to a person.
- `turn`: one turn (`step`), the start of the income check, and resuming after a digression.

Callers import the names from here: `from kuanxian.dialogue.negotiation import State, step`.
"""

from __future__ import annotations

from kuanxian.dialogue.negotiation.drafts import agree_command, draft_fingerprint, draft_frozen, draft_interest
from kuanxian.dialogue.negotiation.state import (
    HOLIDAY_QUESTIONS,
    MAX_ASKS,
    MAX_OFFERS,
    Account,
    Said,
    State,
    Step,
    summary_details,
)
from kuanxian.dialogue.negotiation.turn import resume, start_income_check, step

__all__ = [
    "HOLIDAY_QUESTIONS",
    "MAX_ASKS",
    "MAX_OFFERS",
    "Account",
    "Said",
    "State",
    "Step",
    "agree_command",
    "draft_fingerprint",
    "draft_frozen",
    "draft_interest",
    "resume",
    "start_income_check",
    "step",
    "summary_details",
]
