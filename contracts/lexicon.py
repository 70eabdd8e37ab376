"""The platform's vocabulary: what the action server serves at ``GET /lexicon``
(``actions/lexicon.py`` builds it from every merchant's live catalogue) and what the NLU
(``bot/nlu/lexicon.py``) and the voice channel's recognition priming
(``channels/voice/vocabulary.py``) read.

One lexicon covers every merchant of the platform, so one conversation can order from
several: the merchants with the names people call them by, and each item once, with the
merchants that sell it (``LexiconItem.merchants``). Lookups by sku and by merchant are
dicts built once per lexicon, never a scan per message.
"""

from __future__ import annotations

from typing import Any

import pydantic

# The message metadata key under which the Rasa process tells the NLU which merchant the
# conversation orders from (launch/rasa_process/merchant_in_use.py).
MERCHANT_IN_USE = "merchant_in_use"


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
    # The merchants that sell it (ids). Empty in a lexicon of one merchant's backend: then
    # the lexicon's `merchant_id` sells it.
    merchants: list[str] = []

    def group(self, group_id: str) -> LexiconOptionGroup | None:
        """The option group with this id, if the item has one."""
        return next((group for group in self.options if group.group == group_id), None)


class LexiconStore(pydantic.BaseModel):
    """A pickup store as the extractor sees it; `merchant_id` is whose store it is ("":
    the lexicon's `merchant_id`)."""

    id: str = pydantic.Field(..., min_length=1)
    name: str = pydantic.Field(..., min_length=1)
    aliases: list[str] = []
    merchant_id: str = ""


class LexiconMerchant(pydantic.BaseModel):
    """A merchant of the platform: `names` are the display name first, then what people
    call it ("Copper Kettle", "the coffee place"); `kind` is `menu` or `booking` (a booking
    merchant has no items to order). `items` are its own, with its own option groups: the
    NLU hears a message first as the merchant in use would."""

    id: str = pydantic.Field(..., min_length=1)
    names: list[str] = pydantic.Field(..., min_items=1)
    kind: str = "menu"
    items: list[LexiconItem] = []

    @property
    def name(self) -> str:
        return self.names[0]


class Lexicon(pydantic.BaseModel):
    """Every merchant's whole catalogue: every item, available now or not.

    Unavailable items are still recognised so that the dialogue can say "sorry, breakfast
    is over" instead of "I didn't catch that". `merchant_id` is the merchant a conversation
    starts with ("" when it starts with none chosen, `ORDERLY_MERCHANT_ID=`); `merchants`
    lists every merchant (empty in a lexicon of one merchant's own backend).
    """

    merchant_id: str
    items: list[LexiconItem]
    stores: list[LexiconStore] = []
    merchants: list[LexiconMerchant] = []
    _by_sku: dict[str, LexiconItem] = pydantic.PrivateAttr(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        self._by_sku = {item.sku: item for item in self.items}

    @classmethod
    def from_json(cls, data: Any) -> Lexicon:
        """Validate decoded JSON, raising LexiconError with the offending field."""
        try:
            return cls.parse_obj(data)
        except pydantic.ValidationError as error:
            raise LexiconError(f"invalid lexicon: {error}") from error

    def item(self, sku: str) -> LexiconItem | None:
        """The item with this sku, if any merchant sells it."""
        return self._by_sku.get(sku)

    def of_merchant(self, merchant_id: str) -> Lexicon | None:
        """The lexicon as one merchant sells: its own items and stores, and every merchant's
        names (None when the lexicon does not know the merchant's items)."""
        merchant = next((m for m in self.merchants if m.id == merchant_id), None)
        if merchant is None or not merchant.items:
            return None
        return Lexicon(
            merchant_id=merchant_id,
            items=merchant.items,
            stores=[s for s in self.stores if s.merchant_id in ("", merchant_id)],
            merchants=[m.copy(update={"items": []}) for m in self.merchants],
        )

    def sellers(self, sku: str) -> list[str]:
        """The merchants that sell this sku (none: no merchant does)."""
        item = self._by_sku.get(sku)
        if item is None:
            return []
        return list(item.merchants) or [self.merchant_id]
