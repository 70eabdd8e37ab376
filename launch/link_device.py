"""``python -m launch link-device DEVICE_ID --customer CUSTOMER_ID``: a Home Assistant device
orders for this customer from now on.

Only the customer can link: their password is checked at the merchant platform's sign-in
(``POST /identity/sign-in``) of the running assistant (``make serve``) before the link is
written where the Wyoming channel reads it (``channels.wyoming.devices``). The password is
asked for without echo, or read from standard input with ``--password-stdin`` (scripts).
In the sandbox a customer's first sign-in sets their password, as everywhere in Orderly.
"""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

import httpx

from channels.wyoming.devices import DeviceLinks, LinkError, check_ids

SIGN_IN_TIMEOUT_S = 30.0


class LinkRefused(RuntimeError):
    """The device was not linked; the message says why and what to do."""


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    password = stdin.readline().rstrip("\r\n") if from_stdin else getpass.getpass("Password: ")
    if not password:
        raise LinkRefused("No password given.")
    return password


def link_device(
    links: DeviceLinks,
    device_id: str,
    customer_id: str,
    password: str,
    merchant_url: str,
    client: httpx.Client | None = None,
) -> None:
    """Check ``password`` for ``customer_id``, then link the device; :class:`LinkRefused` if not."""
    try:
        check_ids(device_id, customer_id)  # before the password goes anywhere
    except LinkError as error:
        raise LinkRefused(str(error)) from None
    try:
        with client or httpx.Client(timeout=SIGN_IN_TIMEOUT_S) as http:
            answer = http.post(
                f"{merchant_url.rstrip('/')}/identity/sign-in",
                json={"customer_id": customer_id, "password": password},
            )
    except httpx.HTTPError as error:
        raise LinkRefused(
            f"The merchant platform at {merchant_url} is not answering ({type(error).__name__}): "
            "start the assistant first (make serve)."
        ) from None
    if not answer.is_success:
        try:
            refusal = answer.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            refusal = f"HTTP {answer.status_code}"
        raise LinkRefused(f"Sign-in refused for {customer_id}: {refusal}")
    try:
        links.link(device_id, customer_id)
    except LinkError as error:
        raise LinkRefused(str(error)) from None
