"""The action server's adapter (actions/merchants/sandbox.py) against the real platform app.

httpx's ASGI transport runs the platform in-process: the adapter's requests, headers and
error mapping meet the real routes, without a server process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from merchant_harness import Api, new_secret

from actions.merchants.backend import LineRequest, MerchantRejected, OrderRequest
from actions.merchants.sandbox import (
    MAX_TRANSCRIPT_CHARACTERS,
    MAX_TRANSCRIPT_LINES,
    SandboxBackend,
    fit_transcript,
)
from actions.settings import Settings as ActionSettings

MERCHANT_URL = "http://merchant.test"
PIN = "30517"


def adapter(api: Api, service_token: str | None = None) -> SandboxBackend:
    settings = ActionSettings(
        merchant_url=MERCHANT_URL,
        merchant_service_token=service_token or api.service_token,
        merchant_retry_delays_seconds=(),
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url=MERCHANT_URL)
    return SandboxBackend(settings, client)


@pytest.fixture
async def backend(api: Api) -> AsyncIterator[SandboxBackend]:
    yield adapter(api)


def cola_order(customer_id: str) -> OrderRequest:
    return OrderRequest(
        customer_id=customer_id, merchant_id="golden-crumb", lines=(LineRequest("cola", 2),)
    )


async def test_order_pay_and_cancel_for_the_named_customer(
    api: Api, backend: SandboxBackend
) -> None:
    placed = await backend.place_order(cola_order("alice"), idempotency_key="o-1")
    order_id = placed.order.id
    assert (await backend.order("alice", order_id)).total == 1600
    payment = await backend.pay("alice", order_id, placed.confirmation_token, 1600, "p-1")
    assert (payment.amount, payment.status) == (1600, "captured")
    assert [o.status for o in await backend.orders("alice")] == ["paid"]
    assert await backend.orders("bob") == []
    with pytest.raises(MerchantRejected) as refused:
        await backend.cancel_order("bob", order_id, "c-bob")
    assert refused.value.code == "order_not_found"
    assert (await backend.cancel_order("alice", order_id, "c-1")).status == "refunded"
    assert (await backend.account("alice")).balance == 50_000


async def test_refusals_carry_contract_codes_and_customer_sentences(
    api: Api, backend: SandboxBackend
) -> None:
    placed = await backend.place_order(cola_order("alice"), idempotency_key="o-2")
    with pytest.raises(MerchantRejected) as mismatch:
        await backend.pay("alice", placed.order.id, placed.confirmation_token, 800, "p-2")
    assert mismatch.value.code == "amount_mismatch"
    assert "haven't charged" in mismatch.value.message
    assert mismatch.value.details == {"amount": 800, "total": 1600}
    api.clock.advance(api.app.state.runtime.confirmation_ttl * 2)
    with pytest.raises(MerchantRejected) as expired:
        await backend.pay("alice", placed.order.id, placed.confirmation_token, 1600, "p-3")
    assert expired.value.code == "confirmation_expired"


async def test_a_wrong_service_token_is_unauthorized(api: Api) -> None:
    with pytest.raises(MerchantRejected) as refused:
        await adapter(api, service_token=new_secret()).orders("alice")
    assert refused.value.code == "unauthorized"
    assert "sign in" in refused.value.message


async def test_the_pin_target_needs_the_customers_own_token(
    api: Api, backend: SandboxBackend
) -> None:
    token = api.sign_up("alice")  # before an order creates the account
    api.set_pin(PIN, customer_id="alice")
    placed = await backend.place_order(cola_order("alice"), idempotency_key="o-3")
    target = backend.pin_verification_target("alice", placed.order.id)
    assert target.url == f"{MERCHANT_URL}/accounts/alice/pin-verifications"
    path = target.url.removeprefix(MERCHANT_URL)
    body = {**target.fields, "pin": PIN}
    assert api.anonymous().post(path, json=body).status_code == 401
    posted = api.anonymous().post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 200


async def test_ids_cannot_add_path_segments(backend: SandboxBackend) -> None:
    target = backend.pin_verification_target("a/../b", "1001")
    assert target.url == f"{MERCHANT_URL}/accounts/a%2F..%2Fb/pin-verifications"
    with pytest.raises(MerchantRejected) as refused:
        await backend.order("alice", "../accounts/alice")
    # One escaped segment: no route matches it, so it never reaches /accounts/alice.
    assert refused.value.code == "not_found"


async def test_a_repeated_handoff_is_one_handoff(api: Api, backend: SandboxBackend) -> None:
    first = await backend.request_handoff("alice", "asked for a person", ["a cola", "a person"])
    again = await backend.request_handoff("alice", "asked for a person", ["a cola", "a person"])
    other = await backend.request_handoff("alice", "asked for a person", ["something else"])
    assert first == again != other
    listed = api.http.get("/handoffs", headers=api.as_customer("alice")).json()["handoffs"]
    assert len(listed) == 2


async def test_a_long_transcript_keeps_its_latest_turns(api: Api, backend: SandboxBackend) -> None:
    said = [f"turn {n} " + "x" * 500 for n in range(300)]
    kept = fit_transcript(said)
    assert kept == said[-len(kept) :] and kept[-1] == said[-1]
    assert len(kept) <= MAX_TRANSCRIPT_LINES
    assert sum(map(len, kept)) <= MAX_TRANSCRIPT_CHARACTERS
    reference = await backend.request_handoff("alice", "asked for a person", said)
    stored = api.http.get(f"/handoffs/{reference}", headers=api.as_customer("alice")).json()
    assert stored["transcript"] == kept


def test_the_adapter_settings_read_the_service_token(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = new_secret()
    monkeypatch.setenv("ORDERLY_SERVICE_TOKEN", secret)
    settings = ActionSettings.from_env()
    assert settings.merchant_service_token == secret
    assert secret not in repr(settings) and secret not in repr(settings.replace())
