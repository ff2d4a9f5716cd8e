"""Kuanxian safety layer: pressure-tactic guard, distress detection, contact rules.

Importing this package does no work; rules and lexicons are loaded and
compiled on first use.
"""

from .distress import DistressAssessment, assess_distress
from .guard import Review, Violation, review_message

__all__ = ["review_message", "Review", "Violation", "assess_distress", "DistressAssessment"]
