"""Checking bot messages against the checked-in JSON Schema the widget reads.

Tests of everything that sends bot messages (the actions, the stack seen from the widget)
use :func:`assert_satisfies_schema`, so a message the schema does not describe fails there.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = (
    Path(__file__).resolve().parents[2] / "clients" / "widget" / "bot-messages.schema.json"
)


@cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def assert_satisfies_schema(message: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``message`` is a bot message as documented."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(message))
    if error is not None:
        raise error
