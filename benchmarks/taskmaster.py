"""Taskmaster-4 benchmark: first coffee orders written by people, against the cart.

    python -m benchmarks.taskmaster                  # a running assistant serving copper-kettle
    python -m benchmarks.taskmaster --offline        # the order parser alone, in seconds

Taskmaster-4 (Google, CC BY 4.0; see ../shared/data/taskmaster-4/README.md) holds
self-dialogs of people ordering coffee, each customer turn annotated with the API calls
a perfect agent makes. For each dialog, the first customer turn with an
`add_order_item` annotation is sent as the first message of a fresh conversation; the
cart in the reply (`custom.cart`, lines with name, quantity and options) is compared
with the annotations: items and quantities first, then the four annotated options
(milk, espresso shots, caffeine, hot or iced) of the turns whose items were right.
Items that the Copper Kettle menu does not have (a "ginger green cold steep tea") are
counted apart and left out of the rates.

Online, each conversation signs in first when the merchant platform offers
`POST /identity/sign-in` (the REST channel then wants the token) and goes without a
token otherwise. `--offline` parses the turns with `OrderParser` instead, on the sandbox
catalogue's Copper Kettle lexicon (or `--lexicon FILE`): an item marked `check` counts as
not added (the dialogue would ask first), and only the options the parser heard are set.
The data stays where it is: nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rapidfuzz import fuzz, process

from bot.nlu.lexicon import Lexicon
from bot.nlu.order_parser import OrderParser

ROOT = Path(__file__).resolve().parent.parent
# The shared folder sits beside the repository; ORDERLY_TASKMASTER_DATA or --data overrides.
DATA_ENV = "ORDERLY_TASKMASTER_DATA"
DEFAULT_DATA = Path(os.environ.get(DATA_ENV) or ROOT.parent / "shared" / "data" / "taskmaster-4")
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_MERCHANT_URL = "http://127.0.0.1:8088"
MERCHANT_ID = "copper-kettle"
REQUEST_TIMEOUT_SECONDS = 30.0
# Online runs take minutes: say how far along they are this often (in turns).
PROGRESS_EVERY = 100
# An annotated item or option name this close to a menu name is that name ("cappuccion").
NAME_MIN_SCORE = 80.0
# Annotated attribute ids, and the words of the cart's group names that mean them.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "milk-options": ("milk",),
    "espresso-shots": ("shot", "espresso"),
    "caffeine": ("caffeine", "decaf"),
    "hot-or-iced": ("temperature", "hot", "iced"),
}
# Annotators' other words for a choice.
CHOICE_SYNONYMS = {"skim": "nonfat", "2": "2", "decafe": "decaf", "dobule": "double"}


@dataclass(frozen=True)
class Line:
    """One order line, by item name, with its annotated options as {attribute: choice}."""

    name: str
    quantity: int
    options: tuple[tuple[str, str], ...] = ()


@dataclass
class Turn:
    dialog_id: str
    text: str
    expected: list[Line]
    off_menu: list[str] = field(default_factory=list)


@dataclass
class Menu:
    """Item names and each item's default choices, normalised like the annotations."""

    names: dict[str, str]  # normalised name -> display name
    defaults: dict[str, dict[str, str]]  # display name -> {attribute: choice}
    choices: dict[str, set[str]]  # attribute -> normalised choice names

    @classmethod
    def from_items(cls, items: Iterable[dict[str, Any]]) -> Menu:
        names: dict[str, str] = {}
        defaults: dict[str, dict[str, str]] = {}
        choices: dict[str, set[str]] = {attribute: set() for attribute in ATTRIBUTES}
        for item in items:
            names[squash(item["name"])] = item["name"]
            defaults[item["name"]] = {}
            for group in item.get("options", []):
                attribute = attribute_of(group["name"])
                if attribute is None:
                    continue
                by_id = {c["id"]: c["name"] for c in group.get("choices", [])}
                choices[attribute] |= {choice_key(name) for name in by_id.values()}
                if group.get("default") in by_id:
                    defaults[item["name"]][attribute] = choice_key(by_id[group["default"]])
        return cls(names, defaults, choices)

    def item_name(self, annotated: str) -> str | None:
        """The menu name an annotated name means, or None if the menu lacks it."""
        key = squash(annotated)
        if key in self.names:
            return self.names[key]
        inside = [name for name in self.names if name in key]
        if inside:
            return self.names[max(inside, key=len)]
        found = process.extractOne(key, list(self.names), scorer=fuzz.ratio)
        if found is not None and found[1] >= NAME_MIN_SCORE:
            return self.names[found[0]]
        return None

    def choice(self, attribute: str, annotated: str) -> str:
        key = choice_key(annotated)
        key = CHOICE_SYNONYMS.get(key, key)
        known = self.choices.get(attribute, set())
        if key in known or not known:
            return key
        found = process.extractOne(key, list(known), scorer=fuzz.ratio)
        return found[0] if found is not None and found[1] >= NAME_MIN_SCORE else key


