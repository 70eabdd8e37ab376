"""End-of-speech detection: the state machine with a scripted detector, then real Silero.

The scripted detector says "speech" for windows whose samples are non-zero, so each
test can lay out speech and silence exactly; the last tests run the real Silero VAD
on speech generated at test time.
"""

from __future__ import annotations

import numpy as np
import pytest

from speech.endpointing import (
    WINDOW_SAMPLES,
    Endpointer,
    EndpointerSettings,
    SileroSpeechDetector,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    UtteranceEnded,
)
from tests.voice.conftest import Speak, at_16k, silence

WINDOW_S = WINDOW_SAMPLES / 16_000


class LoudnessDetector:
    """Speech probability 1.0 for a window with any non-zero sample, else 0.0."""

    def __init__(self) -> None:
        self.resets = 0

    def speech_probability(self, window: np.ndarray) -> float:
        return 1.0 if np.any(window) else 0.0

    def reset(self) -> None:
        self.resets += 1


def windows(count: int, speech: bool) -> np.ndarray:
    return np.full(count * WINDOW_SAMPLES, 0.5 if speech else 0.0, dtype=np.float32)


def endpointer(**settings: float) -> Endpointer:
    return Endpointer(LoudnessDetector(), EndpointerSettings(**settings))  # type: ignore[arg-type]


def test_a_pause_is_announced_before_the_endpoint_and_withdrawn_if_speech_goes_on() -> None:
    ep = endpointer(trailing_silence_ms=320, speculate_after_ms=128, min_speech_ms=96)
    ep.feed(windows(10, speech=True))
    (paused,) = ep.feed(windows(4, speech=False))  # 128 ms of silence
    assert isinstance(paused, SpeechPaused)
    (resumed,) = ep.feed(windows(1, speech=True))
    assert isinstance(resumed, SpeechResumed)
    events = ep.feed(windows(10, speech=False))
    assert [type(e) for e in events] == [SpeechPaused, UtteranceEnded]
    guess, ended = events
    assert isinstance(guess, SpeechPaused) and isinstance(ended, UtteranceEnded)
    # The guess holds every bit of speech the utterance holds; only silence follows.
    assert np.array_equal(ended.audio[: len(guess.audio)], guess.audio)
    assert not np.any(ended.audio[len(guess.audio) :])


def test_no_pause_is_announced_when_speculation_is_off_or_the_client_ends_turns() -> None:
    ep = endpointer(trailing_silence_ms=320, min_speech_ms=96)
    ep.feed(windows(10, speech=True))
    assert [type(e) for e in ep.feed(windows(10, speech=False))] == [UtteranceEnded]
    ep = endpointer(trailing_silence_ms=320, speculate_after_ms=128, min_speech_ms=96)
    ep.end_on_silence = False
    ep.feed(windows(10, speech=True))
    assert ep.feed(windows(10, speech=False)) == []
    with pytest.raises(ValueError, match="speculate_after_ms"):
        EndpointerSettings(trailing_silence_ms=320, speculate_after_ms=320)


def adaptive(**settings: float) -> Endpointer:
    """600 ms of silence ends open speech; a complete answer ends after 256 ms."""
    defaults = {"trailing_silence_ms": 608, "speculate_after_ms": 192, "min_speech_ms": 96,
                "answer_speculate_after_ms": 96, "complete_answer_silence_ms": 256}  # fmt: skip
    return endpointer(**{**defaults, **settings})


def test_a_complete_answer_ends_after_the_short_silence_open_speech_after_the_long() -> None:
    ep = adaptive()
    ep.expect_short_answer(True)
    ep.feed(windows(10, speech=True))
    (paused,) = ep.feed(windows(3, speech=False))  # 96 ms: recognition may start
    assert isinstance(paused, SpeechPaused)
    ep.end_early()  # ... and it found "yes"
    assert ep.feed(windows(4, speech=False)) == []  # 224 ms of silence: not yet
    (ended,) = ep.feed(windows(1, speech=False))  # 256 ms
    assert isinstance(ended, UtteranceEnded) and ended.reason == "silence"
    assert np.array_equal(ended.audio[: len(paused.audio)], paused.audio)

    # The next utterance (open speech, no complete answer) waits the whole silence.
    ep.expect_short_answer(False)
    ep.feed(windows(10, speech=True))
    events = ep.feed(windows(18, speech=False))  # 576 ms
    assert [type(e) for e in events] == [SpeechPaused]
    assert [type(e) for e in ep.feed(windows(1, speech=False))] == [UtteranceEnded]


def test_a_complete_answer_found_late_ends_at_once_and_speech_that_resumes_cancels_it() -> None:
    ep = adaptive()
    ep.expect_short_answer(True)
    ep.feed(windows(10, speech=True))
    ep.feed(windows(12, speech=False))  # 384 ms: recognition was slower than the silence
    ep.end_early()
    assert [type(e) for e in ep.feed(windows(1, speech=False))] == [UtteranceEnded]

    ep.feed(windows(10, speech=True))
    ep.feed(windows(3, speech=False))
    ep.end_early()
    # "yes ... and a cookie": speech goes on before the short silence runs out.
    assert [type(e) for e in ep.feed(windows(2, speech=True))] == [SpeechResumed]
    events = ep.feed(windows(18, speech=False))
    assert UtteranceEnded not in [type(e) for e in events]  # the long wait again
    assert [type(e) for e in ep.feed(windows(1, speech=False))] == [UtteranceEnded]


