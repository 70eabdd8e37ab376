"""``--near LAT,LON``, as the shell and the voice client take it: where the customer is,
sent with every message (contracts/location.py)."""

from __future__ import annotations

import argparse

from contracts.location import ClientLocation, LocationError

NEAR_HELP = (
    "where you are, as LAT,LON in degrees (e.g. 31.2317,121.4726): sent with every "
    "message, so 'nearest open store' knows where to look"
)


def near_argument(value: str) -> ClientLocation:
    """An argparse type: ``LAT,LON`` as a location, or a usage error that says the form."""
    try:
        return ClientLocation.parse_near(value)
    except LocationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
