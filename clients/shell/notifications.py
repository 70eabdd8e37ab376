"""News of the customer's orders while the shell waits for typing: "Your order is ready".

The store's changes reach every client through the REST channel's long poll,
``GET /webhooks/rest/notifications`` (channels/notifications.py): a background thread keeps
one request waiting there and prints what comes back, above the prompt. The body is
``contracts.bot_messages.Notifications``, read with the class the channel writes it with.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence

import httpx
from pydantic import ValidationError

from clients.shell.messages import BotMessage, MalformedReply, parse_reply
from clients.sign_in import SignInError, TokenSource
from contracts.bot_messages import Notifications

NOTIFICATIONS_PATH = "/webhooks/rest/notifications"
# How long each poll waits at the channel (the channel caps it), and the pause after a
# failure (server restarting, network gone) before asking again.
WAIT_SECONDS = 25.0
RETRY_SECONDS = 5.0
# Beyond the wait: the channel answers within it, this covers a slow network.
GRACE_SECONDS = 15.0


class NotificationListener:
    """A daemon thread that long-polls for the customer's news and hands each batch to
    ``show``; ``stop()`` ends it (at the latest when the waiting poll returns)."""

    def __init__(
        self,
        server: str,
        tokens: TokenSource,
        show: Callable[[Sequence[BotMessage]], None],
        *,
        wait: float = WAIT_SECONDS,
        retry: float = RETRY_SECONDS,
    ) -> None:
        self._client = httpx.Client(base_url=server.rstrip("/"), timeout=wait + GRACE_SECONDS)
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

    def poll(self) -> list[BotMessage]:
        """One long poll: the news that came within the wait (often none)."""
        response = self._get(self._tokens.token())
        if response.status_code == httpx.codes.UNAUTHORIZED:
            response = self._get(self._tokens.token(fresh=True))
        response.raise_for_status()
        try:
            said = Notifications.parse_obj(response.json())
        except (ValueError, ValidationError) as error:
            raise MalformedReply(f"unreadable notifications ({error})") from error
        return parse_reply([json.loads(m.json(exclude_none=True)) for m in said.messages])

    def _get(self, token: str) -> httpx.Response:
        return self._client.get(
            NOTIFICATIONS_PATH,
            params={"wait": self._wait},
            headers={"Authorization": f"Bearer {token}"},
        )
