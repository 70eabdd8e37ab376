"""Keeps secrets such as the payment PIN out of the dialogue.

When the assistant needs a PIN, the action sends a ``custom.secure_input`` message
that names where the secret must go (the merchant's verification endpoint). Every
channel passes the bot's messages through :meth:`SecureInputGuard.screen_outgoing`,
which remembers that request and strips its server-side details before the client
sees it. The customer's next message is then forwarded straight to that endpoint
and Rasa only receives the outcome, e.g. ``/pin_submitted{"secure_outcome": "verified"}``.
So the PIN never reaches the tracker store, the NLU pipeline, the action server or
a log line: it lives in this process for one HTTP request.

Pending requests are kept in memory, or in Redis with a TTL when replicas share
conversations (`channels/pending_requests.py`). If the server restarts between the question
and the answer, a message that looks like a bare PIN is still kept out of the
dialogue (it becomes ``/secret_not_expected``) rather than stored.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

import httpx

from channels.pending_requests import PendingStore, SecureRequest, pending_store_from_env

logger = logging.getLogger(__name__)

SECRET_NOT_EXPECTED = "/secret_not_expected"
PENDING_TTL_SECONDS = 300.0
SUBMIT_TIMEOUT_SECONDS = 5.0
SECRET_DIGITS = range(4, 9)

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "won": "1", "two": "2", "to": "2",
    "too": "2", "three": "3", "four": "4", "for": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "ate": "8", "nine": "9",
}  # fmt: skip
_FILLER = {"my", "pin", "is", "it's", "its", "the", "code", "number", "uh", "um", "and"}
_WORD = re.compile(r"[a-z']+|\d")


def secret_digits(text: str, expected: bool = False) -> str | None:
    """Return the digits of a typed or spoken PIN, or None if ``text`` is not one.

    Speech recognition writes PINs as digits ("246810", "2 4 6 8 1 0") or words
    ("two four six eight one zero", "double four"). When a PIN was asked for, the
    digits count wherever they stand ("my pen is 246810 please"); otherwise only a
    message that is nothing but a PIN (and filler words) is one, so "two lattes at
    8:30" stays an order.
    """
    digits: list[str] = []
    repeat = 1
    for token in _WORD.findall(text.lower()):
        if token.isdigit():
            digits.append(token * repeat)
        elif token in ("double", "triple"):
            repeat = 2 if token == "double" else 3
            continue
        elif token in _SPOKEN_DIGITS:
            digits.append(_SPOKEN_DIGITS[token] * repeat)
        elif token not in _FILLER and not expected:
            return None
        repeat = 1
    joined = "".join(digits)
    return joined if len(joined) in SECRET_DIGITS else None


class SecureInputGuard:
    """Routes a conversation's secret to the merchant instead of the dialogue."""

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        pending_ttl_seconds: float = PENDING_TTL_SECONDS,
        store: PendingStore | None = None,
    ) -> None:
        self._client = client or httpx.AsyncClient(timeout=SUBMIT_TIMEOUT_SECONDS)
        self._ttl = pending_ttl_seconds
        # Memory by default; Redis when replicas share conversations (ORDERLY_REDIS_URL).
        self._pending = store or pending_store_from_env()

    def screen_outgoing(
        self, sender_id: str, messages: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Remember a secure-input request in the bot's reply and return what the client may see.

        A reply without such a request clears the pending one: a secret is expected
        only right after the assistant asked for it.
        """
        self._pending.discard(sender_id)
        screened = []
        for message in messages:
            request = (message.get("custom") or {}).get("secure_input")
            if isinstance(request, dict) and "submit" in request:
                self._remember(sender_id, request)
                public = {k: v for k, v in request.items() if k not in ("submit", "reply_intent")}
                message = {
                    **message,
                    "custom": {**message["custom"], "secure_input": public},
                }
            screened.append(message)
        return screened

    def is_expecting_secret(self, sender_id: str) -> bool:
        return self._pending.get(sender_id) is not None

    async def submit_secret(self, sender_id: str, text: str) -> str:
        """Screen one incoming message; return the text to give Rasa in its place.

        Call it for every message. A PIN that was asked for is forwarded and replaced
        by its outcome; a PIN nobody asked for is replaced by ``/secret_not_expected``;
        anything else (the customer changed the subject) comes back unchanged.
        """
        digits = secret_digits(text, expected=self.is_expecting_secret(sender_id))
        request = self._pending.take(sender_id) if digits else None
        if request is None:
            return SECRET_NOT_EXPECTED if digits else text
        outcome = await self._submit(request, digits or "")
        return f"/{request.reply_intent}{json.dumps(outcome)}"

    def _remember(self, sender_id: str, request: dict[str, Any]) -> None:
        submit = request["submit"]
        self._pending.put(
            sender_id,
            SecureRequest(
                purpose=str(request.get("purpose", "secret")),
                submit_url=str(submit["url"]),
                fields=dict(submit.get("fields", {})),
                reply_intent=str(request.get("reply_intent", "secret_submitted")),
                expires_at=time.time() + self._ttl,
            ),
        )

    async def _submit(self, request: SecureRequest, digits: str) -> dict[str, str]:
        try:
            response = await self._client.post(
                request.submit_url, json={**request.fields, "pin": digits}
            )
        except httpx.HTTPError as error:
            # Log the failure kind only: the request body holds the secret.
            logger.warning(
                "secure input for %s not delivered: %s",
                request.purpose,
                type(error).__name__,
            )
            return {"secure_outcome": "unavailable"}
        if response.is_success:
            return {"secure_outcome": "verified"}
        try:
            refusal = response.json().get("error", {})
        except ValueError:
            refusal = {}
        if response.status_code >= 500 or not isinstance(refusal, dict):
            return {"secure_outcome": "unavailable"}
        outcome = {"secure_outcome": str(refusal.get("code", "rejected"))}
        if "attempts_left" in refusal:
            outcome["attempts_left"] = str(refusal["attempts_left"])
        return outcome
