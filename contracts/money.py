"""How an amount is written, the same in every process.

Amounts cross every boundary as integer fen (1/100 yuan), never as floats, and are
written only at the last moment: ``format_money(3750)`` is ``¥37.50``.
"""

from __future__ import annotations

FEN_PER_YUAN = 100
CURRENCY = "CNY"
CURRENCY_SIGN = "¥"
# The NLU's entity for an amount said in a message ("yes, pay the 15 yuan"): integer fen
# as a string (bot/nlu/amounts.py), held against the amount asked about (actions/consent.py).
AMOUNT_ENTITY = "amount"


def format_money(fen: int, *, thousands: bool = False) -> str:
    """``3750`` → ``¥37.50``, in integer arithmetic, so no float rounding ever shows.

    ``thousands`` groups the yuan (``¥1,234.50``) for tables on a screen. Sentences keep
    the plain form (``¥1234.50``): the voice reads them, and its price reader takes
    digits only (``speech/synthesis/sentences.py``).
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"an amount must be integer fen, got {fen!r}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    whole = f"{yuan:,}" if thousands else str(yuan)
    return f"{sign}{CURRENCY_SIGN}{whole}.{cents:02d}"
