"""Sending one user message to the assistant over Rasa's REST channel.

Every way the exchange can fail (server down, too slow, an error status, a body that is not a
list of bot messages) becomes one `AssistantError` whose text a user can act on, so the
shell can print it and keep going. A refusal (HTTP 4xx with ``{"error": {"message": ...}}``,
as channels/rest.py sends) passes the server's own sentence on.

Every request carries the customer's token (``Authorization: Bearer``); the channel
takes the customer from it. A 401 (the token expired) makes the transport get a
fresh token from its :class:`~clients.sign_in.TokenSource` and send once more. Every
request also names the shell's device (``X-Orderly-Device``, a new name per run), so the
customer's other devices are shown its turns and it is not shown them again.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from clients.shell.messages import BotMessage, MalformedReply, parse_reply
from clients.sign_in import SignInError, TokenSource
from contracts.bot_messages import DEVICE_HEADER
from contracts.location import ClientLocation

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
# The first message after `rasa run` starts can take several seconds (actions warm up).
DEFAULT_TIMEOUT_SECONDS = 30.0


class AssistantError(Exception):
    """The assistant could not be asked or did not answer usefully; the text says what to do.

    The text never contains what the user sent, which may have been a PIN.
    """


class RestTransport:
    """A connection to one Rasa server's REST channel, reused across messages."""

    def __init__(
        self,
        server: str,
        tokens: TokenSource,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        location: ClientLocation | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self.tokens = tokens
        self.timeout = timeout
        # Sent with every message as its metadata (`--near`): the dialogue reads it there.
        self.location = location
        # This run of the shell, as the customer's other devices know it.
        self.device = uuid.uuid4().hex
        self._client = httpx.Client(
            base_url=self.server, timeout=timeout, headers={DEVICE_HEADER: self.device}
        )

    def send(self, text: str) -> list[BotMessage]:
        """Send ``text`` as the signed-in customer; return the reply (possibly empty)."""
        try:
            response = self._post(text, self.tokens.token())
            if response.status_code == httpx.codes.UNAUTHORIZED:
                response = self._post(text, self.tokens.token(fresh=True))
        except SignInError as error:
            raise AssistantError(str(error)) from error
        return self._reply(response)

    def _post(self, text: str, token: str) -> httpx.Response:
        try:
            body: dict[str, Any] = {"message": text}
            if self.location is not None:
                body["metadata"] = self.location.metadata()
            return self._client.post(
                REST_WEBHOOK_PATH,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.TimeoutException as error:
            raise AssistantError(
                f"The assistant at {self.server} did not answer within {self.timeout:g} s; "
                "it may still be starting (--timeout waits longer)."
            ) from error
        except httpx.HTTPError as error:
            raise AssistantError(
                f"The assistant is not reachable at {self.server}; is `make serve` running?"
            ) from error

    def _reply(self, response: httpx.Response) -> list[BotMessage]:
        if response.status_code == httpx.codes.NOT_FOUND:
            raise AssistantError(
                f"{self.server} has no REST channel ({REST_WEBHOOK_PATH} answered 404); "
                "is a REST channel listed in credentials.yml?"
            )
        refusal = _refusal(response)
        if refusal:
            raise AssistantError(f"The assistant refused that message: {refusal}")
        if response.is_error:
            raise AssistantError(
                f"The assistant at {self.server} failed (HTTP {response.status_code}); "
                "see the server's log."
            )
        try:
            return parse_reply(response.json())
        except (ValueError, MalformedReply) as error:
            # json.JSONDecodeError is a ValueError; its text quotes the reply, not the request.
            raise AssistantError(
                f"The assistant at {self.server} sent a reply the shell cannot read ({error})."
            ) from error

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()


def _refusal(response: httpx.Response) -> str | None:
    """The readable reason in a 4xx ``{"error": {"message": ...}}`` body, if there is one."""
    if not response.is_client_error:
        return None
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) and message else None
