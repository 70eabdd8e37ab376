"""Example utterances with their expected parse, in a shape a person can read and write.

The YAML files under examples/ describe each utterance by its order lines (item, quantity,
size, combo drink) plus the entities that belong to no line; `summarise` turns the
parser's flat entity list into the same shape so that one comparison checks it all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).parent / "examples"


def load_examples(name: str) -> list[dict[str, Any]]:
    """The examples of examples/<name>.yml, each a dict with at least `text`."""
    with open(EXAMPLES / f"{name}.yml", encoding="utf-8") as handle:
        examples: list[dict[str, Any]] = yaml.safe_load(handle)
    return examples


def expected_summary(example: Mapping[str, Any]) -> dict[str, Any]:
    """The example without its texts: what `summarise` should return."""
    return {key: value for key, value in example.items() if key not in ("text", "said")}


def without_default_counts(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The summary with every line quantity of 1 removed.

    One is what the dialogue assumes when no count is said, so "a latte" and "latte"
    order the same thing; Whisper often drops the "a".
    """
    relaxed = dict(summary)
    if "lines" in summary:
        relaxed["lines"] = [
            {key: value for key, value in line.items() if (key, value) != ("quantity", 1)}
            for line in summary["lines"]
        ]
    return relaxed


def summarise(entities: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Group entities into lines; entities outside any line become top-level keys.

    A repeated top-level entity becomes a list, so it never silently compares equal.
    """
    lines: dict[str, dict[str, Any]] = {}
    loose: dict[str, Any] = {}
    for entity in entities:
        kind, value = entity["entity"], entity["value"]
        if kind == "quantity":
            value = int(value)
        if kind == "item" and entity.get("role") == "drink":
            kind = "drink"
        if "group" in entity:
            target = lines.setdefault(entity["group"], {})
        else:
            target = loose
        if kind in target:
            previous = target[kind]
            target[kind] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            target[kind] = value
    summary: dict[str, Any] = dict(loose)
    if lines:
        summary["lines"] = [lines[group] for group in sorted(lines, key=int)]
    return summary
