"""Reading a QR code back as a scanner at the counter would: zxing-cpp, not segno's own code."""

from __future__ import annotations

import base64
import io

import zxingcpp
from PIL import Image


def scanned(data_uri: str) -> list[str]:
    """The texts a scanner reads off a ``data:image/png;base64,...`` image."""
    header, _, encoded = data_uri.partition(",")
    assert header == "data:image/png;base64", header
    image = Image.open(io.BytesIO(base64.b64decode(encoded)))
    return [result.text for result in zxingcpp.read_barcodes(image)]
