"""The two ways the Taskmaster-4 benchmark gets a cart for a turn, and the menus they use.

:class:`OfflineCart` runs the order parser alone on a lexicon (a file, or the sandbox
catalogue's merchant shaped as the action server's `GET /lexicon`); :class:`AssistantCart`
asks a running assistant, one fresh REST conversation per turn, signed in when the
merchant platform offers `POST /identity/sign-up`.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from actions.lexicon import lexicon_of
from benchmarks.taskmaster_corpus import Line, Menu, attribute_of
from bot.nlu.order_parser import OrderParser
from contracts.lexicon import Lexicon

REQUEST_TIMEOUT_SECONDS = 30.0
SIGN_UP_PATH = "/identity/sign-up"


class OfflineCart:
    """The order parser alone: its entities read as the dialogue would add them."""

    def __init__(self, lexicon: Lexicon, menu: Menu, merchant_id: str = "") -> None:
        self.parser = OrderParser(lexicon)
        self.lexicon = lexicon
        self.menu = menu
        # The merchant in use, as the NLU hears a platform lexicon ("": the whole lexicon).
        self.merchant_id = merchant_id

    def cart(self, text: str) -> list[Line]:
        groups: dict[str, dict[str, Any]] = {}
        for entity in self.parser.parse(text, self.merchant_id):
            if "group" in entity:
                groups.setdefault(entity["group"], {"options": {}}).update()
                line = groups[entity["group"]]
                if entity["entity"] == "item":
                    line["sku"], line["check"] = entity["value"], entity.get("check", False)
                elif entity["entity"] == "quantity":
                    line["quantity"] = int(entity["value"])
                elif entity["entity"] == "option":
                    group, choice = entity["value"].split(":", 1)
                    line["options"][group] = choice
        return [self._line(line) for line in groups.values() if not line.get("check")]

    def _line(self, parsed: dict[str, Any]) -> Line:
        item = self.lexicon.item(parsed["sku"])
        assert item is not None
        options = {}
        for group_id, choice_id in parsed["options"].items():
            group = item.group(group_id)
            choice = group.choice(choice_id) if group is not None else None
            attribute = attribute_of(group.name) if group is not None else None
            if attribute is not None and choice is not None:
                options[attribute] = self.menu.choice(attribute, choice.name)
        return Line(item.name, parsed.get("quantity", 1), tuple(sorted(options.items())))


class AssistantCart:
    """A running assistant: one fresh REST conversation per turn, signed in if asked."""

    def __init__(self, rasa_url: str, merchant_url: str, menu: Menu) -> None:
        self.client = httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS)
        self.rasa_url = rasa_url.rstrip("/")
        self.merchant_url = merchant_url.rstrip("/")
        self.menu = menu
        self.signs_in = True

    def cart(self, text: str) -> list[Line]:
        return self.timed_cart(text)[0]

    def timed_cart(self, text: str) -> tuple[list[Line], float]:
        """The cart, and the seconds the turn took (the sign-in before it not counted)."""
        sender = new_customer_id()
        headers = self._sign_in(sender)
        started = time.perf_counter()
        response = self.client.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers=headers,
        )
        seconds = time.perf_counter() - started
        response.raise_for_status()
        carts = [m["custom"]["cart"] for m in response.json() if "cart" in (m.get("custom") or {})]
        lines = [self._line(line) for line in carts[-1].get("lines", [])] if carts else []
        return lines, seconds

    def _sign_in(self, sender: str) -> dict[str, str]:
        if not self.signs_in:
            return {}
        try:
            response = sign_in(self.client, self.merchant_url, sender)
        except httpx.HTTPError:
            response = None
        if response is None or response.status_code in (404, 405):
            self.signs_in = False  # a platform without identity: the channel is open
            return {}
        return bearer(response)

    def _line(self, line: dict[str, Any]) -> Line:
        options = {}
        for option in line.get("options") or []:
            attribute = attribute_of(str(option.get("group", "")))
            if attribute is not None:
                options[attribute] = self.menu.choice(attribute, str(option.get("choice", "")))
        name = self.menu.item_name(str(line.get("name", ""))) or str(line.get("name"))
        return Line(name, int(line.get("quantity", 1)), tuple(sorted(options.items())))


def served_menu(merchant_url: str, merchant_id: str) -> Menu:
    """The menu the assistant serves: item names, option choices and their defaults."""
    merchant_url = merchant_url.rstrip("/")
    url = f"{merchant_url}/merchants/{merchant_id}/menu"
    params = {"include_unavailable": "true"}
    with httpx.Client(timeout=REQUEST_TIMEOUT_SECONDS) as client:
        response = client.get(url, params=params)
        if response.status_code == httpx.codes.UNAUTHORIZED:  # a platform that wants a customer
            headers = bearer(sign_in(client, merchant_url, new_customer_id()))
            response = client.get(url, params=params, headers=headers)
    response.raise_for_status()
    body = response.json()
    return Menu.from_items(body["items"] if isinstance(body, dict) else body)


def new_customer_id() -> str:
    return f"taskmaster-{uuid.uuid4().hex[:12]}"


def sign_in(client: httpx.Client, merchant_url: str, customer_id: str) -> httpx.Response:
    """The sandbox sign-up's answer for a new customer."""
    return client.post(
        f"{merchant_url}{SIGN_UP_PATH}",
        json={"customer_id": customer_id, "password": uuid.uuid4().hex},
    )


def bearer(signed_in: httpx.Response) -> dict[str, str]:
    """The headers that carry a successful sign-in's token."""
    signed_in.raise_for_status()
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


def read_lexicon(path: Path | None, merchant_id: str) -> Lexicon:
    """A lexicon file, or the sandbox catalogue's merchant shaped as `GET /lexicon` does
    (by the action server's own builder)."""
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            return Lexicon.from_json(json.load(handle))
    from merchant.packs import load_packs  # the sandbox's own data, offline only

    merchant = next(m for m in load_packs() if m.id == merchant_id)
    return lexicon_of(merchant.id, merchant.items, merchant.listed)


def lexicon_menu(lexicon: Lexicon) -> Menu:
    """The offline run's menu: the lexicon's item names, option choices and defaults."""
    return Menu.from_items(
        {
            "name": item.name,
            "options": [
                {"name": g.name, "default": g.default, "choices": [c.dict() for c in g.choices]}
                for g in item.options
            ],
        }
        for item in lexicon.items
    )
