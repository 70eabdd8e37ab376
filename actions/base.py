"""What every action that talks to a merchant shares: the backend, the settings, the apology."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.merchant_in_use import merchant_in_use
from actions.merchants.backend import (
    MerchantBackend,
    MerchantRejected,
    MerchantUnavailable,
)
from actions.settings import Settings
from contracts.bot_messages import ActionCustom

logger = logging.getLogger(__name__)

# Said when the shop does not answer. It claims nothing about money: a payment whose
# answer was lost is handled where it is made (actions/checkout.py).
UNAVAILABLE = (
    "Sorry, I can't reach the shop right now. Your order is kept just as it is; "
    "please try again in a moment."
)


def say_merchant(messages: list[dict[str, Any]], merchant_id: str | None) -> None:
    """Put the merchant in use into every message's ``custom`` object (a message without one
    gets none: an empty ``custom`` would reach clients as a message of its own)."""
    if not merchant_id:
        return
    for message in messages:
        custom = message.get("custom")
        if not isinstance(custom, dict) or not custom:
            continue
        try:
            message["custom"] = ActionCustom.parse_obj(
                {**custom, "merchant": merchant_id}
            ).payload()
        except ValidationError:  # an older turn's card said again (actions/repeat.py)
            logger.warning("a custom object not of the contract was left as it was")


class MerchantAction(Action):
    """An action whose merchant failures become a spoken apology, never a crash.

    The backend and the settings are handed in when the action server starts
    (actions/registry.py), so a test builds the action with a fake backend.
    Subclasses implement :meth:`act`. A backend that is down or slow leaves every
    slot as it was, so the order in progress is kept.
    """

    action_name = ""
    # Whether the action speaks of one merchant's menu or stores: with no merchant in use
    # (`ORDERLY_MERCHANT_ID=` and none chosen yet) it asks which shop first.
    needs_merchant = False

    def __init__(self, backend: MerchantBackend, settings: Settings) -> None:
        self.backend = backend
        self.settings = settings

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            if self.needs_merchant and merchant_in_use(tracker, self.settings) is None:
                # Imported here: the choosing actions are MerchantActions themselves.
                from actions.choosing import Choosing

                choosing = Choosing(self.backend, self.settings)
                return await choosing.ask_which(dispatcher, tracker, [], "First, which shop?")
            return await self.act(dispatcher, tracker)
        except MerchantUnavailable as error:
            logger.warning("%s: merchant unavailable (%s)", self.name(), error)
            dispatcher.utter_message(text=UNAVAILABLE)
        except MerchantRejected as error:
            dispatcher.utter_message(text=error.message)
        finally:
            # The tracker is this action's copy: a switch it made is already in its slots.
            say_merchant(dispatcher.messages, merchant_in_use(tracker, self.settings))
        return []

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        raise NotImplementedError
