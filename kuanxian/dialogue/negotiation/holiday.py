"""A payment holiday is understood before any plan: granted within policy for a recorded hardship, asked about
(why, then a person) without one, and taken to a person when it goes beyond policy.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from kuanxian.dialogue.negotiation.state import MAX_ASKS, Account, State, Step, _ask, _handoff_step
from kuanxian.domain.handoff import HandoffReason
from kuanxian.replies import plans as texts


def _holiday(state: State, account: Account) -> Optional[Step]:
    """A holiday is understood before any plan: granted within policy, a person beyond it."""
    allowed = account.policy.payment_holiday_days
    wanted = state.holiday_days
    if not wanted:
        return None
    beyond = allowed <= 0 or wanted > allowed
    if not account.hardship and account.disclosed and not beyond:
        # Already told us why: a holiday is noted on the account, so ask to record it (a yes takes it up).
        if (state.asked == "holiday_reason" and state.asked_times >= MAX_ASKS) or state.record_asks >= MAX_ASKS:
            return _ask(state, "holiday_person", texts.holiday_record_or_person(), pending="transfer_offer")
        asked = replace(state, record_asks=state.record_asks + 1)
        reply = texts.holiday_record_reminder(allowed or wanted) if state.record_asks else texts.holiday_needs_record(allowed or wanted)
        return _ask(asked, "holiday_reason", reply, pending="hardship_consent")
    if not account.hardship and not account.disclosed:
        if state.asked == "holiday_person":
            # Asked why twice and offered a person: a person takes the holiday up (never the same question a third time).
            return _handoff_step(
                state,
                texts.holiday_to_person(wanted),
                HandoffReason.DEFERRAL,
                f"借款人希望暂缓约{wanted}天，还没说明困难情况",
                {"requested_holiday_days": wanted, "allowed_holiday_days": allowed},
            )
        if state.asked == "holiday_reason" and state.asked_times >= MAX_ASKS:
            return _ask(state, "holiday_person", texts.holiday_needs_a_person(), pending="transfer_offer")
        return _ask(state, "holiday_reason", texts.holiday_needs_hardship(allowed or wanted))
    if beyond:
        # Beyond policy a person decides, and the hardship already told is reason enough to ask them: no record
        # is needed for that (nothing is recorded without consent).
        reply = texts.holiday_beyond_policy(wanted, allowed) if allowed > 0 else texts.holiday_beyond_policy(wanted, 0)
        # The collector sees what was asked for; the negotiation carries on with what policy allows.
        step = _handoff_step(
            state,
            reply,
            HandoffReason.DEFERRAL,
            f"借款人申请暂缓{wanted}天，超过政策上限{allowed}天",
            {"requested_holiday_days": wanted, "allowed_holiday_days": allowed},
        )
        return replace(step, state=replace(step.state, holiday_days=allowed, asked="holiday_beyond"))
    if state.amount is None and state.count is None:
        return _ask(state, "terms", texts.holiday_granted(wanted, account.policy.max_term_months, at_limit=state.asked == "holiday_beyond"))
    return None
