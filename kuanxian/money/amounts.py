"""Money as Decimal yuan or integer fen: rounding, formatting, conversion. Never floats."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

__all__ = ["FEN", "MAX_AMOUNT", "ceil_to_fen", "format_amount", "from_fen", "quantize", "to_fen"]

FEN = Decimal("0.01")

MAX_AMOUNT = Decimal("1000000000")  # anything larger is not a debt payment


def quantize(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def ceil_to_fen(amount: Decimal) -> Decimal:
    """Round up to the next fen (0.01)."""
    return amount.quantize(FEN, rounding=ROUND_CEILING)


def format_amount(amount: Decimal) -> str:
    """``Decimal("12000")`` → ``"12,000.00元"`` (half-up to the fen)."""
    q = _check_decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)
    return f"{q:,.2f}元"


def to_fen(amount: Decimal) -> int:
    """Exact yuan → fen; ValueError if the amount has a fraction of a fen."""
    d = _check_decimal(amount)
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Exact fen → yuan with two decimal places."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("fen must be an int")
    return Decimal(fen).scaleb(-2)


def _check_decimal(amount: Decimal) -> Decimal:
    if isinstance(amount, (bool, float)):
        raise TypeError("money must be a Decimal, not float or bool")
    if isinstance(amount, int):
        amount = Decimal(amount)
    if not isinstance(amount, Decimal):
        raise TypeError("money must be a Decimal")
    if not amount.is_finite():
        raise ValueError("money must be finite")
    return amount
