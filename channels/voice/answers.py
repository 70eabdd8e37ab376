"""Hear the answer to the question asked: closed answers decoded from Whisper's n-best.

A cashier who has just asked "Shall I pay?" hears yes or no. At a closed question
(``custom.expect``) the Transcriber asks Whisper for its beam's candidates, their
scores and the no-speech probability, and :func:`read_answer` decodes them against
the answers the question takes:

- yes or no at a confirmation (``pay``, ``cancel``, ``check_item``);
- done or more at "anything else" (``more_or_done``);
- a store's name at "which store" (``store_time``);
- all the digits at the PIN (``pin``): the best candidate that holds exactly one PIN.

Each candidate gets a weight from its score (a softmax over the beam) and is compared
with every phrase of every answer, by spelling and by sound (rapidfuzz's ratio on the
letters, and on their Metaphone codes, as the NLU's menu matcher does): "Mattsall" is
close to "that's all", "Let's all" too. An answer's support is the weight of the
candidates nearest to it, times how near; its confidence is that support (less the
best candidate's weight when the best candidate says something else) times the
probability that the audio held speech at all.

Never forced: a candidate that is near no answer, that holds words of two answers
("yeah no"), or near a yes with a word that takes a yes back ("yes go ahead, not
yet": the consent policy's own words, ``actions.consent``), counts for free text; when
free text weighs as much as the best answer, the best candidate passes on exactly as
heard: the dialogue reads it as today, or asks again. An answer the best candidate
did not say as such is *recovered*; it goes on as the answer's plain words ("yes") and
carries its confidence to the dialogue (``contracts.heard_answer``), whose one payment
threshold applies to it.

While the customer orders, the same beam recovers menu words instead
(``channels.voice.menu_words``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from actions.consent import takes_yes_back
from channels.pin_policy import pin_candidates
from channels.voice.sounds import MIN_SIMILARITY, plain_words, similarity
from channels.voice.vocabulary import YES_NO_QUESTIONS
from contracts.bot_messages import QuestionKind
from speech.recognition import Hypothesis, Transcript

YES, NO, DONE, MORE = "yes", "no", "done", "more"
# Answers that end the customer's turn: the endpointer may stop waiting for more speech.
COMPLETE_ANSWERS = frozenset({YES, NO, DONE})
# A complete answer this sure of itself may end the turn early (see ``complete``).
EARLY_END_MIN_CONFIDENCE = 0.6
# Candidates asked of Whisper at a closed question.
ALTERNATIVES = 5


@dataclass(frozen=True)
class Answer:
    """One answer a closed question takes: its name, the phrases that say it, and what
    to pass on when it is recovered (None: the candidate that said it, as heard)."""

    name: str
    phrases: tuple[str, ...]
    says: str | None


YES_NO_ANSWERS = (
    Answer(YES, ("yes", "yeah", "yep", "yes please", "sure", "go ahead", "correct", "ok", "okay",
                 "yes go ahead", "that's right"), "yes"),
    Answer(NO, ("no", "nope", "no thanks", "no thank you", "not yet", "nah", "don't"), "no"),
)  # fmt: skip
MORE_OR_DONE_ANSWERS = (
    Answer(DONE, ("that's all", "that's it", "nothing else", "I'm done", "all done", "no",
                  "no thanks", "no that's all", "check out", "that will be all"), "that's all"),
    # A "more" goes on as heard: the dialogue waits for the items anyway.
    Answer(MORE, ("yes", "one more thing", "something else", "more", "I want more"), None),
)  # fmt: skip


@dataclass(frozen=True)
class ClosedQuestion:
    """What the open question lets recognition expect."""

    kind: str
    answers: tuple[Answer, ...] = ()
    pin_digits: int | None = None


@dataclass(frozen=True)
class HeardAnswer:
    """What goes on to the dialogue, and what recognition made of it."""

    text: str
    answer: str | None = None  # None: free text
    confidence: float = 0.0  # of ``answer``
    recovered: bool = False  # the best candidate did not say it as such

    @property
    def complete(self) -> bool:
        """A whole answer to the question: a sure yes, no or done, or the whole PIN."""
        return self.answer is not None and self.confidence >= EARLY_END_MIN_CONFIDENCE


def closed_question(
    kind: str | None, stores: Sequence[str] = (), pin_digits: int | None = None
) -> ClosedQuestion | None:
    """The answers a question of ``kind`` takes; None when it is open (ordering)."""
    if kind == QuestionKind.PIN and pin_digits:
        return ClosedQuestion(kind, pin_digits=pin_digits)
    if kind in YES_NO_QUESTIONS:
        return ClosedQuestion(kind, YES_NO_ANSWERS)
    if kind == QuestionKind.MORE_OR_DONE:
        return ClosedQuestion(kind, MORE_OR_DONE_ANSWERS)
    if kind == QuestionKind.STORE_TIME and stores:
        answers = tuple(
            Answer(name, (name, f"at {name}", f"{name} please"), name) for name in stores
        )
        return ClosedQuestion(kind, answers)
    return None


def read_answer(question: ClosedQuestion, transcript: Transcript) -> HeardAnswer:
    """Decode the transcript's candidates against the question's answers."""
    hypotheses = transcript.hypotheses or (Hypothesis(transcript.text, 0.0),)
    if question.pin_digits:
        return _read_pin(hypotheses, question.pin_digits)
    return decode(hypotheses, transcript.no_speech_prob or 0.0, question.answers)


def decode(
    hypotheses: Sequence[Hypothesis], no_speech_prob: float, answers: Sequence[Answer]
) -> HeardAnswer:
    """The answer the candidates support, or the best candidate as free text."""
    best = hypotheses[0].text if hypotheses else ""
    if not hypotheses or not answers:
        return HeardAnswer(best)
    support: dict[str, float] = {}
    voters: dict[str, str] = {}
    free = 0.0
    weighted = _weighted(hypotheses)
    best_weight = weighted[0][2]  # the best candidate comes first
    for text, said, weight in weighted:
        nearest = _nearest(text, answers)
        if nearest is None:
            free += weight
            continue
        answer, similarity = nearest
        support[answer.name] = support.get(answer.name, 0.0) + weight * similarity
        voters.setdefault(answer.name, said)
    if not support:
        return HeardAnswer(best)
    name = max(support, key=lambda n: support[n])
    if free >= support[name] or (name == YES and takes_yes_back(best)):
        return HeardAnswer(best)  # never a yes when the best candidate takes it back
    confidence = support[name]
    as_heard = _nearest(best, answers)
    if as_heard is None or as_heard[0].name != name:
        # Whisper's own first choice says something else: only the margin over it counts.
        confidence = max(0.0, confidence - best_weight)
    confidence *= 1.0 - min(max(no_speech_prob, 0.0), 1.0)
    answer = next(a for a in answers if a.name == name)
    if as_heard is not None and as_heard[0] is answer:
        if as_heard[1] >= 1.0 or _says(plain_words(best), answer):
            # Said as such ("Yes please.", "Yes, Lee."): passed on as heard, and the
            # dialogue reads it as it always has.
            return HeardAnswer(best, name, confidence)
    return HeardAnswer(answer.says or voters[name], name, confidence, recovered=True)


def _read_pin(hypotheses: Sequence[Hypothesis], digits: int) -> HeardAnswer:
    """The best candidate that holds exactly one PIN of ``digits`` (the gate reads it)."""
    for index, hypothesis in enumerate(hypotheses):
        if len(pin_candidates(hypothesis.text, digits)) == 1:
            return HeardAnswer(hypothesis.text, QuestionKind.PIN, 1.0, recovered=index > 0)
    return HeardAnswer(hypotheses[0].text)


def _weighted(hypotheses: Sequence[Hypothesis]) -> list[tuple[str, str, float]]:
    """Candidates by their comparable words, with the best one's text as heard and their
    share of the beam (the shares sum to 1).

    Candidates that differ only in punctuation or case ("Yes." and "Yes,") are one.
    """
    top = max(h.score for h in hypotheses)
    mass: dict[str, float] = {}
    said: dict[str, str] = {}
    for hypothesis in hypotheses:
        words = plain_words(hypothesis.text)
        said.setdefault(words, hypothesis.text)
        mass[words] = mass.get(words, 0.0) + math.exp(hypothesis.score - top)
    total = sum(mass.values())
    return [(words, said[words], weight / total) for words, weight in mass.items()]


def _nearest(text: str, answers: Sequence[Answer]) -> tuple[Answer, float] | None:
    """The answer ``text`` is nearest to and how near, or None (near none, or mixed)."""
    words = plain_words(text)
    if not words:
        return None
    scored = [
        (answer, max(similarity(words, plain_words(p)) for p in answer.phrases))
        for answer in answers
    ]
    answer, nearness = max(scored, key=lambda pair: pair[1])
    if nearness < MIN_SIMILARITY:
        return None
    if nearness < 1.0 and any(
        _says(words, other) for other in answers if other.name != answer.name
    ):
        return None  # "yeah no": words of two answers are no answer
    if answer.name == YES and takes_yes_back(words):
        return None  # "yes go ahead, not yet": the dialogue reads it whole, as today
    return answer, nearness


def _says(words: str, answer: Answer) -> bool:
    padded = f" {words} "
    return any(f" {plain_words(phrase)} " in padded for phrase in answer.phrases)
