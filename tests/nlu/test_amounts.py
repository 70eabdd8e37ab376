"""The `amount` entity: money said with an answer ("yes, pay the 15 yuan"), in fen, so the
dialogue can hold it against the amount it asked about (blind round: "yes, pay the 15
yuan please" was said back as words not understood)."""

from __future__ import annotations

import pytest

from bot.nlu.order_parser import OrderParser


def amounts(parser: OrderParser, text: str) -> list[str]:
    return [e["value"] for e in parser.parse(text) if e["entity"] == "amount"]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("yes, go ahead and charge the 29 yuan", "2900"),
        ("sure, pay ¥15.50", "1550"),
        ("ok pay rmb 129.50", "12950"),
        ("yes, twenty nine kuai is fine", "2900"),
        ("fine, 8元", "800"),
    ],
)
def test_an_amount_with_its_currency_is_read_in_fen(
    parser: OrderParser, text: str, fen: str
) -> None:
    assert amounts(parser, text) == [fen]
    assert not [e for e in parser.parse(text) if e["entity"] in ("unplaced", "quantity")]


@pytest.mark.parametrize("text", ["two lattes", "a latte at 8.30", "15 youtiao please"])
def test_counts_and_times_are_no_amounts(parser: OrderParser, text: str) -> None:
    assert amounts(parser, text) == []


def test_an_amount_said_with_an_order_leaves_the_order_as_it_is(parser: OrderParser) -> None:
    heard = parser.parse("two youtiao for 8 yuan")
    assert [(e["entity"], e["value"]) for e in heard if e["entity"] != "amount"] == [
        ("quantity", "2"),
        ("item", "youtiao"),
    ]
