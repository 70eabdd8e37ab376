"""Rasa NLU component: a message that names a menu item is an order.

The intent classifier learns from the team's examples; customers phrase orders in ways
nobody wrote down ("An Americano.", "ok one regular soy milk"), and DIET then guesses
`inform`, `affirm` or falls below the fallback threshold. The menu matcher is the
stronger signal: when it found an item, the message is `order_item`, unless DIET says
the customer changes or removes one (`change_item`, `remove_item`) or asks a clear
question about it ("how much is a latte?", with enough confidence). "No youtiao" (a
negation right before the item) is a removal.

The same holds for edits of lines already in the cart: a message whose `edit` entity
points at lines by place or quantifier ("the second one", "all of them", "both", "one of
them") and says what to do to them (an edit verb, an option, or words to say back) is
`change_item` (`remove_item` for a removal verb), whatever DIET guessed: "please upgrade
all of them to large" read as `checkout` would read the order back with nothing changed.
An order verb ("I'll take two of those", "can I get another youtiao") is never a removal.

A message that names a merchant ("order from Copper Kettle", "open the coffee place") and
no item is `choose_merchant`, unless DIET is sure it asks something (the menu, the stores,
an order's status, a cancel: "what's on the menu at the bakery"): merchant names come from
the platform's lexicon, not from the training data.

A question about who sells an item ("who has matcha near me?", "which shops sell
cortados") is `who_sells`: DIET learns it from examples that name no item.

A question about an order already placed that names its item ("is my latte ready?",
"where's my hot chocolate") is `order_status`: the item names come from the merchant's
pack, not from the training data, so DIET hears any message with an item as an order.

Reference it in config.yml after DIETClassifier and before FallbackClassifier:

    - name: bot.nlu.items_first.ItemsFirst
      question_confidence: 0.6
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.edit_targets import orders_said
from bot.nlu.utterance import split_words
from bot.nlu.who_sells import asks_who_sells
from contracts.cart_edits import CHANGE, EDIT_ENTITY, REMOVE, CartEdit

ITEM_ENTITY = "item"
MERCHANT_ENTITY = "merchant"
# Entities that say what an edit does to the lines it points at ("all of them iced").
# A count alone ("just two of those") keeps DIET's reading: it may answer a question (a
# change DIET was unsure of is made sure, see `_edit_intent`).
_EDIT_VALUES = frozenset({"option", "unplaced", "unavailable_option"})
# The confidence an overridden intent gets; the rest of the ranking shares what is left,
# so FallbackClassifier sees a clear winner.
OVERRIDE_CONFIDENCE = 0.95
# Words that, right before an item, ask to take it away: "actually NO youtiao".
_REMOVAL_WORDS = r"no|without|remove|drop|skip|scratch|cancel|minus"
_REMOVAL = re.compile(rf"\b(?:{_REMOVAL_WORDS})\s+(?:(?:the|a|an|any|my|that)\s+)?$", re.I)
# A question about something already ordered, at the start after a filler: "is my latte
# ready?", "are the two mochas done yet", "where's my congee", "how long for my latte".
_FILLERS = r"(?:(?:hey|hi|so|and|ok|okay|um+|uh+|hmm+|excuse me|sorry)\W+)*"
_STATUS_QUESTION = re.compile(
    rf"^\W*{_FILLERS}(?:"
    r"(?:is|are|has|have|was|were)\s+(?:my|our|the)\b.*\b(?:ready|done|made|finished|prepared)\b"
    r"|where(?:'s|\s+is|\s+are|'re)\s+(?:my|our)\b"
    r"|how\s+long\s+(?:for|until|till|on)\s+(?:my|our)\b)",
    re.I,
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ItemsFirst(GraphComponent):
    """Overrides the intent of messages that name a menu item (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`order_intent`: what an item-naming message becomes; `keep_intents`: intents it
        keeps; `question_intents` are kept from `question_confidence` up; `remove_intent`
        is used for "no <item>"; `who_sells_intent` for "who has <item>?"; `change_intent`
        for an edit of lines by place or quantifier; `status_intent` for a question about
        an order naming its item;
        `merchant_intent` for a merchant named with no item, unless DIET says one of
        `merchant_keep_intents` from `question_confidence` up (not `list_merchants`:
        "order from Copper Kettle" sounds like "who can I order from" to DIET)."""
        return {
            "order_intent": "order_item",
            "merchant_intent": "choose_merchant",
            "merchant_keep_intents": [
                "ask_menu",
                "ask_price",
                "ask_combo",
                "ask_breakfast_hours",
                "ask_stores",
                "nearest_store",
                "order_status",
                "cancel_order",
            ],
            "change_intent": "change_item",
            "remove_intent": "remove_item",
            "status_intent": "order_status",
            "who_sells_intent": "who_sells",
            "keep_intents": ["change_item", "remove_item"],
            "question_intents": ["ask_price", "ask_combo", "ask_menu", "ask_breakfast_hours"],
            "question_confidence": 0.6,
        }

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.order_intent = str(config["order_intent"])
        self.remove_intent = str(config["remove_intent"])
        self.change_intent = str(config["change_intent"])
        self.status_intent = str(config["status_intent"])
        self.who_sells_intent = str(config["who_sells_intent"])
        self.merchant_intent = str(config["merchant_intent"])
        self.merchant_keep_intents = frozenset(config["merchant_keep_intents"])
        self.keep_intents = frozenset(config["keep_intents"])
        self.question_intents = frozenset(config["question_intents"])
        threshold = config["question_confidence"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ValueError(
                f"ItemsFirst: question_confidence must be a number, got {threshold!r}."
            )
        if not 0 <= threshold <= 1:
            raise ValueError(f"ItemsFirst: question_confidence must be in [0, 1], got {threshold}.")
        self.question_confidence = float(threshold)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ItemsFirst:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets the intent (and ranking) of each message that names an item."""
        for message in messages:
            intent = self._intent_for(message)
            if intent is not None:
                _promote(message, intent)
        return messages

    def _intent_for(self, message: Message) -> str | None:
        """The intent to set, or None to keep DIET's."""
        entities = message.get(ENTITIES) or []
        items = [e for e in entities if e.get("entity") == ITEM_ENTITY]
        predicted = message.get(INTENT) or {}
        name, confidence = predicted.get("name"), float(predicted.get("confidence") or 0.0)
        if name in self.question_intents and confidence >= self.question_confidence:
            return None
        text = message.get(TEXT) or ""
        if _STATUS_QUESTION.search(text):
            sure = name == self.status_intent and confidence >= OVERRIDE_CONFIDENCE
            return None if sure else self.status_intent  # unsure fell to the fallback
        if items and asks_who_sells(text):
            return None if name == self.who_sells_intent else self.who_sells_intent
        if not items and any(e.get("entity") == MERCHANT_ENTITY for e in entities):
            asks = name in self.merchant_keep_intents and confidence >= self.question_confidence
            sure = name == self.merchant_intent and confidence >= OVERRIDE_CONFIDENCE
            return None if asks or sure else self.merchant_intent
        if not items:
            return self._edit_intent(entities, name, confidence)
        removes = any(_REMOVAL.search(text[: int(item.get("start", 0))]) for item in items)
        if removes and name != self.remove_intent:
            return self.remove_intent  # "actually no youtiao", even if DIET read a change
        said = [word.text for word in split_words(text)]
        if name == self.remove_intent and not removes and orders_said(said):
            return self.order_intent  # "I'll have two more hash browns": never a removal
        if name in self.keep_intents:
            return None
        if name == self.order_intent and confidence >= OVERRIDE_CONFIDENCE:
            return None
        return self.order_intent

    def _edit_intent(
        self, entities: Sequence[Mapping[str, Any]], name: Any, confidence: float
    ) -> str | None:
        """The intent of an edit over lines named by place or quantifier, else None."""
        edit = _edit_of(entities)
        if edit is None or edit.verb not in (None, CHANGE, REMOVE):
            return None  # no edit, or a complaint: DIET's reading stands
        if edit.orders and name == self.remove_intent:
            return self.order_intent  # "I'll take two of those": an order verb never removes
        target = edit.target
        if target.position is None and not target.every and not target.count and not target.other:
            return None  # "that's it" points at the line under discussion, and does nothing
        says_what = any(e.get("entity") in _EDIT_VALUES for e in entities)
        if edit.verb is None and not says_what:
            if target.count and target.pointer and name == self.change_intent:
                # "sorry, I need two of those": DIET heard the change, but not surely
                # enough to pass the fallback; the count over the line pointed at confirms it.
                return self.change_intent
            return None  # "the second one", "both": an answer to a question, not an edit
        intent = self.remove_intent if edit.verb == REMOVE else self.change_intent
        if edit.verb is None and name == self.remove_intent:
            intent = self.remove_intent  # "one of them off" names no verb DIET missed
        # DIET's own reading is kept only when it is sure: an unsure one fell to the fallback.
        return None if name == intent and confidence >= OVERRIDE_CONFIDENCE else intent


def _edit_of(entities: Sequence[Mapping[str, Any]]) -> CartEdit | None:
    for entity in entities:
        if entity.get("entity") == EDIT_ENTITY:
            try:
                return CartEdit.parse_raw(str(entity.get("value") or ""))
            except ValueError:
                return None
    return None


def _promote(message: Message, intent: str) -> None:
    """Make `intent` the top of the ranking; the others keep their order and share."""
    ranking: Sequence[dict[str, Any]] = message.get(INTENT_RANKING_KEY) or []
    others = [dict(entry) for entry in ranking if entry.get("name") != intent]
    total = sum(float(entry.get("confidence") or 0.0) for entry in others)
    share = (1 - OVERRIDE_CONFIDENCE) / total if total > 0 else 0.0
    for entry in others:
        entry["confidence"] = float(entry.get("confidence") or 0.0) * share
    top = {"name": intent, "confidence": OVERRIDE_CONFIDENCE}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
