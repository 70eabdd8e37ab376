"""Who gets the shared recogniser next: bounded per connection and in total, fairly.

Every connection shares one recogniser with a few workers (``asr_processes`` or
``asr_workers``). Handing it every request would queue them without limit behind
a busy caller. So requests pass this queue first, and only as many run as there are
workers; the recogniser's own queue stays empty.

- **Early recognitions** (started at a pause, before the utterance surely ended) are
  a bonus: one starts only on an idle worker, when nobody waits, and when its
  connection has nothing running. Otherwise it is dropped at once, and the utterance
  is recognised when it ends. So they are always dropped before any utterance is
  refused, and a connection that pauses often starts at most one at a time.
- **Utterances** wait for a worker, at most ``max_waiting`` of them over all
  connections; beyond that one is refused with :class:`RecognitionBusy` (the
  customer hears a busy reply), never left waiting without end. A connection has at
  most one utterance in recognition (its Transcriber takes one at a time) and one
  early recognition.
- A freed worker goes to the waiting utterance whose customer has the fewest
  recognitions running, the oldest first: one customer streaming on every
  connection it may open cannot starve another.

A recognition whose caller stopped waiting (a guess discarded when speech went on)
keeps its worker until it finishes, because the engine cannot be stopped halfway:
the count is of real work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class RecognitionBusy(RuntimeError):
    """Every worker is busy and the waiting line is full: try again in a moment."""


@dataclass(eq=False)
class _Ticket:
    caller: object
    customer: str
    ready: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class RecognitionQueue:
    def __init__(self, workers: int, max_waiting: int) -> None:
        self._workers = workers
        self._max_waiting = max_waiting
        self._running: list[_Ticket] = []
        self._waiting: list[_Ticket] = []

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def run(
        self, work: Callable[[], Awaitable[T]], caller: object, customer: str, early: bool
    ) -> T | None:
        """``work()`` once a worker is free; None if it is early and was dropped.

        Raises :class:`RecognitionBusy` when an utterance cannot even wait.
        """
        ticket = self._admit(caller, customer, early)
        if ticket is None:
            return None
        try:
            await ticket.ready
        except asyncio.CancelledError:
            self._withdraw(ticket)
            raise
        job = asyncio.ensure_future(work())
        job.add_done_callback(lambda done: self._job_done(ticket, done))
        # Shielded: a caller that stops waiting does not free the worker early.
        return await asyncio.shield(job)

    def _admit(self, caller: object, customer: str, early: bool) -> _Ticket | None:
        idle = len(self._running) < self._workers and not self._waiting
        mine = sum(t.caller is caller for t in chain(self._running, self._waiting))
        if early and (mine or not idle):
            return None
        if not early and not idle and len(self._waiting) >= self._max_waiting:
            logger.info("recognition saturated: %d running, %d waiting", *self._counts())
            raise RecognitionBusy("every recogniser is busy")
        ticket = _Ticket(caller, customer)
        if idle:
            self._start(ticket)
        else:
            self._waiting.append(ticket)
        return ticket

    def _start(self, ticket: _Ticket) -> None:
        self._running.append(ticket)
        ticket.ready.set_result(None)

    def _withdraw(self, ticket: _Ticket) -> None:
        """The caller gave up before its work started."""
        if ticket in self._waiting:
            self._waiting.remove(ticket)
        else:
            self._finished(ticket)  # granted a worker just as it gave up

    def _job_done(self, ticket: _Ticket, job: asyncio.Future[T]) -> None:
        if not job.cancelled():
            job.exception()  # read here too: a caller that gave up never reads it
        self._finished(ticket)

    def _finished(self, ticket: _Ticket) -> None:
        if ticket in self._running:
            self._running.remove(ticket)
        while self._waiting and len(self._running) < self._workers:
            self._start(self._waiting.pop(self._fairest()))

    def _fairest(self) -> int:
        """The waiting utterance whose customer has the fewest running; the oldest first."""

        def running_of(index: int) -> tuple[int, int]:
            customer = self._waiting[index].customer
            return sum(t.customer == customer for t in self._running), index

        return min(range(len(self._waiting)), key=running_of)

    def _counts(self) -> tuple[int, int]:
        return len(self._running), len(self._waiting)
