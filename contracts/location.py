"""Where the customer is, as a client sends it with each message.

The shell and the voice client take it from ``--near LAT,LON``; the widget from the
browser's geolocation, asked only when the customer taps "use my location". Every channel
passes it to Rasa as the user message's ``metadata["location"]``, and the actions read it
from the latest message (``actions/nearby.py``). One class, so a client that sends it and
an action that reads it cannot disagree on its shape.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel, Extra, confloat, validator

METADATA_KEY = "location"
# A saved place's name as kept: "my Office" and "the office" are the customer's "office".
MAX_PLACE_NAME_CHARS = 64
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019]")
_LEADING_ARTICLES = frozenset({"my", "the", "our"})


class LocationError(ValueError):
    """A location that is not two finite WGS84 degrees in range; the message says which."""


class ClientLocation(BaseModel):
    """WGS84 degrees; ``accuracy_m`` is the radius the device is sure of, when it says."""

    lat: confloat(ge=-90.0, le=90.0)  # type: ignore[valid-type]
    lon: confloat(ge=-180.0, le=180.0)  # type: ignore[valid-type]
    accuracy_m: confloat(ge=0.0) | None = None  # type: ignore[valid-type]

    class Config:
        extra = Extra.forbid
        frozen = True

    @validator("lat", "lon", "accuracy_m")
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @classmethod
    def parse_near(cls, text: str) -> ClientLocation:
        """``LAT,LON`` as typed after ``--near`` ("31.2317,121.4726")."""
        parts = text.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            return cls(lat=float(parts[0]), lon=float(parts[1]))
        except ValueError:
            raise LocationError(
                f"{text!r} is not LAT,LON in degrees, e.g. 31.2317,121.4726 "
                "(latitude -90 to 90, longitude -180 to 180)."
            ) from None

    def near(self) -> str:
        """The platform's ``near=LAT,LON`` query value."""
        return f"{self.lat:.6f},{self.lon:.6f}"

    def metadata(self) -> dict[str, Any]:
        """The user message metadata that carries this location."""
        return {METADATA_KEY: self.dict(exclude_none=True)}


def location_of(metadata: Any) -> ClientLocation | None:
    """The location a message's metadata carries; None when it carries none or one that
    cannot be read (a bad location is no location: the assistant then asks for one rather
    than guess)."""
    if not isinstance(metadata, dict) or METADATA_KEY not in metadata:
        return None
    try:
        return ClientLocation.parse_obj(metadata[METADATA_KEY])
    except (ValueError, TypeError):
        return None


def fold_place(text: str) -> str:
    """Place words as they are compared on both sides: lower case, apostrophes dropped,
    anything else that is not a letter or digit a single space ("People's Square" and
    "peoples  square" are one name; so are "Jing'an" and "jingan")."""
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def saved_place_name(text: str) -> str:
    """A saved place's name as the platform keeps it: folded, without a leading "my",
    "the" or "our" ("my office" is "office"). Empty when nothing is left."""
    words = fold_place(text).split()
    while words and words[0] in _LEADING_ARTICLES:
        words = words[1:]
    return " ".join(words)[:MAX_PLACE_NAME_CHARS].strip()
