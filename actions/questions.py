"""The one question the assistant is waiting for an answer to (contract C3).

Every action that asks something records it in the ``pending_question`` slot
(K a ``contracts.bot_messages.QuestionKind``):
``{"kind": K, "subject": {...}, "asked_at": N}``, N being the number of user
messages in the tracker when it was asked. A question is open for the very next
user message only, so a "yes" meant for an older question (one the customer moved
on from) answers nothing. Asking again replaces it. Every asking message carries
``custom.expect`` = the kind, which the voice channel uses to bias recognition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from contracts.bot_messages import ActionCustom, QuestionKind

SLOT = "pending_question"
KINDS = frozenset(kind.value for kind in QuestionKind)

# Subjects by kind: PAY, CANCEL and PIN name order_id and amount; OPTION the line and
# group; CHECK_ITEM the lines we think they meant.


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    subject: dict[str, Any] = field(default_factory=dict)
    asked_at: int = 0

    def to_slot(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "subject": dict(self.subject), "asked_at": self.asked_at}

    @classmethod
    def from_slot(cls, value: Any) -> Question | None:
        if not isinstance(value, dict) or value.get("kind") not in KINDS:
            return None
        subject = value.get("subject")
        return cls(
            kind=QuestionKind(value["kind"]),
            subject=dict(subject) if isinstance(subject, dict) else {},
            asked_at=int(value.get("asked_at") or 0),
        )


def said_by_customer(event: dict[str, Any]) -> bool:
    """A message the customer sent. Not an external event: a notification the channel put
    into the conversation (``order_status`` with ``is_external``, channels/notifications.py)
    is a user event to Rasa, but it must not use up the turn a question waits for, be
    repeated, or go into a hand-off transcript."""
    return event.get("event") == "user" and not is_external(event.get("parse_data") or {})


def is_external(message: dict[str, Any]) -> bool:
    """Whether a message (a user event's ``parse_data``, or ``tracker.latest_message``)
    came from Rasa's external events rather than from the customer."""
    return bool((message.get("metadata") or {}).get("is_external"))


def customer_messages(tracker: Tracker) -> list[dict[str, Any]]:
    """The tracker's user events that the customer sent (``said_by_customer``), in order."""
    return [event for event in tracker.events if said_by_customer(event)]


def user_messages(tracker: Tracker) -> int:
    """How many messages the customer sent (the clock questions are timed by)."""
    return len(customer_messages(tracker))


def ask(tracker: Tracker, kind: QuestionKind, subject: dict[str, Any] | None = None) -> SlotSet:
    """The event recording that ``kind`` was just asked (replacing any older question)."""
    return SlotSet(SLOT, Question(kind, subject or {}, user_messages(tracker)).to_slot())


def answered() -> SlotSet:
    return SlotSet(SLOT, None)


def open_question(tracker: Tracker) -> Question | None:
    """The question the latest user message answers, if it was asked just before it."""
    question = Question.from_slot(tracker.get_slot(SLOT))
    if question is None or user_messages(tracker) != question.asked_at + 1:
        return None
    return question


def expect(kind: QuestionKind, **cards: Any) -> dict[str, Any]:
    """The custom payload of a message that asks ``kind``, with any cards it shows."""
    return ActionCustom(expect=kind, **cards).payload()
