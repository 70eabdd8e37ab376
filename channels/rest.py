"""Rasa's REST channel with input checks and the payment-PIN guard.

It keeps the stock channel's name and routes (``POST /webhooks/rest/webhook`` with
``{"sender": ..., "message": ...}``), so every Rasa REST client works unchanged, but:

- a malformed request gets a 400 JSON error that names the problem instead of a
  500 (the stock channel fails on a missing body or sender);
- messages longer than ``max_message_chars`` are refused;
- secrets pass through :class:`channels.secure_input.SecureInputGuard` and never
  reach the dialogue.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.secure_input import SecureInputGuard

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128


class RequestError(ValueError):
    """A client sent a request this channel cannot take; the message says why."""


class SecureRestInput(InputChannel):
    """The REST channel, hardened: see the module docstring."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(max_message_chars=int(credentials.get("max_message_chars", MAX_MESSAGE_CHARS)))

    def __init__(self, max_message_chars: int = MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars
        self.guard = SecureInputGuard()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("secure_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender_id, text, metadata = self._parse(request)
            except RequestError as error:
                return response.json({"error": {"code": "bad_request", "message": str(error)}}, 400)
            text = await self.guard.submit_secret(sender_id, text)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except Exception:
                # The reply may be partial, but the conversation and its tracker are intact.
                logger.exception("the assistant failed on a message from %s", sender_id)
            return response.json(self.guard.screen_outgoing(sender_id, collector.messages))

        return webhook

    def _parse(self, request: Request) -> tuple[str, str, dict[str, Any] | None]:
        try:
            body = request.json
        except Exception as error:  # sanic raises its own InvalidUsage for bad JSON
            raise RequestError("The body is not valid JSON.") from error
        if not isinstance(body, dict):
            raise RequestError('Send a JSON object like {"sender": "alice", "message": "hi"}.')
        sender_id, text, metadata = (
            body.get("sender"),
            body.get("message"),
            body.get("metadata"),
        )
        if not isinstance(sender_id, str) or not 0 < len(sender_id) <= MAX_SENDER_CHARS:
            raise RequestError(f"'sender' must be a string of 1 to {MAX_SENDER_CHARS} characters.")
        if not isinstance(text, str) or not text.strip():
            raise RequestError("'message' must be a non-empty string.")
        if len(text) > self.max_message_chars:
            raise RequestError(f"'message' is longer than {self.max_message_chars} characters.")
        if metadata is not None and not isinstance(metadata, dict):
            raise RequestError("'metadata' must be a JSON object when given.")
        return sender_id, text, metadata
