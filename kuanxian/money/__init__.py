"""Money amounts and installment counts in borrowers' (mostly Chinese) sentences, and money as Decimal/fen.

The parser works on *spans*: it scans the sentence for numerals (Arabic,
Chinese, financial, mixed such as ``1万5``), evaluates each span on its own,
throws away spans that are clearly not money and then picks the amount the
borrower most likely means. Nothing here uses floats.
"""

from .amounts import FEN, ceil_to_fen, format_amount, from_fen, to_fen
from .numerals import cn_to_int
from .phrases import parse_amount, parse_count

__all__ = ["FEN", "ceil_to_fen", "cn_to_int", "format_amount", "from_fen", "parse_amount", "parse_count", "to_fen"]
