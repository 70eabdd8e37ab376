"""The widget reads bot messages with a JSON Schema generated from contracts/bot_messages.py.

``clients/widget/bot-messages.schema.json`` is checked in so the browser side needs no
Python. After changing a bot-message class, rewrite it with
`PYTHONPATH=. .venv/bin/python -m tests.contracts.test_bot_message_schema`.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from contracts.bot_messages import (
    Cart,
    Custom,
    Line,
    OrderCard,
    QuestionKind,
    Readback,
    SecureInput,
    StoreRef,
    json_schema,
)
from tests.contracts.bot_message_schema import SCHEMA_FILE, assert_satisfies_schema


def generated() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def test_the_checked_in_schema_is_generated_from_the_contracts() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == generated(), (
        "clients/widget/bot-messages.schema.json is stale: run "
        "`PYTHONPATH=. .venv/bin/python -m tests.contracts.test_bot_message_schema`"
    )


LINE = Line(sku="latte", name="Latte", quantity=2, unit_price=1900, line_total=3800)
CART = Cart(
    lines=[LINE], total=3800, store=StoreRef(id="s1", name="Xintiandi"), pickup="in 20 minutes"
)


@pytest.mark.parametrize(
    "custom",
    [
        Custom(expect=QuestionKind.MORE_OR_DONE, cart=CART),
        Custom(expect=QuestionKind.PAY, readback=Readback(**CART.dict(), order_id="1001")),
        Custom(
            order=OrderCard(
                id="1001",
                status="paid",
                total=3800,
                store_name="Xintiandi",
                pickup_time="2026-11-24T08:30:00+08:00",
                lines=[LINE],
            )
        ),
        Custom(expect=QuestionKind.PIN, secure_input=SecureInput(digits=6)),
    ],
)
def test_every_card_the_assistant_sends_satisfies_the_schema(custom: Custom) -> None:
    message = {"recipient_id": "alice", "text": "...", "custom": custom.payload()}
    assert_satisfies_schema(message)


@pytest.mark.parametrize(
    ("custom", "wrong"),
    [
        ({"cart": {**CART.dict(), "total": 37.5}}, "37.5 is not of type 'integer'"),
        ({"order": {"id": "1", "status": "paid", "total": 1, "items": []}}, "'lines'"),
        ({"expect": "dance"}, "'dance' is not one of"),
    ],
)
def test_the_schema_refuses_what_the_contracts_refuse(custom: dict[str, Any], wrong: str) -> None:
    with pytest.raises(jsonschema.ValidationError, match=wrong):
        assert_satisfies_schema({"custom": custom})


if __name__ == "__main__":
    SCHEMA_FILE.write_text(generated(), encoding="utf-8")
    print(f"rewrote {SCHEMA_FILE}")
