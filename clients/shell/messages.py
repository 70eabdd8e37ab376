"""The assistant's replies as Rasa's REST channel sends them, parsed once into small types.

The reply to ``POST /webhooks/rest/webhook`` is a JSON list of bot messages. Rasa sends the
text, buttons and ``custom`` payload of one response as separate list entries, so the shell
looks at the whole reply (not one message) to find the buttons and a secure-input request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from contracts.bot_messages import SecureInput


class MalformedReply(ValueError):
    """The server answered, but not with a list of Rasa bot messages."""


@dataclass(frozen=True)
class Button:
    """One quick reply: the user sees ``title``; choosing it sends ``payload``."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One entry of the reply; any field may be absent."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    custom: Mapping[str, Any] = field(default_factory=dict)
    image: str | None = None


def parse_reply(data: object) -> list[BotMessage]:
    """Turn the decoded JSON body into messages, or raise `MalformedReply` saying what is wrong."""
    if not isinstance(data, list):
        raise MalformedReply(f"expected a list of messages, got {type(data).__name__}")
    return [_parse_message(entry, index) for index, entry in enumerate(data)]


def _parse_message(entry: object, index: int) -> BotMessage:
    if not isinstance(entry, dict):
        raise MalformedReply(f"message {index} is {type(entry).__name__}, not an object")
    text = entry.get("text")
    image = entry.get("image")
    custom = entry.get("custom") or {}
    raw_buttons = entry.get("buttons") or []
    if text is not None and not isinstance(text, str):
        raise MalformedReply(f"message {index} has a non-string text")
    if image is not None and not isinstance(image, str):
        raise MalformedReply(f"message {index} has a non-string image")
    if not isinstance(custom, dict):
        raise MalformedReply(f"message {index} has a custom payload that is not an object")
    if not isinstance(raw_buttons, list):
        raise MalformedReply(f"message {index} has buttons that are not a list")
    buttons = tuple(_parse_button(button, index) for button in raw_buttons)
    return BotMessage(text=text, buttons=buttons, custom=custom, image=image)


def _parse_button(button: object, index: int) -> Button:
    if not isinstance(button, dict) or not isinstance(button.get("title"), str):
        raise MalformedReply(f"message {index} has a button without a title")
    title: str = button["title"]
    payload = button.get("payload")
    # Rasa sends the title when a button has no payload, so the shell does the same.
    return Button(title=title, payload=payload if isinstance(payload, str) else title)


def choices(reply: Sequence[BotMessage]) -> list[Button]:
    """All buttons of a reply in display order; choice ``n`` is ``choices(reply)[n - 1]``."""
    return [button for message in reply for button in message.buttons]


def secure_input_request(reply: Sequence[BotMessage]) -> SecureInput | None:
    """The reply's request for a secret, if any.

    Any ``secure_input`` is honoured, whatever its purpose: hiding a non-secret costs
    nothing, echoing a secret cannot be undone.
    """
    for message in reply:
        request = message.custom.get("secure_input")
        if request is not None:
            try:
                return SecureInput.parse_obj(request)
            except ValidationError:
                return SecureInput(purpose="secret")
    return None
