"""Everyday words for common option choices, keyed by the choice's name.

A catalogue names its choices ("Decaf", "Non-fat", "Iced") and may list aliases, but
customers say the same thing many ways ("decaffeinated", "skim", "on ice"), whatever
the merchant wrote. These words are added to the choice whose normalised name is the
key, and only on items that have that choice, so they never invent an option; a
merchant's own aliases come on top. Keys are choice names lower-cased, with spaces and
hyphens removed and "%" written "percent".

`common_options()` are options people ask for at any coffee counter, whatever the menu:
the parser finds them even where the merchant has no such choice, so that what cannot
be made is said back (contract C2 `unavailable_option`) instead of dropped in silence.
Words for the usual way a drink comes ("regular", "hot", "whole milk", "black") are not
among them: nothing needs saying back when a menu does not list those.
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
    "soy": ("soy milk", "soymilk", "soya", "soya milk"),
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


# Choices (keys of CHOICE_WORDS) that change a drink, and how their names are said.
_COMMON_CHOICES = (
    "decaf", "iced", "2percent", "nonfat", "oat", "almond", "soy", "2percentlactosefree",
    "double", "triple", "quadruple",
)  # fmt: skip
_CHOICE_NAMES = {"2percent": "2%", "nonfat": "non-fat", "2percentlactosefree": "2% lactose free"}
# Syrups and flavours, and the ways a flavour is asked for around its name.
FLAVOURS = (
    "vanilla", "caramel", "hazelnut", "mocha", "chocolate", "white chocolate", "peppermint",
    "cinnamon", "honey", "toffee", "pumpkin spice", "coconut",
    "sugar free vanilla", "sugar free caramel", "sugar free hazelnut",
)  # fmt: skip
_FLAVOUR_FORMS = (
    "{}", "{} syrup", "{} sauce", "{} flavor", "{} flavour", "{} flavored", "{} flavoured",
    "{} drizzle", "pump of {}", "a pump of {}", "one pump of {}", "two pumps of {}",
    "three pumps of {}", "four pumps of {}", "shot of {}", "a shot of {}",
    "extra shot of {}", "an extra shot of {}", "extra pump of {}", "an extra pump of {}",
    "splash of {}", "a splash of {}", "drizzle of {}", "a drizzle of {}",
)  # fmt: skip


def common_options() -> list[tuple[str, str]]:
    """(phrase, core) for every common option phrase. The core is what a menu would call
    it ("two pumps of vanilla" -> "vanilla"), so that a merchant's own "vanilla" choice
    takes every way of asking for it."""
    found = [
        (said, said)
        for key in _COMMON_CHOICES
        for said in (_CHOICE_NAMES.get(key, key), *CHOICE_WORDS[key])
    ]
    found += [(form.format(flavour), flavour) for flavour in FLAVOURS for form in _FLAVOUR_FORMS]
    return found
