"""Everyday words for common option choices, keyed by the choice's name.

A catalogue names its choices ("Decaf", "Non-fat", "Iced") and may list aliases, but
customers say the same thing many ways ("decaffeinated", "skim", "on ice"), whatever
the merchant wrote. These words are added to the choice whose normalised name is the
key, and only on items that have that choice, so they never invent an option; a
merchant's own aliases come on top. Keys are choice names lower-cased, with spaces and
hyphens removed and "%" written "percent".
"""

from __future__ import annotations

import re

CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    # caffeine
    "decaf": (
        "decaffeinated", "decaff", "decafe", "no caffeine", "without caffeine",
        "caffeine free", "non caffeinated", "not caffeinated", "uncaffeinated",
    ),
    "regular": ("caffeinated", "with caffeine", "full caf", "full caffeine", "not decaf"),
    # temperature
    "iced": ("on ice", "over ice", "with ice"),
    "hot": ("warm", "steaming", "piping hot", "extra hot"),
    # milk
    "whole": ("whole milk", "full fat", "full fat milk", "regular milk", "normal milk"),
    "2percent": ("2 percent", "two percent", "reduced fat", "2 percent milk"),
    "nonfat": ("non fat", "nonfat", "skim", "skimmed", "skim milk", "fat free", "no fat"),
    "oat": ("oatmilk", "oat milk", "oatly"),
    "almond": ("almond milk", "almondmilk"),
    "2percentlactosefree": ("lactose free", "lactose free milk", "2 percent lactose free"),
    "nomilk": ("without milk", "no dairy", "black"),
    # espresso shots
    "single": ("one shot", "1 shot", "single shot", "solo"),
    "double": ("two shots", "2 shots", "double shot", "doppio"),
    "triple": ("three shots", "3 shots", "triple shot"),
    "quadruple": ("four shots", "4 shots", "quad", "quad shot", "quadruple shot"),
}  # fmt: skip


def choice_key(name: str) -> str:
    """ "2% Lactose-Free" -> "2percentlactosefree", "No Milk" -> "nomilk"."""
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("%", "percent"))


def everyday_words(choice_name: str) -> tuple[str, ...]:
    """What people also say for a choice with this name."""
    return CHOICE_WORDS.get(choice_key(choice_name), ())
