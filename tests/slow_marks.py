"""Which tests are slow, and a guard that keeps heavy work out of the fast ones.

``make test-fast`` runs ``pytest -m "not slow"``: everything that needs no trained model,
no running stack, no browser and no speech engine. A test is slow when it is marked so
(``pytestmark = pytest.mark.slow``) or when it uses a fixture that does such work
(``SLOW_FIXTURES``, directly or through another fixture).

A test can still start the work without such a fixture. So while a test that is not
slow sets up and runs, the entry points of that work refuse, naming the test and the
work: the test fails at once, in ``make test`` as in ``make test-fast``, instead of
quietly making the fast run slow.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Fixtures that start the stack, a browser, a speech engine or a tool installation.
SLOW_FIXTURES = frozenset(
    {
        "running_stack",  # tests/conftest.py: merchant, action server and Rasa
        "agents",  # tests/nlu/heard_by_the_model.py: the trained model, loaded in process
        "scaled_stack",  # tests/scale/conftest.py: the scaled topology
        "browser",  # tests/widget/conftest.py: Chromium
        "launch_browser",
        "speech_file",  # espeak-ng
        "speak",  # tests/voice/conftest.py: Piper
        "voices",  # Piper, espeak-ng, flite
        "recogniser",  # Whisper
        "validator",  # tests/scale/test_k8s.py: pip-installs kubernetes-validate
    }
)


def heavy_entry_points() -> list[tuple[type, str, str]]:
    """(class, method, what calling it does): the work no fast test may start."""
    from playwright.sync_api import BrowserType
    from rasa.engine.training.graph_trainer import GraphTrainer

    from launch.scaled import ScaledStack
    from launch.stack import Stack
    from speech.recognition.whisper import WhisperRecogniser
    from speech.recognition.workers import WorkerRecogniser
    from speech.synthesis.espeak import EspeakSynthesizer
    from speech.synthesis.flite import FliteSynthesizer
    from speech.synthesis.piper import PiperSynthesizer

    return [
        # A service's process, not `start`: refusing a taken port before anything starts
        # is a fast test of its own.
        (Stack, "_launch", "starts the stack"),
        (ScaledStack, "_launch", "starts the scaled stack"),
        (GraphTrainer, "train", "trains a Rasa model"),
        (BrowserType, "launch", "launches a browser"),
        (WhisperRecogniser, "__init__", "loads Whisper"),
        (WorkerRecogniser, "__init__", "loads Whisper"),
        (PiperSynthesizer, "__init__", "loads Piper"),
        (EspeakSynthesizer, "__init__", "loads espeak-ng"),
        (FliteSynthesizer, "__init__", "loads flite"),
    ]


def is_slow(item: pytest.Item) -> bool:
    return item.get_closest_marker("slow") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@contextlib.contextmanager
def refusing_heavy_work(test: str) -> Iterator[None]:
    """While it lasts, the heavy entry points fail ``test``, which is not marked slow."""

    def refusal(what: str) -> Callable[..., Any]:
        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            pytest.fail(
                f"{test} {what} but is not marked slow: mark it "
                "(pytestmark = pytest.mark.slow) or use a fixture of tests/slow_marks.py",
                pytrace=False,
            )

        return refuse

    with pytest.MonkeyPatch.context() as patch:
        for owner, method, what in heavy_entry_points():
            patch.setattr(owner, method, refusal(what))
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    with contextlib.nullcontext() if is_slow(item) else refusing_heavy_work(item.nodeid):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    with contextlib.nullcontext() if is_slow(item) else refusing_heavy_work(item.nodeid):
        return (yield)
