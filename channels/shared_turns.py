"""One conversation across speaker, screen and terminal: what another device is shown of a turn.

The customer is the conversation (Rasa's tracker is keyed by customer), so a turn taken on
the voice client, the widget or the shell is a turn of the one conversation. Every channel
that takes a turn describes it here and hands it to the notifier's fan-out
(``channels.notifications.Notifier.share``), which shows it to the customer's other connected
devices: the cart, the readback and the confirmation appear on the screen as the customer
speaks, and the readback's "Yes, pay" can be tapped there (the widget sends the answer into
the same conversation, where the pending question makes it the answer to the open question).

The PIN rules stay whole. The PIN is asked for on the device that is paying: a turn whose
answer asks for it is shown elsewhere without any of its messages, only that it was asked
there (``pin_asked_there``), so no other device invites the PIN. What the customer said in a
turn the PIN policy screened (a PIN submitted or asked again) is never shown elsewhere, not
even masked; elsewhere a masked text stays masked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from channels.notifications import Notifier
from channels.pin_policy import Screened, ScreenKind
from contracts.bot_messages import BotMessage, SharedTurn

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Device:
    """One connected client of a customer (a voice connection, a REST client): the turns
    it takes are shown on the customer's other devices, never back to it."""

    customer_id: str
    name: str  # the inbox's device name (channels.notifications.Inbox.device)
    channel: str
    notices: Notifier

    async def took(self, screened: Screened, reply: list[dict[str, Any]]) -> None:
        """Show the turn just taken here on the customer's other devices. Never raises: a
        turn not shown elsewhere was still taken and answered here."""
        try:
            turn = shared_turn(self.name, self.channel, screened, reply)
        except ValueError:
            logger.exception("a turn of %s could not be described", self.customer_id)
            return
        await self.notices.share(self.customer_id, turn)


def shared_turn(
    device: str, channel: str, screened: Screened, reply: list[dict[str, Any]]
) -> SharedTurn:
    """The turn ``device`` took, as the customer's other devices are shown it.

    ``screened`` is what the PIN policy made of what the customer said; ``reply`` the
    messages the device was answered with (after the PIN policy's ``outgoing``)."""
    pin_asked = any(_asks_for_pin(message) for message in reply)
    private = screened.kind is not ScreenKind.PASS
    return SharedTurn(
        device=device,
        channel=channel,
        said="" if private else screened.shown,
        masked=private or screened.masked,
        messages=[] if pin_asked else [_shown(message) for message in reply],
        pin_asked_there=pin_asked,
    )


def _asks_for_pin(message: dict[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, dict) and custom.get("secure_input") is not None


def _shown(message: dict[str, Any]) -> BotMessage:
    """A message as a client receives it; whom Rasa addressed it to stays here."""
    return BotMessage.parse_obj({k: v for k, v in message.items() if k != "recipient_id"})
