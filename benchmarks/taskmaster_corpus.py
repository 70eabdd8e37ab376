"""Taskmaster-4's first ordering turns, and the menu's names they are compared in.

Each dialog's first customer turn with an `add_order_item` annotation becomes a
:class:`Turn`: its text and the lines a perfect agent adds, their item names matched to
the menu (items the menu lacks are kept apart as ``off_menu``) and the four annotated
options (milk, espresso shots, caffeine, hot or iced) normalised the way a cart's are.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

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
