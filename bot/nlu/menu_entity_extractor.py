"""Rasa NLU component: order lines, options, store and pickup time from the live menu.

Reference it in config.yml after a tokenizer, with DIET set to classify intents only:

    pipeline:
      - name: WhitespaceTokenizer
      - name: bot.nlu.menu_entity_extractor.MenuEntityExtractor
        refresh_seconds: 60

Nothing is trained: the vocabulary is fetched at run time (see `LexiconSource`), so a menu
change needs no retraining. Where from: `lexicon_url` if given, else the action server on
`ORDERLY_ACTIONS_PORT`; `ORDERLY_LEXICON_URL` overrides both (bot/nlu/settings.py).
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lexicon import (
    DEFAULT_REFRESH_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    LEXICON_URL_ENV,
    LexiconSource,
    adopt,
)
from bot.nlu.order_parser import OrderParser
from bot.nlu.settings import LexiconSettings
from contracts.lexicon import MERCHANT_IN_USE, Lexicon
from contracts.settings import SettingsError

logger = logging.getLogger(__name__)

# Button payloads ("/inform{...}") carry their own entities; RegexMessageHandler reads them.
INTENT_TRIGGER_PREFIX = "/"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MenuEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts `item` (`check` when unsure), `quantity` and `option` ("milk:oat") entities
    grouped per order line, `unplaced` order parts, `store` and `pickup_time` (contract
    C2), robust to speech-recognition errors."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`lexicon_url`: where the menu vocabulary is served (unset: see the module);
        `refresh_seconds`: how old a copy may get before it is fetched again;
        `timeout_seconds`: per request."""
        return {
            "lexicon_url": None,
            "refresh_seconds": DEFAULT_REFRESH_SECONDS,
            "timeout_seconds": DEFAULT_TIMEOUT_SECONDS,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        configured = config["lexicon_url"]
        if configured is not None and not isinstance(configured, str):
            raise ValueError(f"MenuEntityExtractor: lexicon_url must be a URL, got {configured!r}.")
        try:
            url = LexiconSettings.from_env(lexicon_url=configured or "").lexicon_url
        except SettingsError as error:
            raise ValueError(
                f"MenuEntityExtractor: lexicon_url (or {LEXICON_URL_ENV}): {error}"
            ) from None
        # The process's one poller of this URL: the voice channel reads the same copy.
        self.source = adopt(
            LexiconSource(
                url,
                refresh_seconds=_positive_seconds(config, "refresh_seconds"),
                timeout_seconds=_positive_seconds(config, "timeout_seconds"),
            )
        )
        self._parser = OrderParser(None)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MenuEntityExtractor:
        """Creates the component; the lexicon is fetched on the first message, not here,
        so that training works without a running action server."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the parsed entities to each message, after those of earlier extractors."""
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or text.startswith(INTENT_TRIGGER_PREFIX):
                continue
            try:
                parser = self._current_parser()
                merchant_id = _merchant_in_use(message, parser.lexicon)
                entities = [dict(entity) for entity in parser.parse(text, merchant_id)]
            except Exception:  # a parser bug must cost the entities, not the reply
                logger.exception("Could not extract menu entities from %r.", text)
                continue
            extracted = self.add_extractor_name(entities)
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages

    def _current_parser(self) -> OrderParser:
        """A parser for the freshest lexicon; rebuilt only when the lexicon changes."""
        lexicon: Lexicon | None = self.source.current()
        if lexicon is not self._parser.lexicon:
            self._parser = OrderParser(lexicon)
            gc.freeze()  # long-lived, like the lexicon it indexes (bot/nlu/lexicon.py)
        return self._parser


def _merchant_in_use(message: Message, lexicon: Lexicon | None) -> str:
    """The merchant the conversation orders from, as the Rasa process put it in the
    message's metadata (launch/rasa_process/merchant_in_use.py); else the one
    conversations start with."""
    metadata = message.get("metadata") or {}
    chosen = metadata.get(MERCHANT_IN_USE) if isinstance(metadata, dict) else None
    if isinstance(chosen, str) and chosen:
        return chosen
    return lexicon.merchant_id if lexicon is not None else ""


def _positive_seconds(config: dict[str, Any], key: str) -> float:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"MenuEntityExtractor: {key} must be a positive number, got {value!r}.")
    return float(value)
