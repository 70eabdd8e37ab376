"""The pickup code as a QR code, for the order card the widget shows at the counter.

It encodes the code alone, exactly what the customer would say, so a scanner at the counter
types what staff would otherwise hear. A PNG data URI needs nothing from the client but an
``<img>``; segno writes PNG itself, with no imaging library.
"""

from __future__ import annotations

from functools import lru_cache

import segno

# Module size in pixels and the quiet zone in modules (the QR standard asks for 4).
SCALE = 6
BORDER = 4


@lru_cache(maxsize=1024)
def pickup_qr(code: str) -> str:
    """``code`` as a QR code, a ``data:image/png;base64,...`` URI."""
    return segno.make_qr(code).png_data_uri(scale=SCALE, border=BORDER)
