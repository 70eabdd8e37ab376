"""The merchant platform's side of watching it run: orders, payments and PIN attempts by
outcome on /metrics (never a PIN), and one JSON log line per request under the turn's id."""

from __future__ import annotations

from pathlib import Path

from merchant_harness import Api, new_secret
from prometheus_client import REGISTRY

from merchant.app import create_app
from merchant.settings import Settings
from tests.json_logs import json_logs

PIN_LIKE = "975318"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_orders_payments_and_pin_attempts_are_counted_by_outcome(api: Api) -> None:
    placed = sample("orderly_orders_total", outcome="placed")
    captured = sample("orderly_payments_total", outcome="captured")
    api.order(key="order-1")
    order = api.order(key="order-1")  # a retry replays the first (new token): still one order
    assert api.pay(order).status_code == 201
    refused = api.pay(order)  # paid already
    refusal = refused.json()["error"]["code"]
    verification = api.verify_pin(api.order(), PIN_LIKE)
    outcome = (
        verification.json()["error"]["code"] if verification.status_code >= 400 else "verified"
    )
    assert sample("orderly_orders_total", outcome="placed") == placed + 2
    assert sample("orderly_payments_total", outcome="captured") == captured + 1
    assert sample("orderly_payments_total", outcome=refusal) >= 1
    assert sample("orderly_pin_attempts_total", outcome=outcome) >= 1
    text = api.anonymous().get("/metrics").text
    assert "orderly_merchant_request_seconds_bucket" in text
    assert 'route="/orders"' in text and 'route="/accounts/{customer_id}/pin-verifications"' in text
    assert PIN_LIKE not in text


def test_every_request_is_logged_once_under_the_turn_id_the_action_server_sent(api: Api) -> None:
    with json_logs("merchant") as logs:
        headers = {**api.as_customer("u1"), "X-Orderly-Turn": "c0ffee0000000001"}
        api.http.get("/merchants/golden-crumb/menu", headers=headers)
        api.http.get("/merchants/golden-crumb/menu", headers={"X-Orderly-Turn": "bad id {}"})
        requests = [r for r in logs.records() if r["event"] == "request"]
    first, second = requests
    assert (first["turn_id"], first["route"], first["status"]) == (
        "c0ffee0000000001",
        "/merchants/{merchant_id}/menu",
        200,
    )
    assert second["turn_id"] != "bad id {}" and len(second["turn_id"]) == 32


def test_metrics_need_the_token_when_one_is_configured(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, jwt_secret=new_secret(), metrics_token="scrape-me-0123456789"
    )
    with Api(create_app(settings)) as api:
        stranger = api.anonymous()
        assert stranger.get("/metrics").status_code == 401
        scraper = {"Authorization": "Bearer scrape-me-0123456789"}
        assert stranger.get("/metrics", headers=scraper).status_code == 200
        assert "/metrics" not in api.anonymous().get("/openapi.json").json()["paths"]
