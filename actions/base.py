"""What every action that talks to a merchant shares: the backend and the apology."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.merchants import configured_backend
from actions.merchants.backend import (
    MerchantBackend,
    MerchantRejected,
    MerchantUnavailable,
)
from actions.settings import Settings

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "Sorry, I can't reach the shop right now. Nothing was charged and your order is "
    "kept just as it is; please try again in a moment."
)


class MerchantAction(Action):
    """An action whose merchant failures become a spoken apology, never a crash.

    Subclasses implement :meth:`act`. A backend that is down or slow leaves every
    slot as it was, so the order in progress is kept.
    """

    action_name = ""

    def name(self) -> str:
        return self.action_name

    @property
    def backend(self) -> MerchantBackend:
        return configured_backend()

    @property
    def settings(self) -> Settings:
        return Settings.from_env()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            return await self.act(dispatcher, tracker)
        except MerchantUnavailable as error:
            logger.warning("%s: merchant unavailable (%s)", self.name(), error)
            dispatcher.utter_message(text=UNAVAILABLE)
        except MerchantRejected as error:
            dispatcher.utter_message(text=error.message)
        return []

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        raise NotImplementedError
