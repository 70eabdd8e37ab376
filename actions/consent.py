"""How an answer to a question that moves money is read: one policy for pay, cancel, refund.

Money moves only on a plain yes: the NLU heard `affirm` with at least
`confirmation_min_confidence`, and no word of the answer takes it back or doubts it
("yeah no", "yes, wait", "sure, not that one", "yes I guess" are not a yes), and any
amount it names is the amount asked about ("yes, pay the 15 yuan" to "Shall I pay
¥15.00?"; "yes, pay 12 yuan" is no yes to it). A no is a
no whatever else it says ("no, leave it, thanks", "nope, I still want it"): it never
moves money, so it needs no threshold. Anything else is unclear, and the question is
asked again.

A yes may restate what the question proposes: "yes, cancel it" to "Cancel order N?" (the
very words of its button). DIET splits such an answer between `affirm` and the intent
that asks for that action (`cancel_order`; `checkout` for "Shall I pay?"), and it may put
the action first ("yeah cancel it"). Both readings say the same thing to that question,
so their confidences add up before the one threshold (`yes_confidence`), and the action's
intent counts as a yes when the answer opens with a yes word. Every other rule holds: a
yes that takes itself back or doubts itself is still no yes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

from contracts.bot_messages import QuestionKind

# The intent that asks for what each money question proposes: said to that question,
# it agrees with a yes ("yes, cancel it" to "Cancel order N?").
_QUESTION_ACTIONS = {QuestionKind.CANCEL: "cancel_order", QuestionKind.PAY: "checkout"}

# Words that take a yes back. "no problem" / "no worries" are ways of saying yes.
_NO_WORDS = re.compile(
    r"\b(?:no(?![ -](?:problem|worries))|nope|nah|not|don'?t|do not|never|wait|hold on|"
    r"hang on|stop|hmm+|maybe|dunno|not sure|"
    # A yes said with doubt is no consent to move money: "um, yes I guess".
    r"i guess|i suppose|probably|perhaps|i think|let me think|kind of|sort of)\b",
    re.I,
)
# An answer that starts with a no is a no even when the NLU was unsure of it.
_STARTS_WITH_NO = re.compile(r"^\W*(?:no|nope|nah|don'?t|do not|never mind)\b", re.I)
# An answer that opens with a yes: "yes", "yeah, ...", "sure", "ok", "please do".
_STARTS_WITH_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|alright|please do|go ahead)\b", re.I
)
# "wait, I need to cancel that": a request to cancel, whatever the intent was read as.
_ASKS_TO_CANCEL = re.compile(r"\b(?:cancel|refund|call off)\b", re.I)
# "no I don't want to cancel it", "no need to cancel": the opposite of a request to cancel.
_KEEPS_ORDER = re.compile(
    r"\b(?:don'?t|do not|not|never|no need to)\b(?:\W+\w+){0,3}?\W+(?:cancel|refund|call off)\b",
    re.I,
)


class Consent(Enum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


def read_consent(
    intent: str,
    confidence: float,
    text: str,
    min_confidence: float,
    named_amount: int | None = None,
    asked_amount: int | None = None,
    question: QuestionKind | None = None,
) -> Consent:
    """The answer to "Shall I pay ...?" / "Cancel order N and refund ...?" (`question`).

    `confidence` is what the NLU gave the yes (`yes_confidence`). An amount said with the
    answer (`named_amount`, fen: "yes, pay the 15 yuan") must be the one asked about
    (`asked_amount`); with any other amount the yes is no yes."""
    if intent == "deny" or (_STARTS_WITH_NO.search(text) and intent != "affirm"):
        return Consent.NO
    if named_amount is not None and named_amount != asked_amount:
        return Consent.UNCLEAR
    action = _QUESTION_ACTIONS.get(question) if question is not None else None
    restates = intent == action and bool(_STARTS_WITH_YES.search(text))
    says_yes = intent == "affirm" or restates
    if says_yes and confidence >= min_confidence and not takes_yes_back(text):
        return Consent.YES
    return Consent.UNCLEAR


def yes_confidence(
    intent: str, confidence: float, ranking: Mapping[str, float], question: QuestionKind
) -> float:
    """How sure the NLU is of a yes to `question`: `affirm` and the intent asking for the
    question's own action together, when one of them was heard; else `confidence`.

    `ranking` maps intent names to confidences (Rasa's `intent_ranking`); without it (a
    message that carries only the top intent) this is `confidence`."""
    agreeing = ("affirm", _QUESTION_ACTIONS.get(question))
    if intent not in agreeing:
        return confidence
    return max(confidence, sum(ranking.get(name, 0.0) for name in agreeing if name))


def takes_yes_back(text: str) -> bool:
    """Whether ``text`` holds a word that takes a yes back ("yes, wait"): then it is no yes.

    The voice channel never recovers such words into a plain "yes" (channels/voice/answers.py).
    """
    return bool(_NO_WORDS.search(text))


def asks_to_cancel(text: str) -> bool:
    return bool(_ASKS_TO_CANCEL.search(text)) and not _KEEPS_ORDER.search(text)


# "cancel my coffee order", "I want a refund": a placed order, not a line of the cart.
_NAMES_AN_ORDER = re.compile(r"\b(?:cancel|call off)\b(?:\W+\w+){0,4}?\W+order\b|\brefund\b", re.I)


def asks_to_cancel_an_order(text: str) -> bool:
    return bool(_NAMES_AN_ORDER.search(text)) and asks_to_cancel(text)
