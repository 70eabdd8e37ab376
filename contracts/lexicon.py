"""The merchant's vocabulary: what the action server serves at ``GET /lexicon``
(``actions/lexicon.py`` builds it from the live catalogue) and what the NLU
(``bot/nlu/lexicon.py``) and the voice channel's recognition priming
(``channels/voice/vocabulary.py``) read.
"""

from __future__ import annotations

from typing import Any

import pydantic


class LexiconError(ValueError):
    """The lexicon JSON does not have the documented shape."""


class LexiconChoice(pydantic.BaseModel):
    """One choice of an option group ("oat" of "milk"), with what people call it."""

    id: str = pydantic.Field(..., min_length=1)
    name: str = pydantic.Field(..., min_length=1)
    aliases: list[str] = []


class LexiconOptionGroup(pydantic.BaseModel):
    """An item's option group (contract C1): size, milk, shots, caffeine, the combo's drink.

    The combo's `drink` group names drink skus as its choice ids.
    """

    group: str = pydantic.Field(..., min_length=1)
    name: str = pydantic.Field(..., min_length=1)
    default: str = ""
    choices: list[LexiconChoice] = []

    def choice(self, choice_id: str) -> LexiconChoice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)


class LexiconItem(pydantic.BaseModel):
    """A menu item as the extractor sees it."""

    sku: str = pydantic.Field(..., min_length=1)
    name: str = pydantic.Field(..., min_length=1)
    aliases: list[str] = []
    options: list[LexiconOptionGroup] = []
    # What the menu files it under ("tea", "drink", "side"): "change THE TEA to a wild
    # strawberry" names the cart's line of that kind.
    category: str = ""

    def group(self, group_id: str) -> LexiconOptionGroup | None:
        """The option group with this id, if the item has one."""
        return next((group for group in self.options if group.group == group_id), None)


class LexiconStore(pydantic.BaseModel):
    """A pickup store as the extractor sees it."""

    id: str = pydantic.Field(..., min_length=1)
    name: str = pydantic.Field(..., min_length=1)
    aliases: list[str] = []


class Lexicon(pydantic.BaseModel):
    """One merchant's whole catalogue: every item, available now or not.

    Unavailable items are still recognised so that the dialogue can say "sorry, breakfast
    is over" instead of "I didn't catch that".
    """

    merchant_id: str
    items: list[LexiconItem]
    stores: list[LexiconStore] = []

    @classmethod
    def from_json(cls, data: Any) -> Lexicon:
        """Validate decoded JSON, raising LexiconError with the offending field."""
        try:
            return cls.parse_obj(data)
        except pydantic.ValidationError as error:
            raise LexiconError(f"invalid lexicon: {error}") from error

    def item(self, sku: str) -> LexiconItem | None:
        """The item with this sku, if the menu has it."""
        return next((item for item in self.items if item.sku == sku), None)
