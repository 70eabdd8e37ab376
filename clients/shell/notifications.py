"""News of the customer's orders while the shell waits for typing: "Your order is ready",
and the turns the customer takes on their other devices (the voice client, the widget).

The store's changes reach every client through the REST channel's long poll,
``GET /webhooks/rest/notifications`` (channels/notifications.py): a background thread keeps
one request waiting there and prints what comes back, above the prompt. The body is
``contracts.bot_messages.Notifications``, read with the class the channel writes it with.
The poll names the shell's device (``X-Orderly-Device``, as its messages do) so that the
shell's own turns are not handed back to it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from pydantic import ValidationError

from clients.shell.messages import BotMessage, MalformedReply, parse_reply
from clients.sign_in import SignInError, TokenSource
from contracts.bot_messages import DEVICE_HEADER, Notifications, SharedTurn
from contracts.bot_messages import BotMessage as ContractMessage

NOTIFICATIONS_PATH = "/webhooks/rest/notifications"
# How long each poll waits at the channel (the channel caps it), and the pause after a
# failure (server restarting, network gone) before asking again.
WAIT_SECONDS = 25.0
RETRY_SECONDS = 5.0
# Beyond the wait: the channel answers within it, this covers a slow network.
GRACE_SECONDS = 15.0


@dataclass(frozen=True)
class TurnElsewhere:
    """A turn the customer took on another device: what they said there (empty and
    ``masked`` when it was about the PIN) and the assistant's answer, which may ask a
    question the shell can answer now; the PIN is asked for only there."""

    said: str
    masked: bool
    pin_asked_there: bool
    reply: list[BotMessage]


@dataclass(frozen=True)
class Unasked:
    """What one poll brought: news of the customer's orders, and turns taken elsewhere."""

    news: list[BotMessage] = field(default_factory=list)
    turns: list[TurnElsewhere] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.news or self.turns)


class NotificationListener:
    """A daemon thread that long-polls for the customer's news and the turns they take on
    other devices, and hands each batch to ``show``; ``stop()`` ends it (at the latest when
    the waiting poll returns). ``device`` is the shell's name, the one its messages carry."""

    def __init__(
        self,
        server: str,
        tokens: TokenSource,
        show: Callable[[Unasked], None],
        *,
        device: str | None = None,
        wait: float = WAIT_SECONDS,
        retry: float = RETRY_SECONDS,
    ) -> None:
        headers = {DEVICE_HEADER: device} if device else {}
        self._client = httpx.Client(
            base_url=server.rstrip("/"), timeout=wait + GRACE_SECONDS, headers=headers
        )
        self._tokens = tokens
        self._show = show
        self._wait = wait
        self._retry = retry
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notifications", daemon=True)

    def start(self) -> NotificationListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._client.close()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                news = self.poll()
            except (httpx.HTTPError, SignInError, MalformedReply):
                if self._stopped.is_set():
                    return
                self._stopped.wait(self._retry)
                continue
            if news and not self._stopped.is_set():
                self._show(news)

    def poll(self) -> Unasked:
        """One long poll: what came within the wait (often nothing)."""
        response = self._get(self._tokens.token())
        if response.status_code == httpx.codes.UNAUTHORIZED:
            response = self._get(self._tokens.token(fresh=True))
        response.raise_for_status()
        try:
            said = Notifications.parse_obj(response.json())
        except (ValueError, ValidationError) as error:
            raise MalformedReply(f"unreadable notifications ({error})") from error
        return Unasked(news=_reply(said.messages), turns=[_elsewhere(t) for t in said.turns])

    def _get(self, token: str) -> httpx.Response:
        return self._client.get(
            NOTIFICATIONS_PATH,
            params={"wait": self._wait},
            headers={"Authorization": f"Bearer {token}"},
        )


def _reply(messages: list[ContractMessage]) -> list[BotMessage]:
    return parse_reply([json.loads(m.json(exclude_none=True)) for m in messages])


def _elsewhere(turn: SharedTurn) -> TurnElsewhere:
    return TurnElsewhere(turn.said, turn.masked, turn.pin_asked_there, _reply(turn.messages))
