"""The real sandbox merchant app behind the real adapter, in process (httpx's ASGI transport),
with every request the adapter sends recorded for the tests to inspect. Both sides share a
fresh random service token, as the launcher arranges for the real services."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

import httpx

from actions.merchants.sandbox import SandboxBackend
from actions.settings import Settings as ActionSettings
from merchant.app import create_app
from merchant.settings import Settings as MerchantSettings
from tests.seeded_merchant import seeded_data_dir

BREAKFAST_TIME = datetime.fromisoformat("2026-11-24T08:00:00+08:00")
BASE_URL = "http://merchant.test"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Hands requests to the app and keeps each one, so tests can read headers and bodies."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def sandbox_backend(
    data_dir: Path, merchant_id: str
) -> tuple[SandboxBackend, RecordingTransport, httpx.AsyncClient]:
    service_token = secrets.token_urlsafe(32)
    app = create_app(
        MerchantSettings(
            data_dir=seeded_data_dir(data_dir),
            fixed_now=BREAKFAST_TIME,
            jwt_secret=secrets.token_urlsafe(32),
            service_token=service_token,
        )
    )
    transport = RecordingTransport(httpx.ASGITransport(app=app))
    client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
    settings = ActionSettings(
        merchant_url=BASE_URL, merchant_id=merchant_id, merchant_service_token=service_token
    )
    return SandboxBackend(settings, client=client), transport, client
