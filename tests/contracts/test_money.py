"""One way to write money in every process: exact, from integer fen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.money import format_money
from speech.synthesis.sentences import speakable


@pytest.mark.parametrize(
    ("fen", "written"),
    [(0, "¥0.00"), (5, "¥0.05"), (1999, "¥19.99"), (100000, "¥1000.00"), (-250, "-¥2.50")],
)
def test_fen_are_written_as_yuan_with_two_decimals(fen: int, written: str) -> None:
    assert format_money(fen) == written


@pytest.mark.parametrize(
    ("fen", "written"), [(100000, "¥1,000.00"), (123456789, "¥1,234,567.89"), (-50, "-¥0.50")]
)
def test_tables_may_group_the_yuan_by_thousands(fen: int, written: str) -> None:
    assert format_money(fen, thousands=True) == written


@given(st.integers(min_value=-(10**12), max_value=10**12), st.booleans())
def test_writing_an_amount_loses_nothing(fen: int, thousands: bool) -> None:
    digits = re.sub(r"[¥,.]", "", format_money(fen, thousands=thousands))
    assert int(digits) == fen


@pytest.mark.parametrize("not_fen", [37.5, "3750", True, None])
def test_an_amount_that_is_not_integer_fen_is_refused(not_fen: Any) -> None:
    with pytest.raises(TypeError, match="integer fen"):
        format_money(not_fen)


@given(st.integers(min_value=0, max_value=10**9))
def test_the_voice_reads_every_amount_a_sentence_writes(fen: int) -> None:
    spoken = speakable(f"The total is {format_money(fen)}.")
    assert "¥" not in spoken and f"{fen // 100} yuan" in spoken
