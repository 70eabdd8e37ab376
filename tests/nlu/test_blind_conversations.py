"""The blind conversations benchmark's reading of cases and its verdict on money, on orders
and payments shaped as the merchant's API returns them (no stack)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.blind_conversations import CaseError, judge, load_cases, parse_expectation


def option(group: str, choice: str, default: bool) -> dict[str, Any]:
    return {"group": group.lower(), "group_name": group, "choice": choice.lower(),
            "choice_name": choice, "price": 0, "default": default}  # fmt: skip


def line(name: str, quantity: int, *options: dict[str, Any]) -> dict[str, Any]:
    return {"sku": name.lower(), "name": name, "quantity": quantity, "options": list(options)}


def order(number: str, status: str, total: int, *lines: dict[str, Any]) -> dict[str, Any]:
    return {"id": number, "status": status, "total": total, "items": list(lines)}


def payment(number: str, amount: int, status: str = "captured") -> dict[str, Any]:
    return {"id": f"pay-{number}", "order_id": number, "amount": amount, "status": status}


TWO_LARGE_LATTES = parse_expectation(
    {
        "outcome": "paid",
        "items": [
            {"name": "Latte", "quantity": 1, "options": {"Size": "Large"}},
            {"name": "latte", "quantity": 1, "options": {"size": "large"}},
            {"name": "Hash Brown", "quantity": 1},
        ],
        "total": 4500,
    },
    "test",
)
# What the merchant holds for it: one line of two, the default milk listed and flagged.
PAID = order(
    "1001",
    "paid",
    4500,
    line("Latte", 2, option("Size", "Large", False), option("Milk", "Whole", True)),
    line("Hash Brown", 1),
)


def test_a_paid_order_matching_lines_options_and_total_passes() -> None:
    verdict = judge(TWO_LARGE_LATTES, [PAID], [payment("1001", 4500)])
    assert verdict.passed, verdict.reason


def test_an_option_at_its_default_where_the_case_wants_another_fails_saying_what_was_got() -> None:
    medium = order("1001", "paid", 4500, line("Latte", 2, option("Size", "Medium", True)),
                   line("Hash Brown", 1))  # fmt: skip
    verdict = judge(TWO_LARGE_LATTES, [medium], [payment("1001", 4500)])
    assert not verdict.passed
    assert "lines 1 hash brown; 2 latte instead of 1 hash brown; 2 latte (size: large)" in (
        verdict.reason
    )


def test_a_wrong_total_or_a_second_payment_fails() -> None:
    assert not judge(TWO_LARGE_LATTES, [{**PAID, "total": 4800}], [payment("1001", 4800)]).passed
    twice = judge(TWO_LARGE_LATTES, [PAID], [payment("1001", 4500), payment("1001", 4500)])
    assert not twice.passed and "expected one payment" in twice.reason
    short = judge(TWO_LARGE_LATTES, [PAID], [payment("1001", 4000)])
    assert not short.passed and "paid ¥40.00 for an order of ¥45.00" in short.reason


def test_paid_needs_exactly_one_paid_order() -> None:
    placed = {**PAID, "id": "1002", "status": "placed"}
    assert judge(TWO_LARGE_LATTES, [PAID, placed], [payment("1001", 4500)]).passed
    none = judge(TWO_LARGE_LATTES, [placed], [])
    assert not none.passed and "got 0" in none.reason


def test_nothing_paid_allows_unpaid_orders_but_no_payment_at_all() -> None:
    nothing = parse_expectation({"outcome": "nothing_paid"}, "test")
    placed = {**PAID, "status": "placed"}
    assert judge(nothing, [placed], []).passed
    assert not judge(
        nothing, [{**PAID, "status": "refunded"}], [payment("1001", 4500, "refunded")]
    ).passed
    assert not judge(nothing, [PAID], [payment("1001", 4500)]).passed


def test_refunded_needs_the_payment_refunded() -> None:
    refunded = parse_expectation({**TWO_LARGE_LATTES.as_json(), "outcome": "refunded"}, "test")
    back = {**PAID, "status": "refunded"}
    assert judge(refunded, [back], [payment("1001", 4500, "refunded")]).passed
    kept = judge(refunded, [PAID], [payment("1001", 4500)])
    assert not kept.passed and "refunded" in kept.reason


def test_case_files_are_checked(tmp_path: Path) -> None:
    good = {"id": "x-1", "merchant": "copper-kettle", "turns": ["a latte", "yes"],
            "expect": {"outcome": "paid", "items": [{"name": "Latte", "quantity": 1}],
                       "total": 3200}}  # fmt: skip
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([good]))
    [case] = load_cases(path)
    assert case.turns == ("a latte", "yes") and case.expect.total == 3200
    for broken in (
        {**good, "merchant": "nowhere"},
        {**good, "turns": []},
        {**good, "expect": {"outcome": "maybe"}},
        {**good, "expect": {"outcome": "paid", "items": [{"name": "Latte", "quantity": 0}]}},
    ):
        path.write_text(json.dumps([broken]))
        with pytest.raises(CaseError):
            load_cases(path)
    path.write_text(json.dumps([good, good]))
    with pytest.raises(CaseError, match="more than once"):
        load_cases(path)
