"""Kuanxian safety layer: pressure-tactic guard, distress detection, contact rules.

Importing this package does no work; rules, lexicons and model weights are
loaded on first use.
"""

from .distress import DistressAssessment, assess_distress
from .guard import review_message
from .rules import Review, Violation

__all__ = ["DistressAssessment", "Review", "Violation", "assess_distress", "review_message"]


def warm_up() -> None:
    """Load every rule file and model now (blocking; run it in a worker thread at start-up).

    Without it the first message of a fresh process pays several seconds of
    JSON parsing inside a Borrower's turn.
    """
    from .guard import explain
    from .identity import assess_speaker

    review_message("您好")
    assess_distress("您好")
    assess_speaker("您好")
    # The guard's nearest-corpus-line index too: built later, inside a collector's first blocked reply, it held
    # the interpreter long enough to stall live frames for everyone.
    explain("您好")
