"""The one question the assistant is waiting for an answer to (contract C3).

Every action that asks something records it in the ``pending_question`` slot:
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

SLOT = "pending_question"

MORE_OR_DONE = "more_or_done"  # "Anything else, or shall I check out?"
PAY = "pay"  # subject: order_id, amount
CANCEL = "cancel"  # subject: order_id, amount
OPTION = "option"  # subject: line, group
CHECK_ITEM = "check_item"  # subject: lines we think they meant (then: "readback")
WHICH_LINE = "which_line"  # subject: candidates (lines), edit, entities (what was said)
STORE_TIME = "store_time"
PIN = "pin"  # subject: order_id, amount


@dataclass(frozen=True)
class Question:
    kind: str
    subject: dict[str, Any] = field(default_factory=dict)
    asked_at: int = 0

    def to_slot(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": dict(self.subject), "asked_at": self.asked_at}

    @classmethod
    def from_slot(cls, value: Any) -> Question | None:
        if not isinstance(value, dict) or not value.get("kind"):
            return None
        subject = value.get("subject")
        return cls(
            kind=str(value["kind"]),
            subject=dict(subject) if isinstance(subject, dict) else {},
            asked_at=int(value.get("asked_at") or 0),
        )


def user_messages(tracker: Tracker) -> int:
    """How many user messages the tracker holds (the clock questions are timed by)."""
    return sum(1 for event in tracker.events if event.get("event") == "user")


def ask(tracker: Tracker, kind: str, subject: dict[str, Any] | None = None) -> SlotSet:
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


def expect(kind: str, **payload: Any) -> dict[str, Any]:
    """The custom payload of a message that asks ``kind``."""
    return {"expect": kind, **payload}
