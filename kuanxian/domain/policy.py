"""A lender's Policy for one account: what plans it allows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kuanxian.dates import Frequency
from kuanxian.money import to_fen

MAX_TERM_LIMIT = 120


def as_frequency(value: object) -> Frequency:
    if isinstance(value, Frequency):
        return value
    if isinstance(value, str):
        return Frequency(value)
    raise TypeError(f"not a frequency: {value!r}")


def money_fen(value: object, what: str) -> int:
    """Decimal (or int) yuan → fen; TypeError for floats, ValueError below the fen."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    try:
        return to_fen(Decimal(value))
    except ValueError as exc:
        raise ValueError(f"{what} must be finite and whole fen: {value}") from exc


@dataclass(frozen=True)
class Policy:
    """What the creditor allows for this account."""

    min_installment: Decimal
    max_term_months: int
    allowed_frequencies: frozenset[Frequency] = frozenset({Frequency.MONTHLY})
    payment_holiday_days: int = 0
    interest_freeze_on_hardship: bool = False

    def __post_init__(self) -> None:
        if money_fen(self.min_installment, "min_installment") <= 0:
            raise ValueError("min_installment must be positive")
        if isinstance(self.max_term_months, bool) or not isinstance(self.max_term_months, int):
            raise TypeError("max_term_months must be an int")
        if not 1 <= self.max_term_months <= MAX_TERM_LIMIT:
            raise ValueError(f"max_term_months must be within 1..{MAX_TERM_LIMIT}")
        freqs = frozenset(as_frequency(f) for f in self.allowed_frequencies)
        if not freqs:
            raise ValueError("allowed_frequencies must not be empty")
        object.__setattr__(self, "allowed_frequencies", freqs)
        if isinstance(self.payment_holiday_days, bool) or not isinstance(self.payment_holiday_days, int):
            raise TypeError("payment_holiday_days must be an int")
        if not 0 <= self.payment_holiday_days <= 366:
            raise ValueError("payment_holiday_days must be within 0..366")
