"""Linking a Home Assistant device: only with the customer's password, and never half-done.

The merchant's sign-in is a stand-in here (the real one, through ``python -m launch
link-device``: tests/ecosystem/test_wyoming_assist.py).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest

from channels.wyoming.devices import DeviceLinks
from launch.link_device import LinkRefused, link_device, read_password

MERCHANT = "http://merchant.test"
DEVICE = "4c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"


class SignIn:
    """Accepts one password for ``alice``; refuses anything else as the platform does."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []

    def client(self) -> httpx.Client:
        def answer(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content)
            self.requests.append(body)
            if body == {"customer_id": "alice", "password": "right"}:
                return httpx.Response(200, json={"token": "t", "expires_in": 3600})
            error = {"code": "invalid_credentials", "message": "Wrong customer id or password."}
            return httpx.Response(401, json={"error": error})

        return httpx.Client(transport=httpx.MockTransport(answer))


def test_the_customers_password_links_the_device(tmp_path: Path) -> None:
    links = DeviceLinks(tmp_path / "devices.json")
    link_device(links, DEVICE, "alice", "right", MERCHANT, SignIn().client())
    assert links.customer_of(DEVICE) == "alice"


def test_a_wrong_password_links_nothing_and_says_why(tmp_path: Path) -> None:
    links = DeviceLinks(tmp_path / "devices.json")
    with pytest.raises(LinkRefused, match="Wrong customer id or password"):
        link_device(links, DEVICE, "alice", "guess", MERCHANT, SignIn().client())
    assert links.customer_of(DEVICE) is None and not links.path.exists()


def test_a_malformed_device_id_is_refused_before_the_password_is_sent(tmp_path: Path) -> None:
    sign_in = SignIn()
    with pytest.raises(LinkRefused, match="not a device id"):
        link_device(
            DeviceLinks(tmp_path / "d.json"), "../x", "alice", "right", MERCHANT, sign_in.client()
        )
    assert sign_in.requests == []


def test_a_merchant_that_is_not_running_is_named(tmp_path: Path) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(down))
    with pytest.raises(LinkRefused, match="not answering.*make serve"):
        link_device(DeviceLinks(tmp_path / "d.json"), DEVICE, "alice", "x", MERCHANT, client)


def test_the_password_is_read_from_standard_input_for_scripts() -> None:
    assert read_password(True, io.StringIO("s3cret pass\n")) == "s3cret pass"
    with pytest.raises(LinkRefused, match="No password"):
        read_password(True, io.StringIO("\n"))