def squash(name: str) -> str:
    """Lower case, no brackets, letters and digits only: "Chai latte-" -> "chailatte"."""
    return re.sub(r"[^a-z0-9%]", "", re.sub(r"\(.*?\)", "", name.lower()))


def choice_key(name: str) -> str:
    """ "2% Lactose-Free Milk" -> "2lactosefree", "Non-fat" -> "nonfat"."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\bmilk\b", "", name.lower())) or name.lower()


def attribute_of(name: str) -> str | None:
    """The annotated attribute a cart group or annotation id names ("Milk" -> milk-options)."""
    key = name.lower().strip()
    for attribute, words in ATTRIBUTES.items():
        if key == attribute or any(word in key for word in words):
            return attribute
    found = process.extractOne(key, list(ATTRIBUTES), scorer=fuzz.ratio)
    return found[0] if found is not None and found[1] >= NAME_MIN_SCORE else None


# --- the data ----------------------------------------------------------------------------


def load_turns(data_dir: Path, menu: Menu) -> list[Turn]:
    """Each dialog's first customer turn that adds an item, with what it adds."""
    turns: list[Turn] = []
    for path in sorted(data_dir.glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            dialogs = json.load(handle)
        for dialog in dialogs:
            turn = _first_order(dialog, menu)
            if turn is not None:
                turns.append(turn)
    return turns


def _first_order(dialog: dict[str, Any], menu: Menu) -> Turn | None:
    for utterance in dialog.get("utterances", []):
        if utterance.get("speaker") != "user":
            continue
        calls: dict[str, dict[str, str]] = {}
        for note in utterance.get("annotations") or []:
            calls.setdefault(note.get("context", ""), {})[note["name"]] = note["value"]
        adds = [c for c in calls.values() if c.get("api_call") == "add_order_item"]
        if not adds:
            continue
        names = _menu_item_names(calls.values())
        turn = Turn(dialog["conversation_id"], utterance["text"], [])
        for call in adds:
            request = _json(call.get("request", ""))
            item_id = str(request.get("menu_item_id", ""))
            annotated = names.get(item_id) or re.sub(r"-?\s*\d+$", "", item_id).replace("-", " ")
            name = menu.item_name(annotated)
            if name is None:
                turn.off_menu.append(annotated)
                continue
            options = {}
            for attribute in request.get("attributes") or []:
                which = attribute_of(str(attribute.get("attribute_id", "")))
                if which is not None:
                    options[which] = menu.choice(which, str(attribute.get("option", "")))
            quantity = int(str(request.get("quantity") or 1).strip() or 1)
            turn.expected.append(Line(name, quantity, tuple(sorted(options.items()))))
        return turn
    return None


def _menu_item_names(calls: Iterable[dict[str, str]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for call in calls:
        if call.get("api_response") == "get_menu_items":
            for item in _json(call.get("response", "")).get("menu_items", []):
                names[str(item.get("menu_item_id"))] = str(item.get("name", ""))
    return names


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


# --- scoring -----------------------------------------------------------------------------


def units(lines: Iterable[Line], menu: Menu) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """One entry per cup, with only the options that differ from the item's defaults."""
    counted: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    for line in lines:
        defaults = menu.defaults.get(line.name, {})
        options = tuple((a, c) for a, c in line.options if defaults.get(a) != c)
        counted[(line.name, options)] += line.quantity
    return counted


def score(turn: Turn, cart: Sequence[Line], menu: Menu) -> tuple[bool, bool]:
    """(items and quantities right, options right too)."""
    wanted: Counter[str] = Counter()
    got: Counter[str] = Counter()
    for line in turn.expected:
        wanted[line.name] += line.quantity
    for line in cart:
        got[line.name] += line.quantity
    items_right = wanted == got
    return items_right, items_right and units(turn.expected, menu) == units(cart, menu)


# --- the two ways to get a cart ----------------------------------------------------------


class OfflineCart:
    """The order parser alone: its entities read as the dialogue would add them."""

    def __init__(self, lexicon: Lexicon, menu: Menu) -> None:
        self.parser = OrderParser(lexicon)
        self.lexicon = lexicon
        self.menu = menu

    def cart(self, text: str) -> list[Line]:
        groups: dict[str, dict[str, Any]] = {}
        for entity in self.parser.parse(text):
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
        sender = f"taskmaster-{uuid.uuid4().hex[:12]}"
        headers = self._sign_in(sender)
        response = self.client.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers=headers,
        )
        response.raise_for_status()
        carts = [m["custom"]["cart"] for m in response.json() if "cart" in (m.get("custom") or {})]
        return [self._line(line) for line in carts[-1].get("lines", [])] if carts else []

    def _sign_in(self, sender: str) -> dict[str, str]:
        if not self.signs_in:
            return {}
        try:
            response = self.client.post(
                f"{self.merchant_url}/identity/sign-in",
                json={"customer_id": sender, "password": uuid.uuid4().hex},
            )
        except httpx.HTTPError:
            response = None
        if response is None or response.status_code in (404, 405):
            self.signs_in = False  # a platform without identity: the channel is open
            return {}
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}

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
    url = f"{merchant_url.rstrip('/')}/merchants/{merchant_id}/menu"
    params = {"include_unavailable": "true"}
    response = httpx.get(url, params=params, timeout=REQUEST_TIMEOUT_SECONDS)
    if response.status_code == httpx.codes.UNAUTHORIZED:  # a platform that wants a customer
        sign_in = httpx.post(
            f"{merchant_url.rstrip('/')}/identity/sign-in",
            json={
                "customer_id": f"taskmaster-{uuid.uuid4().hex[:12]}",
                "password": uuid.uuid4().hex,
            },
            timeout=REQUEST_TIMEOUT_SECONDS,
        )
        sign_in.raise_for_status()
        headers = {"Authorization": f"Bearer {sign_in.json()['token']}"}
        response = httpx.get(url, params=params, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS)
    response.raise_for_status()
    body = response.json()
    return Menu.from_items(body["items"] if isinstance(body, dict) else body)


def read_lexicon(path: Path | None, merchant_id: str) -> Lexicon:
    """A lexicon file, or the sandbox catalogue's merchant shaped as `GET /lexicon` does."""
    if path is not None:
        with open(path, encoding="utf-8") as handle:
            return Lexicon.from_json(json.load(handle))
    from merchant.seed import load_catalogue  # the sandbox's own data, offline only

    merchant = next(m for m in load_catalogue().merchants if m.id == merchant_id)
    return Lexicon.from_json(
        {
            "merchant_id": merchant.id,
            "items": [
                {
                    "sku": item.sku,
                    "name": item.name,
                    "aliases": list(item.aliases),
                    "options": [
                        {
                            "group": group.id,
                            "name": group.name,
                            "default": group.default,
                            "choices": [c.dict() for c in group.choices],
                        }
                        for group in item.options
                    ],
                }
                for item in merchant.items
            ],
            "stores": [s.dict() for s in merchant.stores],
        }
    )


def lexicon_menu(lexicon: Lexicon) -> Menu:
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


# --- the report --------------------------------------------------------------------------


def describe(lines: Iterable[Line]) -> str:
    said = [
        f"{line.quantity} {line.name}" + "".join(f" {c}" for _, c in line.options) for line in lines
    ]
    return ", ".join(said) or "nothing"


def main(argv: Sequence[str] | None = None) -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--data", type=Path, default=DEFAULT_DATA, help="*.json.gz folder")
    arguments.add_argument("--offline", action="store_true", help="the parser alone")
    arguments.add_argument(
        "--lexicon", type=Path, help="--offline: a lexicon file (default: the sandbox catalogue)"
    )
    arguments.add_argument("--rasa-url", default=DEFAULT_RASA_URL)
    arguments.add_argument("--merchant-url", default=DEFAULT_MERCHANT_URL)
    arguments.add_argument("--merchant-id", default=MERCHANT_ID, help="the merchant served")
    arguments.add_argument("--limit", type=int, default=0, help="only the first N turns")
    arguments.add_argument("--misses", type=int, default=25, help="how many misses to show")
    arguments.add_argument("--seed", type=int, default=0, help="which misses to show")
    options = arguments.parse_args(argv)

    started = time.monotonic()
    if options.offline:
        lexicon = read_lexicon(options.lexicon, options.merchant_id)
        menu = lexicon_menu(lexicon)
        source: OfflineCart | AssistantCart = OfflineCart(lexicon, menu)
    else:
        menu = served_menu(options.merchant_url, options.merchant_id)
        source = AssistantCart(options.rasa_url, options.merchant_url, menu)
    if not sorted(options.data.glob("*.json.gz")):
        raise SystemExit(f"No Taskmaster-4 *.json.gz files in {options.data}: pass --data.")
    turns = load_turns(options.data, menu)
    if options.limit:
        turns = turns[: options.limit]
    scored = [t for t in turns if not t.off_menu]
    items_right = options_right = failed = 0
    misses: list[tuple[Turn, list[Line], str]] = []
    for done, turn in enumerate(scored, start=1):
        try:
            cart = source.cart(turn.text)
        except httpx.HTTPError as error:  # one failed turn is a miss, not the end of the run
            failed += 1
            misses.append((turn, [], f"error: {error!r}"))
            continue
        finally:
            if not options.offline and done % PROGRESS_EVERY == 0:
                print(f"  ... {done}/{len(scored)} turns", file=sys.stderr, flush=True)
        items_ok, options_ok = score(turn, cart, menu)
        items_right += items_ok
        options_right += options_ok
        if not options_ok:
            misses.append((turn, cart, "options" if items_ok else "items"))
    elapsed = time.monotonic() - started

    off_menu = Counter(name.lower() or "(none named)" for t in turns for name in t.off_menu)
    where = "the order parser alone" if options.offline else options.rasa_url
    print(f"Taskmaster-4 first ordering turns: {len(turns)} ({where})")
    print(f"  left out, items not on the menu: {len(turns) - len(scored)} {dict(off_menu)}")
    print(f"  items and quantities right: {_rate(items_right, len(scored))}")
    print(f"  options right (of those):   {_rate(options_right, items_right)}")
    if failed:
        print(f"  turns that failed (counted as misses): {failed}")
    print(f"  time: {elapsed:.1f} s")
    random.Random(options.seed).shuffle(misses)
    for turn, cart, what in misses[: options.misses]:
        wanted, got = describe(turn.expected), describe(cart)
        print(f"- [{what}] {turn.text!r}\n    wanted {wanted}; got {got}")


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else f"{part}/0"


if __name__ == "__main__":
    main()
