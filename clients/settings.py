"""Where the clients (shell, voice client, benchmarks) find the services, and keep their files.

Each client builds ``ClientSettings.from_env()`` once in its ``main`` and takes its defaults from
it: a service moved with ``ORDERLY_RASA_PORT`` or ``ORDERLY_MERCHANT_PORT`` is found without a
command-line option. Variables: docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import Field

from contracts.settings import OrderlySettings, url_of_port

VOICE_PATH = "/webhooks/voice/ws"


class ClientSettings(OrderlySettings):
    rasa_port: int = Field(
        default=5005, ge=1, le=65535, description="the Rasa server's port, when no URL is given"
    )
    rasa_url: str = Field(
        default="",
        description="the Rasa server the clients talk to; unset: "
        "`http://127.0.0.1:$ORDERLY_RASA_PORT`",
    )
    merchant_port: int = Field(
        default=8088,
        ge=1,
        le=65535,
        description="the merchant platform's port, when no URL is given",
    )
    merchant_url: str = Field(
        default="",
        description="the merchant platform that signs customers in; unset: "
        "`http://127.0.0.1:$ORDERLY_MERCHANT_PORT`",
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="where the shell keeps your sandbox customer (`identity/`, owner-only)",
    )

    _rasa_url = url_of_port("rasa_url", "rasa_port")
    _merchant_url = url_of_port("merchant_url", "merchant_port")

    @property
    def identity_dir(self) -> Path:
        return self.data_dir / "identity"

    @property
    def voice_url(self) -> str:
        """The voice websocket of ``rasa_url`` (``ws://`` or ``wss://``)."""
        url = httpx.URL(self.rasa_url)
        scheme = "wss" if url.scheme == "https" else "ws"
        return str(url.copy_with(scheme=scheme, path=VOICE_PATH))
