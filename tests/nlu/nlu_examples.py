"""Example utterances with their expected parse, in a shape a person can read and write.

The YAML files under examples/ describe each utterance by its order lines (item,
quantity, options as "group:choice", check) plus the entities that belong to no line;
`summarise` turns the parser's flat entity list into the same shape so that one
comparison checks it all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).parent / "examples"
# Entities that may be said more than once outside any line: always summarised as lists.
LISTED = ("options", "unplaced", "unavailable_option")


def load_examples(name: str) -> list[dict[str, Any]]:
    """The examples of examples/<name>.yml, each a dict with at least `text`."""
    with open(EXAMPLES / f"{name}.yml", encoding="utf-8") as handle:
        examples: list[dict[str, Any]] = yaml.safe_load(handle)
    return examples


def expected_summary(example: Mapping[str, Any]) -> dict[str, Any]:
    """The example without its texts: what `summarise` should return."""
    summary = {key: value for key, value in example.items() if key not in ("text", "said")}
    for line in summary.get("lines", []):
        if "options" in line:
            line["options"] = sorted(line["options"])
    if "options" in summary:
        summary["options"] = sorted(summary["options"])
    return summary


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


def without_checks(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The summary with every line's `check` mark removed (found, but to be confirmed)."""
    relaxed = dict(summary)
    if "lines" in summary:
        relaxed["lines"] = [
            {key: value for key, value in line.items() if key != "check"}
            for line in summary["lines"]
        ]
    return relaxed


def summarise(entities: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Group entities into lines; entities outside any line become top-level keys.

    Options, unplaced parts and unavailable options are sorted lists; any other repeated
    entity becomes a list too, so it never silently compares equal.
    """
    lines: dict[str, dict[str, Any]] = {}
    loose: dict[str, Any] = {}
    for entity in entities:
        kind, value = entity["entity"], entity["value"]
        if kind == "edit":  # what an edit points at is tested in test_edit_targets.py
            continue
        if kind == "quantity":
            value = int(value)
        if kind == "option":
            kind = "options"
        target = lines.setdefault(entity["group"], {}) if "group" in entity else loose
        if kind == "item" and entity.get("check"):
            target["check"] = True
        if kind in LISTED:
            target[kind] = sorted([*target.get(kind, []), value])
        elif kind in target:
            previous = target[kind]
            target[kind] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            target[kind] = value
    summary: dict[str, Any] = dict(loose)
    if lines:
        summary["lines"] = [lines[group] for group in sorted(lines, key=int)]
    return summary