def test_an_early_end_without_a_pause_does_nothing() -> None:
    ep = adaptive()
    ep.end_early()  # nothing heard yet
    ep.feed(windows(10, speech=True))
    ep.end_early()  # still speaking: no pause announced
    events = ep.feed(windows(10, speech=False))  # 320 ms: more than the short silence
    assert [type(e) for e in events] == [SpeechPaused]
    with pytest.raises(ValueError, match="complete_answer_silence_ms"):
        EndpointerSettings(complete_answer_silence_ms=0)


def test_speech_then_trailing_silence_makes_one_utterance() -> None:
    ep = endpointer(trailing_silence_ms=320, min_speech_ms=96, pre_roll_ms=64)
    assert ep.feed(windows(10, speech=False)) == []
    events = ep.feed(windows(20, speech=True))
    assert len(events) == 1 and isinstance(events[0], SpeechStarted)
    assert abs(events[0].at_s - 10 * WINDOW_S) < 1e-6
    assert ep.feed(windows(9, speech=False)) == []  # 288 ms: not yet
    (ended,) = ep.feed(windows(1, speech=False))
    assert isinstance(ended, UtteranceEnded) and ended.reason == "silence"
    # pre-roll (2 windows) + 20 speech + 10 silence
    assert len(ended.audio) == (2 + 20 + 10) * WINDOW_SAMPLES
    assert not ep.in_speech


def test_a_click_shorter_than_min_speech_starts_nothing() -> None:
    ep = endpointer(min_speech_ms=160)
    assert ep.feed(np.concatenate([windows(4, True), windows(30, False)])) == []
    assert ep.finish() is None


def test_pauses_shorter_than_the_trailing_silence_stay_in_the_utterance() -> None:
    ep = endpointer(trailing_silence_ms=600)
    stream = np.concatenate(
        [windows(10, True), windows(10, False), windows(10, True), windows(19, False)]
    )
    events = ep.feed(stream)
    assert [type(e) for e in events] == [SpeechStarted, UtteranceEnded]


def test_max_length_cuts_a_long_utterance() -> None:
    ep = endpointer(max_utterance_s=1.0, pre_roll_ms=0)
    events = ep.feed(windows(40, speech=True))
    assert [type(e) for e in events] == [SpeechStarted, UtteranceEnded, SpeechStarted]
    assert isinstance(events[1], UtteranceEnded) and events[1].reason == "max_length"
    assert 0.95 <= events[1].duration_s <= 1.1


def test_client_end_returns_what_was_said_including_a_partial_window() -> None:
    ep = endpointer()
    ep.feed(windows(10, speech=True))
    ep.feed(np.full(100, 0.5, dtype=np.float32))  # less than one window
    ended = ep.finish()
    assert ended is not None and ended.reason == "client"
    assert len(ended.audio) % WINDOW_SAMPLES == 100
    assert ep.finish() is None  # nothing left


def test_push_to_talk_mode_keeps_long_pauses() -> None:
    ep = endpointer(trailing_silence_ms=300)
    ep.end_on_silence = False
    events = ep.feed(np.concatenate([windows(10, True), windows(40, False), windows(10, True)]))
    assert [type(e) for e in events] == [SpeechStarted]
    ended = ep.finish()
    assert ended is not None and ended.duration_s == pytest.approx(60 * WINDOW_S)


def test_silence_before_speech_uses_bounded_memory() -> None:
    ep = endpointer(pre_roll_ms=320)
    for _ in range(100):
        ep.feed(windows(100, speech=False))  # 5 minutes of silence
    (started,) = ep.feed(windows(5, speech=True))
    assert isinstance(started, SpeechStarted)
    ended = ep.finish()
    assert ended is not None and ended.duration_s < 1.0


def test_chunk_boundaries_do_not_matter() -> None:
    stream = np.concatenate([windows(7, False), windows(25, True), windows(25, False)])
    whole = endpointer().feed(stream)
    ep = endpointer()
    pieces = [ep.feed(stream[i : i + 333]) for i in range(0, len(stream), 333)]
    chunked = [event for piece in pieces for event in piece]
    assert [type(e) for e in chunked] == [type(e) for e in whole]
    assert np.array_equal(chunked[-1].audio, whole[-1].audio)  # type: ignore[union-attr]


def test_silero_finds_real_speech_and_its_end(speak: Speak) -> None:
    speech = at_16k(speak("two hash browns and a medium americano"))
    stream = np.concatenate([silence(1.0), speech, silence(1.5)])
    ep = Endpointer(SileroSpeechDetector(), EndpointerSettings(trailing_silence_ms=600))
    events = [e for i in range(0, len(stream), 640) for e in ep.feed(stream[i : i + 640])]
    assert [type(e) for e in events] == [SpeechStarted, UtteranceEnded]
    started, ended = events
    assert isinstance(started, SpeechStarted) and 0.8 <= started.at_s <= 1.4
    assert isinstance(ended, UtteranceEnded) and ended.reason == "silence"
    assert len(speech) / 16_000 <= ended.duration_s <= len(speech) / 16_000 + 1.2


def test_silero_ignores_silence_and_steady_noise() -> None:
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(16_000 * 3) * 0.01).astype(np.float32)
    ep = Endpointer(SileroSpeechDetector(), EndpointerSettings())
    assert ep.feed(np.concatenate([silence(2.0), noise])) == []
    assert ep.finish() is None
