"""The one payment-PIN policy, shared by every channel (REST, voice, the widget, and any new one).

A channel calls :meth:`PinGate.incoming` on every user message *before* Rasa sees it,
and :meth:`PinGate.outgoing` on every reply *before* the client sees it. Nothing else
in the code base decides what a PIN is.

While a PIN is pending (the assistant just asked for it with a ``custom.secure_input``
message, and at most ``ttl`` seconds ago):

- a message holding exactly one run of digits of the PIN's length, however written
  (``357910``, ``3 5 7 9 1 0``, ``3-5-7, 9-1-0``, fullwidth ``３５７９１０``, ``three five
  seven nine one zero``, ``double five``, ``my pin is 357910 for order 1001``) is
  **submitted**: posted to the merchant's verification endpoint with the customer's
  own bearer token, and Rasa gets only the outcome
  (``/pin_submitted{"secure_outcome": "pin_incorrect", "attempts_left": "2"}``);
- a clear decline (``no``, ``cancel``, ``not now``, the widget's ``/deny``) goes to
  Rasa, so the dialogue can drop the payment;
- anything else ("no I want to go to the store for two", five digits, two
  candidate PINs) is **asked again** by the channel itself: no attempt is counted and
  Rasa is not reached.

At any time, every run of at least the PIN's length in digits, however grouped or said
("3579 10", "35 7910", "thirty five seventy nine ten"), is replaced by
:data:`MASK` before the text goes anywhere (Rasa's tracker, the NLU, logs, hand-off
transcripts, the transcript shown to the client). Shorter numbers (order numbers,
quantities, times) pass untouched. A message that is nothing but a masked PIN
becomes ``/secret_not_expected``, and a client cannot forge the channel's own
``/pin_submitted`` outcome, however it spaces it (``/ pin_submitted``).

The pending request lives behind :class:`channels.pin_store.PendingPinStore`
(memory with a TTL, or Redis with a TTL for several Rasa processes).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import httpx

from channels.pin_store import (
    DEFAULT_PIN_DIGITS,
    PendingPinStore,
    PinRequest,
    pending_store,
)
from channels.settings import RasaSettings, rasa_settings
from contracts.bot_messages import Custom, QuestionKind
from contracts.digits import DIGIT_WORDS

logger = logging.getLogger(__name__)

MASK = "••••••"
PENDING_TTL_SECONDS = 300.0
SUBMIT_TIMEOUT_SECONDS = 5.0
SECRET_NOT_EXPECTED = "/secret_not_expected"
# Intents only the channel may send to Rasa (it writes the PIN outcome itself).
RESERVED_INTENTS = frozenset({"pin_submitted", "secret_not_expected"})
# A numeral this long reads as a number in its own right (an order number) when a PIN
# is taken from a message; masking still joins it to its neighbours ("2468 10").
STANDALONE_NUMERAL_DIGITS = 4

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)*")
# What may stand between two pieces of one spoken or typed number.
_JOINER = re.compile(r"[\s,.\-\u2010-\u2015/]*")
_DIGIT_WORDS = {word: str(digit) for digit, word in enumerate(DIGIT_WORDS)}
# Words recognition writes for digits, which are also ordinary words: they count only
# between other digits ("two four six eight WON zero"), not at a run's edge
# ("357910 FOR order 1001", "the store FOR two").
# Pairs of digits said as numbers: "thirty five seventy nine ten" is 357910.
_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6",
    "seventy": "7", "eighty": "8", "ninety": "9",
}  # fmt: skip
_HOMOPHONES = {
    "oh": "0", "o": "0", "won": "1", "to": "2", "too": "2", "for": "4", "fore": "4",
    "ate": "8",
}  # fmt: skip
_REPEATS = {"double": 2, "triple": 3}
_HESITATIONS = frozenset({"uh", "um", "er", "erm", "hmm"})
# What may surround a bare PIN that nobody asked for ("my pin is ••••••"; recognition
# often writes "pin" as "pen").
_FILLER = frozenset(
    {"my", "pin", "pen", "is", "it's", "its", "the", "code", "number", "and", "yes"}
)
_DECLINES = frozenset(
    {
        "no", "nope", "nah", "cancel", "stop", "not now", "never mind", "nevermind",
        "no thanks", "no thank you", "forget it", "don't pay", "do not pay", "cancel it",
        "cancel payment", "cancel the payment", "no cancel", "/deny", "/restart",
    }
)  # fmt: skip


# --- reading digits -------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    digits: str
    start: int
    end: int
    homophone: bool
    # "twenty": its unit may follow ("twenty four" = 24), else it is 20.
    tens: bool = False


@dataclass(frozen=True)
class DigitRun:
    """One number in a message, however it was written, with its place in the text."""

    pieces: tuple[_Piece, ...] = field(repr=False)

    @property
    def digits(self) -> str:
        """Every digit, homophones at the edges included ("for two" = "42")."""
        return "".join(p.digits for p in self.pieces)

    @property
    def core(self) -> str:
        """The digits without homophones at either edge ("357910 for" = "357910")."""
        return "".join(p.digits for p in self._core_pieces())

    def span(self, core: bool) -> tuple[int, int]:
        pieces = self._core_pieces() if core else self.pieces
        return pieces[0].start, pieces[-1].end

    def _core_pieces(self) -> tuple[_Piece, ...]:
        pieces = list(self.pieces)
        while pieces and pieces[0].homophone:
            pieces.pop(0)
        while pieces and pieces[-1].homophone:
            pieces.pop()
        return tuple(pieces) or self.pieces

    def candidate(self, length: int) -> str | None:
        """These digits as a PIN of ``length``, or None."""
        if len(self.core) == length and not self._core_pieces()[0].homophone:
            return self.core
        if len(self.digits) == length and any(not p.homophone for p in self.pieces):
            return self.digits
        return None


def digit_runs(text: str, *, long_numerals_alone: bool = True) -> list[DigitRun]:
    """Every number in ``text``: numerals (any script, fullwidth too) and digit words.

    ``long_numerals_alone``: a numeral of 4 digits or more is a run of its own (how a PIN
    is read from a message: "order 1001, 357910"); False joins it to its neighbours, as
    masking must ("2468 10" is a PIN however it is grouped)."""
    runs: list[DigitRun] = []
    pieces: list[_Piece] = []
    repeat, repeat_start = 1, None
    last_end = 0

    def close() -> None:
        nonlocal pieces
        if pieces:
            runs.append(DigitRun(tuple(pieces)))
        pieces = []

    for match in _TOKEN.finditer(text):
        token, start, end = match.group(), match.start(), match.end()
        joined = bool(pieces) and _JOINER.fullmatch(text, last_end, start) is not None
        if not joined:
            close()
        word = token.lower()
        if repeat_start is not None and word not in _REPEATS:
            start, repeat_start = repeat_start, None  # "double four" is one piece
        if token.isdigit():
            digits = "".join(str(unicodedata.digit(ch)) for ch in token)
            long = len(digits) >= STANDALONE_NUMERAL_DIGITS
            after_long = bool(pieces) and len(pieces[-1].digits) >= STANDALONE_NUMERAL_DIGITS
            # Masking joins numerals across any joiner: "0000, 0000" may be an 8-digit
            # PIN, so "orders 1001, 1002" is masked too (said "1001 and 1002", it is not).
            if long_numerals_alone and (long or after_long):
                close()
            pieces.append(_Piece(digits * repeat, start, end, homophone=False))
            if long and long_numerals_alone:
                close()
        elif word in _DIGIT_WORDS and word != "zero" and pieces and pieces[-1].tens:
            tens = pieces.pop()  # "twenty four": one pair of digits
            pieces.append(_Piece(tens.digits[0] + _DIGIT_WORDS[word], tens.start, end, False))
        elif word in _DIGIT_WORDS:
            pieces.append(_Piece(_DIGIT_WORDS[word] * repeat, start, end, homophone=False))
        elif word in _TEENS:
            pieces.append(_Piece(_TEENS[word] * repeat, start, end, homophone=False))
        elif word in _TENS:
            pieces.append(_Piece(_TENS[word] + "0", start, end, homophone=False, tens=True))
        elif word in _HOMOPHONES:
            pieces.append(_Piece(_HOMOPHONES[word] * repeat, start, end, homophone=True))
        elif word in _REPEATS:
            # "double four" = 44; the repeat applies to the next digit, even one opening a run.
            repeat, repeat_start = _REPEATS[word], start
            last_end = end
            continue
        elif word in _HESITATIONS and pieces:
            last_end = end
            continue
        else:
            close()
            repeat = 1
            last_end = end
            continue
        repeat = 1
        last_end = end
    close()
    return [run for run in runs if any(not p.homophone for p in run.pieces)]


def mask(text: str, pin_digits: int = DEFAULT_PIN_DIGITS) -> str:
    """``text`` with every run of at least ``pin_digits`` digits replaced by :data:`MASK`,
    however it is grouped or said ("2468 10", "24 6810", "twenty four sixty eight ten")."""
    spans = []
    for run in digit_runs(text, long_numerals_alone=False):
        if len(run.core) >= pin_digits:
            spans.append(run.span(core=True))
        elif len(run.digits) >= pin_digits:
            spans.append(run.span(core=False))
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return text


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+(?:'[^\W_]+)*|^/\w+", text.lower()))


def is_decline(text: str) -> bool:
    stripped = text.strip().lower()
    return stripped in _DECLINES or _words(stripped) in _DECLINES


def _is_reserved(text: str) -> bool:
    """Whether Rasa would read ``text`` as one of the channel's own intents.

    Rasa strips the message, takes what follows "/" up to "{" or "@", and strips that
    too, so "/ pin_submitted {...}" is the real intent: read it the same way.
    """
    stripped = text.strip()
    if not stripped.startswith("/"):
        return False
    intent = re.split(r"[{@]", stripped[1:], maxsplit=1)[0].strip()
    return intent.casefold() in RESERVED_INTENTS


# --- the decision -------------------------------------------------------------------------


class ScreenKind(Enum):
    SUBMIT = "submit"  # a PIN for the pending request: it goes to the merchant
    REASK = "reask"  # the channel asks for the PIN again; Rasa is not reached
    PASS = "pass"  # an ordinary message (masked) for Rasa


@dataclass(frozen=True)
class Screened:
    """What one user message may become.

    ``text_for_rasa`` is None for REASK; for SUBMIT it is the outcome once
    :meth:`PinGate.incoming` has submitted the PIN. ``shown`` is the text clients
    and logs may see. ``digits`` (SUBMIT only) never appears in a repr.
    """

    kind: ScreenKind
    shown: str
    text_for_rasa: str | None = None
    digits: str | None = field(default=None, repr=False)
    reason: str = ""
    reply: tuple[dict[str, Any], ...] = ()

    @property
    def masked(self) -> bool:
        return MASK in self.shown


def screen(text: str, pending: PinRequest | None, pin_digits: int = DEFAULT_PIN_DIGITS) -> Screened:
    """The policy as a pure function: what ``text`` becomes, given the pending request."""
    length = pending.digits if pending is not None else pin_digits
    shown = mask(text, min(length, pin_digits))
    if pending is None:
        if _is_reserved(text):
            return Screened(ScreenKind.PASS, shown, SECRET_NOT_EXPECTED)
        if shown != text and not (set(_words(shown.replace(MASK, " ")).split()) - _FILLER):
            return Screened(ScreenKind.PASS, shown, SECRET_NOT_EXPECTED)
        return Screened(ScreenKind.PASS, shown, shown)
    candidates = pin_candidates(text, length)
    if len(candidates) == 1 and not _is_reserved(text):
        return Screened(ScreenKind.SUBMIT, MASK, digits=candidates.pop())
    if is_decline(text):
        return Screened(ScreenKind.PASS, shown, shown)
    return Screened(ScreenKind.REASK, shown, reason=_reask_reason(text, length, candidates))


def pin_candidates(text: str, length: int) -> set[str]:
    """Every PIN of ``length`` digits that ``text`` may hold (exactly one: it is submitted)."""
    return {
        c
        for alone in (True, False)
        for run in digit_runs(text, long_numerals_alone=alone)
        if (c := run.candidate(length))
    }


def _reask_reason(text: str, length: int, candidates: set[str]) -> str:
    if len(candidates) > 1:
        return "I heard more than one number."
    lengths = [len(run.core) for run in digit_runs(text) if len(run.core) > 1]
    if lengths:
        heard = max(lengths, key=lambda n: (abs(n - length) == 0, n))
        return f"I heard {heard} digits, but your PIN has {length}."
    return "That didn't sound like a PIN."


# --- the gate every channel calls ---------------------------------------------------------


class PinGate:
    """Applies :func:`screen` to a conversation and carries out its decision."""

    def __init__(
        self,
        store: PendingPinStore | None = None,
        *,
        allowed_submit_urls: Sequence[str] | None = None,
        client: httpx.AsyncClient | None = None,
        ttl_s: float = PENDING_TTL_SECONDS,
        pin_digits: int = DEFAULT_PIN_DIGITS,
        takes_pin: bool = True,
        settings: RasaSettings | None = None,
    ) -> None:
        """``takes_pin=False`` is for channels whose clients echo or keep what is said
        (socket.io chat widgets, Home Assistant's stored transcripts): nothing they send is
        ever submitted as a PIN, even while one is pending from another channel (it is
        masked like any message), and a PIN request in a reply is dropped, not kept. The
        dialogue asks for a PIN only on the channels in ``ORDERLY_PIN_CHANNELS`` anyway.
        """
        settings = settings or rasa_settings()
        self._store = store or pending_store(settings.redis_url)
        self._takes_pin = takes_pin
        if allowed_submit_urls is None:
            allowed_submit_urls = [settings.merchant_url]
        self._allowed = tuple(_origin(url) for url in allowed_submit_urls)
        self._client = client or httpx.AsyncClient(timeout=SUBMIT_TIMEOUT_SECONDS)
        self._ttl = ttl_s
        self._pin_digits = pin_digits

    async def expecting(self, sender_id: str) -> PinRequest | None:
        """The pending request, if the assistant is waiting for this customer's PIN."""
        return await self._store.get(sender_id)

    async def incoming(self, sender_id: str, text: str, bearer_token: str) -> Screened:
        """Screen one user message; for SUBMIT, submit it and put the outcome in ``text_for_rasa``.

        ``bearer_token`` is the customer's own token: the merchant checks the PIN for
        the customer it names, never for a service acting on someone's behalf.
        """
        pending = await self._store.get(sender_id) if self._takes_pin else None
        screened = screen(text, pending, self._pin_digits)
        if screened.kind is ScreenKind.REASK:
            assert pending is not None
            note = f"{screened.reason} Please say or type your {pending.digits}-digit PIN"
            reply = {
                "text": f"{note}, or say 'cancel'.",
                "custom": Custom(secure_input=pending.public(), expect=QuestionKind.PIN).payload(),
            }
            return Screened(
                ScreenKind.REASK, screened.shown, reason=screened.reason, reply=(reply,)
            )
        if screened.kind is ScreenKind.PASS:
            if pending is not None:
                await self._store.clear(sender_id)
            return screened
        request = await self._store.take(sender_id)
        if request is None:  # answered meanwhile on another connection: nothing to submit
            return Screened(ScreenKind.PASS, MASK, SECRET_NOT_EXPECTED)
        outcome = await self._submit(request, screened.digits or "", bearer_token)
        return Screened(
            ScreenKind.SUBMIT, MASK, f"/{request.reply_intent}{json.dumps(outcome)}", reason=""
        )

    async def outgoing(
        self, sender_id: str, messages: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Remember a PIN request in the bot's reply; return what the client may see.

        A reply without one clears the pending request: a PIN is expected only right
        after the assistant asked for it.
        """
        screened: list[dict[str, Any]] = []
        asked: PinRequest | None = None
        for message in messages:
            custom = message.get("custom")
            request = custom.get("secure_input") if isinstance(custom, dict) else None
            if isinstance(custom, dict) and isinstance(request, dict) and "submit" in request:
                if not self._takes_pin:
                    logger.error(
                        "a PIN request reached a channel that takes no PIN and was dropped: "
                        "keep this channel out of ORDERLY_PIN_CHANNELS"
                    )
                    kept = {key: value for key, value in custom.items() if key != "secure_input"}
                    screened.append({**message, "custom": kept})
                    continue
                asked = PinRequest.from_message(request)
                message = {**message, "custom": {**custom, "secure_input": asked.public().dict()}}
            screened.append(message)
        if asked is None:
            await self._store.clear(sender_id)
        else:
            await self._store.put(sender_id, asked, self._ttl)
        return screened

    async def _submit(self, request: PinRequest, digits: str, bearer_token: str) -> dict[str, str]:
        if _origin(request.submit_url) not in self._allowed:
            # The customer's token and PIN go only to the configured merchant.
            logger.error(
                "PIN submit URL outside the merchant platform refused: %s", request.purpose
            )
            return {"secure_outcome": "unavailable"}
        try:
            response = await self._client.post(
                request.submit_url,
                json={**request.fields, "pin": digits},
                headers={"Authorization": f"Bearer {bearer_token}"},
            )
        except httpx.HTTPError as error:
            # Log the failure kind only: the request body holds the secret.
            logger.warning("PIN for %s not delivered: %s", request.purpose, type(error).__name__)
            return {"secure_outcome": "unavailable"}
        if response.is_success:
            return {"secure_outcome": "verified"}
        try:
            refusal = response.json().get("error", {})
        except (ValueError, AttributeError):
            refusal = {}
        if response.status_code >= 500 or not isinstance(refusal, dict):
            return {"secure_outcome": "unavailable"}
        if response.status_code == 401:
            return {"secure_outcome": "unauthorized"}
        outcome = {"secure_outcome": str(refusal.get("code", "rejected"))}
        if "attempts_left" in refusal:
            outcome["attempts_left"] = str(refusal["attempts_left"])
        return outcome


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
