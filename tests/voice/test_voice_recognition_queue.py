"""The shared recogniser's queue on its own: bounded, fair, early recognitions dropped first.

Work here is a future the test completes by hand, so what runs, what waits and what
is refused is exact at every step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from channels.voice.recognition import RecognitionBusy, RecognitionQueue


class Jobs:
    """Work items the test finishes when it likes; ``started`` in the order they ran."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self._done: dict[str, asyncio.Future[str]] = {}

    def work(self, name: str) -> Callable[[], Awaitable[str]]:
        async def run() -> str:
            self.started.append(name)
            self._done[name] = asyncio.get_running_loop().create_future()
            return await self._done[name]

        return run

    def finish(self, name: str) -> None:
        self._done[name].set_result(name)


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def submit(
    queue: RecognitionQueue, jobs: Jobs, name: str, caller: object, customer: str, early: bool
) -> asyncio.Task[str | None]:
    return asyncio.create_task(queue.run(jobs.work(name), caller, customer, early))


async def test_utterances_wait_up_to_the_limit_and_the_next_is_refused() -> None:
    queue, jobs = RecognitionQueue(workers=1, max_waiting=1), Jobs()
    first = submit(queue, jobs, "ann-1", "ann", "ann", early=False)
    second = submit(queue, jobs, "bob-1", "bob", "bob", early=False)
    await settle()
    assert (queue.running, queue.waiting) == (1, 1)
    with pytest.raises(RecognitionBusy):
        await queue.run(jobs.work("cat-1"), "cat", "cat", early=False)
    jobs.finish("ann-1")
    assert await first == "ann-1"
    await settle()
    jobs.finish("bob-1")
    assert await second == "bob-1"
    assert jobs.started == ["ann-1", "bob-1"]  # cat's never reached the recogniser


async def test_an_early_recognition_runs_only_on_an_idle_worker() -> None:
    queue, jobs = RecognitionQueue(workers=1, max_waiting=4), Jobs()
    ann = submit(queue, jobs, "ann-final", "ann", "ann", early=False)
    await settle()
    # Busy: bob's guess is dropped at once, and his utterance will be recognised whole.
    assert await queue.run(jobs.work("bob-guess"), "bob", "bob", early=True) is None
    jobs.finish("ann-final")
    await ann
    guess = submit(queue, jobs, "bob-guess-2", "bob", "bob", early=True)
    await settle()
    assert jobs.started == ["ann-final", "bob-guess-2"]
    jobs.finish("bob-guess-2")
    assert await guess == "bob-guess-2"


async def test_a_discarded_guess_keeps_its_worker_and_its_connection_gets_no_second() -> None:
    queue, jobs = RecognitionQueue(workers=2, max_waiting=4), Jobs()
    guess = submit(queue, jobs, "ann-guess", "conn-a", "ann", early=True)
    await settle()
    guess.cancel()  # speech went on: the result is unwanted, but the engine runs on
    await settle()
    assert queue.running == 1
    # Every pause used to start another; now none while the last still runs.
    assert await queue.run(jobs.work("ann-guess-2"), "conn-a", "ann", early=True) is None
    jobs.finish("ann-guess")
    await settle()
    assert queue.running == 0


async def test_a_freed_worker_goes_to_the_customer_with_fewest_running() -> None:
    queue, jobs = RecognitionQueue(workers=2, max_waiting=4), Jobs()
    flood = [submit(queue, jobs, f"mal-{n}", f"mal-conn-{n}", "mal", early=False) for n in (1, 2)]
    await settle()
    waiting = [submit(queue, jobs, "mal-3", "mal-conn-3", "mal", early=False)]
    await settle()
    waiting.append(submit(queue, jobs, "ann-1", "ann-conn", "ann", early=False))
    await settle()
    jobs.finish("mal-1")
    await settle()
    # mal-3 came first, but mal already has one running and ann none.
    assert jobs.started[-1] == "ann-1"
    for name in ("mal-2", "ann-1"):
        jobs.finish(name)
    await settle()
    jobs.finish("mal-3")
    await asyncio.gather(*flood, *waiting)
