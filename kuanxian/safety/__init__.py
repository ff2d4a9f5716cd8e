"""Kuanxian safety layer: pressure-tactic guard, distress detection, contact rules.

Importing this package does no work; rules, lexicons and model weights are
loaded on first use.
"""

from .distress import DistressAssessment, assess_distress
from .guard import review_message
from .rules import Review, Violation

__all__ = ["review_message", "Review", "Violation", "assess_distress", "DistressAssessment"]
