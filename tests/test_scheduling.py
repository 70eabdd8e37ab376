"""The order `make test` hands modules to its workers in (tests/scheduling.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scheduling import MEASURED_SECONDS, RUN_LAST, TOGETHER, cost, longest_first, unit_of

ROOT = Path(__file__).parents[1]


def test_a_module_of_few_long_tests_goes_before_modules_of_many_short_ones() -> None:
    # loadscope's own order (most tests first) sent the scaled stack's faults near the end.
    by_test_count = ["tests/nlu/test_order_parser.py", "tests/scale/test_faults.py"]
    assert longest_first(by_test_count)[0] == "tests/scale/test_faults.py"


def test_the_payment_model_goes_after_everything_else() -> None:
    """It fills the morning's pickup slots of its worker's stack (see RUN_LAST)."""
    units = ["tests/e2e/test_payment_model.py", "tests/a_never.py", "tests/scale/test_faults.py"]
    assert longest_first(units)[-1] == "tests/e2e/test_payment_model.py"


def test_modules_never_measured_keep_their_order_after_the_measured_ones() -> None:
    units = ["tests/b_never.py", "tests/scale/test_faults.py", "tests/a_never.py"]
    assert longest_first(units) == [
        "tests/scale/test_faults.py",
        "tests/b_never.py",
        "tests/a_never.py",
    ]


def test_the_modules_of_a_group_are_one_unit_that_costs_what_they_add_up_to() -> None:
    first, second = TOGETHER["trained model"][:2]
    assert unit_of(f"{first}::test_x") == unit_of(f"{second}::test_y[a::b]")
    expected = sum(MEASURED_SECONDS.get(m, 0) for m in TOGETHER["trained model"])
    assert cost(unit_of(f"{first}::test_x")) == expected


def test_other_tests_go_by_module_or_class_as_loadscope_sends_them() -> None:
    assert unit_of("tests/e2e/test_ordering.py::test_a[x]") == "tests/e2e/test_ordering.py"
    assert unit_of("tests/voice/test_x.py::TestY::test_z") == "tests/voice/test_x.py::TestY"


@pytest.mark.parametrize(
    "module",
    sorted({*MEASURED_SECONDS, *RUN_LAST, *(m for ms in TOGETHER.values() for m in ms)}),
)
def test_every_module_named_for_scheduling_exists(module: str) -> None:
    """A renamed module would quietly lose its place in the order."""
    assert (ROOT / module).is_file(), module
