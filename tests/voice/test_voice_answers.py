"""Closed answers decoded against what the question takes, from scripted n-best lists.

No speech engine here: each test gives the candidates Whisper's beam could return (the
kinds of mishearing issue 19 lists) and checks what reaches the dialogue. Real speech
through the same path: tests/voice/test_voice_state_aware.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from channels.voice.answers import (
    DONE,
    MORE_OR_DONE_ANSWERS,
    NO,
    YES,
    YES_NO_ANSWERS,
    closed_question,
    decode,
    read_answer,
)
from channels.voice.engines import VoiceEngines
from channels.voice.listening import Listener, Transcriber
from channels.voice.pipeline import (
    AnswerComplete,
    AudioIn,
    ExpectedAnswer,
    Frame,
    Heard,
    Pause,
    Stage,
    UpstreamFrame,
    UserTurn,
)
from channels.voice.settings import VoiceSettings
from speech.endpointing import Endpointer, UtteranceEnded
from speech.pcm import Samples
from speech.recognition import Hypothesis, Transcript

PAYMENT_THRESHOLD = 0.8  # actions/settings.py confirmation_min_confidence


def beam(*candidates: tuple[str, float]) -> list[Hypothesis]:
    return [Hypothesis(text, score) for text, score in candidates]


def test_a_yes_heard_as_two_letters_is_recovered_from_the_beam_but_cannot_pay() -> None:
    heard = decode(beam(("T.S.", -0.5), ("Yes.", -0.9), ("Yes?", -1.2)), 0.05, YES_NO_ANSWERS)
    assert heard.answer == YES and heard.recovered and heard.text == "yes"
    # Most of the beam was not a yes: too doubtful for the payment question.
    assert heard.confidence < PAYMENT_THRESHOLD


def test_a_made_up_word_at_anything_else_is_heard_as_done() -> None:
    heard = decode(beam(("Mattsall.", -0.4)), 0.02, MORE_OR_DONE_ANSWERS)
    assert (heard.answer, heard.text, heard.recovered) == (DONE, "that's all", True)
    heard = decode(
        beam(("Let's all..", -0.88), ("Let's solve.", -0.89), ("That's all.", -0.91)),
        0.03,
        MORE_OR_DONE_ANSWERS,
    )
    assert heard.answer == DONE and heard.text == "that's all"


def test_an_answer_said_as_such_passes_on_as_heard() -> None:
    heard = decode(beam(("Yes please.", -0.3), ("Yes, please.", -0.5)), 0.01, YES_NO_ANSWERS)
    assert (heard.text, heard.answer, heard.recovered) == ("Yes please.", YES, False)
    assert heard.confidence > 0.95
    heard = decode(beam(("Nope.", -0.3)), 0.01, YES_NO_ANSWERS)
    assert (heard.text, heard.answer) == ("Nope.", NO)


@pytest.mark.parametrize(
    "candidates",
    [
        [("Two lattes please.", -0.3), ("Yes.", -2.0)],  # an order, not an answer
        [("Yeah, no.", -0.3)],  # words of both answers
        [("Yes go ahead, not yet.", -0.3)],  # takes the yes back
        [("Yes, wait.", -0.4), ("Yes.", -0.5), ("Yes!", -0.5), ("yes", -0.6)],
        [("T.S.", -0.5), ("Tea.", -0.6)],  # near nothing
    ],
)
def test_what_is_far_from_every_answer_or_takes_a_yes_back_is_never_a_yes(
    candidates: list[tuple[str, float]],
) -> None:
    heard = decode(beam(*candidates), 0.01, YES_NO_ANSWERS)
    assert heard.answer != YES
    assert heard.text == candidates[0][0]  # passed on exactly as Whisper heard it


def test_an_order_at_anything_else_is_never_taken_for_done() -> None:
    for order in ("Two mochas.", "A muffin.", "And a large latte.", "One more cola."):
        heard = decode(beam((order, -0.3)), 0.01, MORE_OR_DONE_ANSWERS)
        assert heard.answer != DONE and heard.text == order


def test_audio_that_is_probably_not_speech_lowers_the_confidence() -> None:
    candidates = beam(("Yes, Lee.", -0.5), ("Yes, please.", -0.6))
    sure = decode(candidates, 0.01, YES_NO_ANSWERS)
    unsure = decode(candidates, 0.5, YES_NO_ANSWERS)
    assert sure.answer == unsure.answer == YES
    assert unsure.confidence < PAYMENT_THRESHOLD <= sure.confidence


def test_the_pin_is_the_best_candidate_that_holds_all_its_digits() -> None:
    question = closed_question("pin", pin_digits=6)
    assert question is not None
    candidates = beam(("three five seven nine one", -0.4), ("3 5 7 9 1 0", -0.6))
    heard = read_answer(question, Transcript("three five seven nine one", 2.0, 0.3, candidates))
    assert heard.text == "3 5 7 9 1 0" and heard.complete and heard.recovered
    short = beam(("three five seven", -0.4), ("three five seven nine", -0.6))
    heard = read_answer(question, Transcript("three five seven", 2.0, 0.3, short))
    assert heard.text == "three five seven" and not heard.complete


def test_a_store_is_recovered_at_which_store_and_a_time_passes_on() -> None:
    question = closed_question("store_time", stores=("People's Square", "Jing'an Temple"))
    assert question is not None
    heard = decode(beam(("Peoples Square.", -0.3)), 0.01, question.answers)
    assert heard.text == "People's Square"
    heard = decode(beam(("At half past eight.", -0.3)), 0.01, question.answers)
    assert heard.answer is None and heard.text == "At half past eight."


def test_open_questions_are_not_decoded() -> None:
    assert closed_question(None) is None
    assert closed_question("option") is None
    assert closed_question("store_time", stores=()) is None
    assert closed_question("pin", pin_digits=None) is None


# --- the Transcriber: what reaches the dialogue, and when the turn may end ------------------


class _Collect(Stage):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Frame] = []
        self.upstream: list[UpstreamFrame] = []

    async def put(self, frame: Frame) -> None:
        self.frames.append(frame)

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        self.upstream.append(frame)


class _ScriptedRecogniser:
    """Returns a fixed beam, recording how many candidates were asked for."""

    def __init__(self, candidates: list[Hypothesis]) -> None:
        self.candidates = candidates
        self.asked: list[int] = []

    async def recognise(
        self, audio: Samples, phrases: tuple[str, ...] = (), alternatives: int = 1
    ) -> Transcript:
        self.asked.append(alternatives)
        kept = tuple(self.candidates[:alternatives])
        return Transcript(kept[0].text, 1.0, 0.1, kept if alternatives > 1 else (), 0.02)


def transcriber(
    candidates: list[Hypothesis], monkeypatch: pytest.MonkeyPatch
) -> tuple[Transcriber, _ScriptedRecogniser, _Collect, _Collect]:
    engines = VoiceEngines(VoiceSettings(lexicon_url=None))
    recogniser = _ScriptedRecogniser(candidates)

    async def loaded() -> _ScriptedRecogniser:
        return recogniser

    monkeypatch.setattr(engines, "recogniser", loaded)
    stage, listener, below = Transcriber(engines, "ann"), _Collect(), _Collect()
    listener.link(stage).link(below)
    return stage, recogniser, listener, below


async def test_a_recovered_yes_reaches_the_dialogue_with_its_confidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage, recogniser, _listener, below = transcriber(
        beam(("T.S.", -0.5), ("Yes.", -0.9), ("Yes?", -1.2)), monkeypatch
    )
    await stage.from_downstream(ExpectedAnswer("pay"))
    audio = np.zeros(16_000, dtype=np.float32)
    await stage.process(Heard(turn=1, utterance=UtteranceEnded(audio, "silence")))
    (turn,) = below.frames
    assert isinstance(turn, UserTurn) and turn.text == "yes"
    assert turn.heard is not None and turn.heard.answer == "yes"
    assert turn.heard.confidence < PAYMENT_THRESHOLD
    assert recogniser.asked == [5]

    # While ordering the transcript passes on as it is, with one candidate asked for.
    await stage.from_downstream(ExpectedAnswer(None))
    await stage.process(Heard(turn=2, utterance=UtteranceEnded(audio, "silence")))
    turn = below.frames[-1]
    assert isinstance(turn, UserTurn) and turn.text == "T.S." and turn.heard is None
    assert recogniser.asked[-1] == 1


async def test_a_complete_answer_heard_at_a_pause_tells_the_listener_to_end_the_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage, _recogniser, listener, _below = transcriber(beam(("Yes.", -0.2)), monkeypatch)
    await stage.from_downstream(ExpectedAnswer("pay"))
    assert listener.upstream == [ExpectedAnswer("pay")]  # passed on: it waits less
    await stage.process(Pause(np.zeros(8_000, dtype=np.float32)))
    assert stage._guess is not None
    await stage._guess
    assert listener.upstream[-1] == AnswerComplete()


async def test_open_speech_at_a_pause_never_ends_the_turn_early(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage, _recogniser, listener, _below = transcriber(beam(("Two lattes", -0.2)), monkeypatch)
    for expect in (ExpectedAnswer(None), ExpectedAnswer("pay")):
        await stage.from_downstream(expect)
        await stage.process(Pause(np.zeros(8_000, dtype=np.float32)))
        assert stage._guess is not None
        await stage._guess
    assert AnswerComplete() not in listener.upstream


class _Loudness:
    """Speech wherever a window has a non-zero sample (as in test_voice_endpointing)."""

    def speech_probability(self, window: Samples) -> float:
        return 1.0 if np.any(window) else 0.0

    def reset(self) -> None:
        pass


async def test_the_listener_ends_a_complete_answer_after_the_short_silence() -> None:
    settings = VoiceSettings(lexicon_url=None).endpointer()
    listener, below = Listener(Endpointer(_Loudness(), settings)), _Collect()
    listener.link(below)
    window = 512  # 32 ms at 16 kHz
    speech = np.full(10 * window, 0.5, dtype=np.float32)

    async def silence(windows: int) -> list[Frame]:
        before = len(below.frames)
        await listener.process(AudioIn(np.zeros(windows * window, dtype=np.float32)))
        return below.frames[before:]

    await listener.from_downstream(ExpectedAnswer("pay"))
    await listener.process(AudioIn(speech))
    paused = await silence(3)  # 96 ms: recognition starts at a closed question
    assert [type(f) for f in paused] == [Pause]
    await listener.from_downstream(AnswerComplete())  # it heard "yes"
    assert await silence(4) == []
    (heard,) = await silence(1)  # 256 ms of silence, not 600
    assert isinstance(heard, Heard) and heard.utterance.reason == "silence"

    await listener.from_downstream(ExpectedAnswer(None))  # ordering: the long wait
    await listener.process(AudioIn(speech))
    frames = await silence(18)
    assert not any(isinstance(f, Heard) for f in frames)
    assert [type(f) for f in await silence(1)] == [Heard]


def test_a_yes_against_whisper_s_own_first_choice_can_never_pay() -> None:
    """Every other candidate a clear yes, the best one an order: at most the margin counts."""
    candidates = [("Two lattes.", -0.5)] + [(f"Yes{p}", -0.5) for p in (".", "!", "?", ",")]
    heard = decode(beam(*candidates), 0.0, YES_NO_ANSWERS)
    assert heard.answer == YES and heard.recovered
    assert heard.confidence < PAYMENT_THRESHOLD


def test_an_answer_said_with_a_misheard_word_beside_it_passes_on_as_heard() -> None:
    """ "Yes, Lee." for "yes please" holds the yes itself: the dialogue reads it, as before."""
    heard = decode(beam(("Yes, Lee.", -0.5), ("Yes, please.", -0.6)), 0.01, YES_NO_ANSWERS)
    assert (heard.text, heard.answer, heard.recovered) == ("Yes, Lee.", YES, False)


@pytest.mark.parametrize("said", ["Work.", "Fork.", "Yes sir, no.", "All ahead.", "No it."])
def test_how_menu_words_are_said_never_moves_a_closed_answer(said: str) -> None:
    """The sound variants menu words are matched with (a silent "r", words split in two)
    are not an answer's: "work" without its "r" would be "ok"."""
    heard = decode(beam((said, -0.3)), 0.01, YES_NO_ANSWERS)
    assert heard.answer is None and heard.text == said
