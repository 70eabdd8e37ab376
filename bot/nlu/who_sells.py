"""A question about who sells an item ("who has matcha near me?", "which shops sell a flat
white"): a question about every merchant, not an order at the merchant in use.

The order parser hears its items as the whole platform sells them (bot/nlu/order_parser.py),
and ItemsFirst keeps it `who_sells` rather than making it an order (bot/nlu/items_first.py).
"""

from __future__ import annotations

import re

_WHO_SELLS = re.compile(
    r"^\W*(?:(?:hey|hi|so|and|ok|okay|um+|uh+|excuse me|sorry)\W+)*"
    r"(?:who|which\s+(?:shops?|places?|stores?|merchants?|brands?))\s+"
    r"(?:\w+\s+)?(?:has|have|sells?|serves?|does|do|makes?)\b",
    re.I,
)


def asks_who_sells(text: str) -> bool:
    return _WHO_SELLS.search(text) is not None
