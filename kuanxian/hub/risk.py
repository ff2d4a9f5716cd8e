"""After the direct question: a plain "no" from the Borrower, and what the assistant may do then.

A crisis reading brings a person at once and asks the Borrower directly whether they are thinking of ending
their life. When the answer is a plain no ("没有没有，我就是问问"), the person still comes, but the Borrower is not
left in silence meanwhile: the assistant thanks them and answers their questions about the account again. Any
distress or crisis afterwards is handled as before; what came before the "no" no longer raises the bar alone.

The state lives in the Conversation's own messages (the question and the reply to a "no"), so every hub
reads the same answer without a new column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from kuanxian.domain.message import Message
from kuanxian.safety import assess_distress
from kuanxian.safety.crisis import DIRECT_QUESTION, RISK_DENIED
from kuanxian.safety.lexicon import assess_lexicon

__all__ = ["ANSWER_WITHIN", "RiskCheck", "denies_risk", "risk_check"]

# A "no" counts as the answer to the question within this many of the Borrower's messages after it.
ANSWER_WITHIN = 3

# A no to "你是不是在想结束自己的生命？" at the start of the answer, or a reassurance anywhere in it.
_NO = re.compile(
    r"^[\s，。,.!！…~]*(?:没有|没|不是|不会|不不|没想|没这么想|没那么想|没那个意思|没事|我没事|放心|想多了|误会|开玩笑|随口|别担心|不用担心|no\b|nope)",
    re.I,
)
_REASSURED = re.compile(
    r"不会做傻事|没想过(?:那|这)|没有(?:那种|这种|这个|那个)(?:想法|念头|打算)|我好好的|就是问问|只是问问|随口说|开玩笑的"
)


def denies_risk(text: str) -> bool:
    """A plain no that, read alone, shows no distress (so "没有…就是觉得活着没意思" is not one)."""
    if not (_NO.search(text) or _REASSURED.search(text) or "denied_risk" in assess_lexicon(text).signals):
        return False
    return assess_distress(text).level == "none"


@dataclass(frozen=True)
class RiskCheck:
    # The direct question was asked lately (at most ANSWER_WITHIN messages ago) and not yet answered with a no.
    asked: bool
    # Seq of the reply to a "no" after the latest question (None: no "no" was given since it).
    denied_at: Optional[int]


def risk_check(said: Sequence[Message], borrower_seqs: Sequence[int], seq: int) -> RiskCheck:
    """From the system messages of the Conversation (oldest first) and the seqs of the Borrower's messages."""
    question = max((m.seq for m in said if m.text == DIRECT_QUESTION and m.seq < seq), default=None)
    if question is None:
        return RiskCheck(False, None)
    denied = max((m.seq for m in said if m.text == RISK_DENIED and question < m.seq < seq), default=None)
    since = sum(1 for s in borrower_seqs if question < s < seq)
    return RiskCheck(asked=denied is None and since < ANSWER_WITHIN, denied_at=denied)
