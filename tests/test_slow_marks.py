"""`make test-fast` stays fast: heavy fixtures mark a test slow, and heavy work is refused
in any test that is not (tests/slow_marks.py). Each check runs a small pytest session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.slow_marks import SLOW_FIXTURES

TESTS = Path(__file__).parent
PLUGIN = 'pytest_plugins = ["tests.slow_marks"]\n'


@pytest.fixture
def session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # the inner sessions need none
    pytester.syspathinsert(TESTS.parent)
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n")
    return pytester


def test_a_test_using_a_stack_fixture_is_slow_and_left_out_of_the_fast_run(
    session: pytest.Pytester,
) -> None:
    session.makeconftest(
        PLUGIN
        + "import pytest\n"
        + "@pytest.fixture\ndef running_stack():\n    return 'a stack'\n"
        + "@pytest.fixture\ndef order(running_stack):\n    return running_stack\n"
    )
    session.makepyfile(
        "def test_direct(running_stack): pass\n"
        "def test_through_another_fixture(order): pass\n"
        "def test_plain(): pass\n"
    )
    fast = session.runpytest_inprocess("-m", "not slow", "-q")
    fast.assert_outcomes(passed=1, deselected=2)
    slow = session.runpytest_inprocess("-m", "slow", "-q")
    slow.assert_outcomes(passed=2, deselected=1)


def test_a_test_hearing_through_the_trained_model_is_slow(session: pytest.Pytester) -> None:
    """`agents` (tests/nlu/heard_by_the_model.py) loads the trained model, 20-40 s: a file
    that used its `crumb` without a slow mark of its own ran in make test-fast."""
    session.makeconftest(
        PLUGIN
        + "import pytest\n"
        + "@pytest.fixture\ndef agents():\n    return 'the model'\n"
        + "@pytest.fixture\ndef crumb(agents):\n    return agents\n"
    )
    session.makepyfile("def test_heard(crumb): pass\ndef test_plain(): pass\n")
    session.runpytest_inprocess("-m", "not slow", "-q").assert_outcomes(passed=1, deselected=1)


def test_heavy_work_in_a_test_not_marked_slow_fails_it_naming_the_work(
    session: pytest.Pytester,
) -> None:
    session.makeconftest(PLUGIN)
    session.makepyfile(
        "import pytest\n"
        "from launch.stack import Stack\n"
        "from speech.recognition.whisper import WhisperRecogniser\n"
        "@pytest.fixture\ndef stack():\n    Stack._launch(None, None, {})\n"
        "def test_starts_the_stack_in_a_fixture(stack): pass\n"
        "def test_loads_whisper(): WhisperRecogniser(None)\n"
    )
    result = session.runpytest_inprocess("-q")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_starts_the_stack_in_a_fixture starts the stack but is not marked slow*",
            "*test_loads_whisper loads Whisper but is not marked slow*",
        ]
    )


# Slow itself: in a fast test the guard of this very session would refuse the inner call.
@pytest.mark.slow
def test_a_slow_test_may_do_the_heavy_work(session: pytest.Pytester) -> None:
    session.makeconftest(PLUGIN)
    session.makepyfile(
        "import pytest\n"
        "from launch.stack import Stack\n"
        "@pytest.mark.slow\n"
        "def test_starts_the_stack():\n"
        "    with pytest.raises(AttributeError):  # the real start, on no stack at all\n"
        "        Stack.start(None)\n"
    )
    session.runpytest_inprocess("-q").assert_outcomes(passed=1)


@pytest.mark.parametrize("name", sorted(SLOW_FIXTURES))
def test_every_slow_fixture_still_exists(name: str) -> None:
    """A renamed fixture would drop out of the slow set without a word."""
    sources = "\n".join(path.read_text() for path in TESTS.rglob("*.py"))
    assert re.search(rf"^(async )?def {name}\(", sources, re.M), f"no fixture {name} in tests/"
