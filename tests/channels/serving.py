"""Serving channel blueprints on a real Sanic server on loopback, without Rasa.

Sanic 21.12 "touches up" its classes the first time an app starts and fails on a
second app in the same process unless ``Sanic.test_mode`` is on, which keeps the
original methods to touch up again. So every test module can start its own server.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urljoin

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

Dialogue = Callable[[UserMessage], Awaitable[Any]]
WEBHOOKS = "/webhooks/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve_channels(
    channels: list[InputChannel],
    dialogue: Dialogue,
    configure: Callable[[Sanic], None] | None = None,
) -> AsyncIterator[str]:
    """Serve ``channels`` under ``/webhooks/<url_prefix>/`` as Rasa does; yield the base URL."""
    Sanic.test_mode = True
    app = Sanic(f"channels_{uuid.uuid4().hex[:8]}")
    if configure is not None:
        configure(app)
    for channel in channels:
        # Rasa's own join (rasa.core.channels.channel.register): "/" mounts at the root.
        app.blueprint(
            channel.blueprint(dialogue), url_prefix=urljoin(WEBHOOKS, channel.url_prefix())
        )
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    # Listeners that set the app up (Rasa's CORS middleware registers itself here); the
    # after-start ones (e.g. loading speech engines) are not run.
    await server.before_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.close()
