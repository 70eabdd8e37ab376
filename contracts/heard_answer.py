"""What the voice channel tells the dialogue about an answer it recovered from poor audio.

At a closed question (yes or no, done or more, a store) the channel decodes Whisper's
n-best hypotheses against the answers the question takes (``channels/voice/answers.py``).
When the answer it passes on is not what Whisper's best hypothesis said as such ("T.S."
heard as "yes"), the user message carries ``metadata["heard"]``: which answer, and how
sure recognition is of it. The action server holds a money-moving yes to its one
threshold with the lower of this confidence and the NLU's (``actions/consent.py``), so a
doubtful recovered yes never pays. The metadata never holds what was heard: a PIN said
at the wrong moment must not bypass the channel's masking.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, confloat

METADATA_KEY = "heard"


class HeardAnswer(BaseModel):
    answer: str  # "yes", "no", "done", or a store's name
    confidence: confloat(ge=0.0, le=1.0)  # type: ignore[valid-type]

    def metadata(self) -> dict[str, Any]:
        """The user message metadata that carries this answer."""
        return {METADATA_KEY: self.dict()}


def recognition_confidence(metadata: Any) -> float | None:
    """How sure recognition is of a recovered answer; None if the message is no such answer.

    A ``heard`` entry that cannot be read counts as no confidence at all: money never
    moves on an answer whose doubt cannot be read.
    """
    if not isinstance(metadata, dict) or METADATA_KEY not in metadata:
        return None
    try:
        return float(HeardAnswer.parse_obj(metadata[METADATA_KEY]).confidence)
    except (ValueError, TypeError):
        return 0.0
