"""Whisper in worker processes, so recognition never competes with the dialogue's process.

Run inside the Rasa server, recognition measured 1.5-2x slower than the same model
and audio in a process of its own (TensorFlow's threads and the event loop share
the process and its GIL). Here each of ``workers`` processes loads the model once,
when the pool starts, and transcribes one utterance at a time; that many
utterances are recognised at once, each on its own core. Audio goes to a worker as
a float32 array (a few hundred KiB per utterance) and the transcript comes back.

Workers are spawned, not forked: forking a process that runs an event loop and
TensorFlow's thread pools is unsafe. A spawned worker re-imports the parent's main
script (for ``rasa run``, about 4 s and 120 MB once, at start-up), then only what
faster-whisper needs.

CTranslate2's OpenMP threads spin while they wait for work by default, which pays on
a machine with cores to spare and costs on two cores shared with Rasa, Piper and
other sessions: a worker sets ``OMP_WAIT_POLICY=PASSIVE`` (unless the environment
says otherwise) before it loads CTranslate2. Measured at load average 2.8, base,
2 threads: 0.55-0.58 s per ordering utterance against 0.66 s spinning.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace

import numpy as np

from speech.pcm import Samples
from speech.recognition import SAMPLE_RATE, RecogniserSettings, RecognitionError, Transcript

_worker_recogniser: object | None = None
_worker_error: str | None = None
# Read once, when the worker loads CTranslate2's OpenMP runtime; an explicit
# environment variable wins.
WORKER_ENVIRONMENT = {"OMP_WAIT_POLICY": "PASSIVE"}


def _load_in_worker(settings: RecogniserSettings) -> None:
    """Pool initializer: load the model once per worker, keeping a failure's message."""
    global _worker_recogniser, _worker_error
    for name, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    from speech.recognition.whisper import WhisperRecogniser

    try:
        _worker_recogniser = WhisperRecogniser(replace(settings, workers=1, processes=0))
    except RecognitionError as error:
        # Raising here would break the pool with no message; report it per utterance.
        _worker_error = str(error)


def _transcribe_in_worker(
    audio: np.ndarray, phrases: tuple[str, ...], alternatives: int = 1
) -> Transcript:
    from speech.recognition.whisper import WhisperRecogniser

    if not isinstance(_worker_recogniser, WhisperRecogniser):
        raise RecognitionError(_worker_error or "the recognition worker has no model")
    return _worker_recogniser.transcribe(audio, phrases, alternatives)


class WorkerRecogniser:
    """A :class:`~speech.recognition.Recogniser` whose work runs in worker processes."""

    def __init__(self, settings: RecogniserSettings) -> None:
        self.settings = settings
        self._pool = ProcessPoolExecutor(
            max_workers=settings.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_in_worker,
            initargs=(settings,),
        )
        # Load every worker now, so a bad model fails at start-up with its reason and
        # the first utterance does not wait for a model to load.
        warm_up = np.zeros(SAMPLE_RATE // 10, dtype=np.float32)
        try:
            jobs = [
                self._pool.submit(_transcribe_in_worker, warm_up, ())
                for _ in range(settings.processes)
            ]
            for job in jobs:
                job.result()
        except Exception:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise

    def transcribe(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript:
        return self._submit(audio, phrases, alternatives).result()

    async def recognise(
        self, audio: Samples, phrases: Sequence[str] = (), alternatives: int = 1
    ) -> Transcript:
        return await asyncio.wrap_future(self._submit(audio, phrases, alternatives))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _submit(
        self, audio: Samples, phrases: Sequence[str], alternatives: int
    ) -> Future[Transcript]:
        samples = np.asarray(audio, dtype=np.float32)
        return self._pool.submit(_transcribe_in_worker, samples, tuple(phrases), alternatives)
