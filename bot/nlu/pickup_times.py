"""Pickup times as customers say them: "asap", a clock time "HH:MM", or "+N" minutes.

Breakfast shops open in the morning and close in the evening, so an hour said without
am/pm is read the way a person behind the counter would: 6-11 in the morning, 1-5 in
the afternoon. A bare number is a time only with a cue ("at eight", "eight thirty",
"8 am"); otherwise it is left to the quantity reader ("eight lattes").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlu.numbers import is_digits, spoken_number

ASAP = "asap"
# Hours 1..AFTERNOON_HOURS_UP_TO said without am/pm mean the afternoon.
AFTERNOON_HOURS_UP_TO = 5

_ASAP_ANYWHERE: tuple[tuple[str, ...], ...] = (
    ("as", "soon", "as", "possible"),
    ("as", "soon", "as", "you", "can"),
    ("asap",),
    ("a", "s", "a", "p"),
    ("right", "away"),
    ("straight", "away"),
    ("immediately",),
)
# "now" means "as soon as possible" only at the end ("I'll pick it up now"), not in
# "now I want a latte" or "that's all for now".
_ASAP_AT_END: tuple[tuple[str, ...], ...] = (("right", "now"), ("now",))
_CLOSING = frozenset({"please", "thanks", "thank", "you", "then", "ok", "okay"})
# "at eight" is a time; "for" only cues a time that is explicit anyway ("for 8:30"),
# since "for four" is more often a mishearing of "four".
_STRONG_CLOCK_CUES = frozenset({"at", "by", "around"})
_CLOCK_CUES = _STRONG_CLOCK_CUES | {"for"}
_RELATIVE_CUES = frozenset({"in", "within", "after"})
_MINUTE_UNITS = frozenset({"minute", "minutes", "min", "mins"})
_HOUR_UNITS = frozenset({"hour", "hours", "hr", "hrs"})
_FRACTIONS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("an", "hour", "and", "a", "half"), 90),
    (("half", "an", "hour"), 30),
    (("a", "half", "hour"), 30),
    (("half", "hour"), 30),
    (("a", "quarter", "of", "an", "hour"), 15),
    (("quarter", "of", "an", "hour"), 15),
    (("a", "quarter", "hour"), 15),
)
_MERIDIEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("am",), "am"),
    (("pm",), "pm"),
    (("in", "the", "morning"), "am"),
    (("in", "the", "afternoon"), "pm"),
    (("in", "the", "evening"), "pm"),
    (("this", "morning"), "am"),
    (("this", "afternoon"), "pm"),
)
_NAMED_TIMES = {"noon": (12, 0), "midday": (12, 0)}
_PAST_WORDS = frozenset({"past", "after", "pass"})  # Whisper hears "ten past" as "10 pass"
_MINUTES_PER_QUARTER = 15
_MINUTES_PER_HALF = 30
_MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class SpokenTime:
    """A pickup time at words[start:end]; words[claimed_from:start] is its cue ("at")."""

    value: str
    start: int
    end: int
    claimed_from: int


def find_pickup_times(words: Sequence[str]) -> list[SpokenTime]:
    """Every pickup time in the utterance, left to right, none overlapping."""
    found: list[SpokenTime] = []
    i = 0
    while i < len(words):
        spoken = _asap_at(words, i) or _relative_at(words, i) or _clock_at(words, i)
        if spoken is None:
            i += 1
            continue
        found.append(spoken)
        i = spoken.end
    return found


def _starts_with(words: Sequence[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i : i + len(phrase)]) == phrase


def _asap_at(words: Sequence[str], i: int) -> SpokenTime | None:
    for phrase in _ASAP_ANYWHERE:
        if _starts_with(words, i, phrase):
            return SpokenTime(ASAP, i, i + len(phrase), i)
    for phrase in _ASAP_AT_END:
        end = i + len(phrase)
        said_last = all(word in _CLOSING for word in words[end:])
        for_now = i > 0 and words[i - 1] in ("for", "from")  # "that's all for now"
        if _starts_with(words, i, phrase) and said_last and not for_now:
            return SpokenTime(ASAP, i, end, i)
    return None


def _relative_at(words: Sequence[str], i: int) -> SpokenTime | None:
    """ "in 20 minutes", "in half an hour", "ten minutes from now"."""
    cued = words[i] in _RELATIVE_CUES
    j = i + 1 if cued else i
    for phrase, minutes in _FRACTIONS:
        if _starts_with(words, j, phrase):
            end = j + len(phrase)
            if _starts_with(words, end, ("from", "now")):
                return SpokenTime(f"+{minutes}", i, end + 2, i)
            if cued:
                return SpokenTime(f"+{minutes}", i, _skip_time_word(words, end), i)
    amount, j = _read_amount(words, j)
    if amount is None or j >= len(words):
        return None
    if words[j] in _MINUTE_UNITS:
        minutes = amount
    elif words[j] in _HOUR_UNITS:
        minutes = amount * _MINUTES_PER_HOUR
    else:
        return None
    end = j + 1
    if _starts_with(words, end, ("from", "now")):
        return SpokenTime(f"+{minutes}", i, end + 2, i)
    if not cued or minutes == 0:
        return None
    return SpokenTime(f"+{minutes}", i, _skip_time_word(words, end), i)


def _skip_time_word(words: Sequence[str], j: int) -> int:
    """Swallow the "time" of "in ten minutes time"."""
    return j + 1 if j < len(words) and words[j] == "time" else j


def _read_amount(words: Sequence[str], j: int) -> tuple[int | None, int]:
    if j >= len(words):
        return None, j
    if words[j] in ("a", "an"):
        return 1, j + 1
    value = spoken_number(words[j])
    if value is None:
        return None, j
    if value >= 20 and j + 1 < len(words):  # "twenty five"
        unit = spoken_number(words[j + 1])
        if unit is not None and 0 < unit < 10 and not is_digits(words[j + 1]):
            return value + unit, j + 2
    return value, j + 1


def _clock_at(words: Sequence[str], i: int) -> SpokenTime | None:
    j = i
    strong_cue = False
    if words[j] in _CLOCK_CUES:
        strong_cue = words[j] in _STRONG_CLOCK_CUES
        j += 1
        if j < len(words) and words[j] in ("around", "about"):
            strong_cue = True
            j += 1
    if j >= len(words):
        return None
    named = _NAMED_TIMES.get(words[j])
    if named is not None:
        return SpokenTime(_format(*named), j, j + 1, i)
    read = _quarter_form(words, j) or _hour_form(words, j, strong_cue)
    if read is None:
        return None
    hour, minute, end, explicit = read
    if not (explicit or strong_cue):
        return None
    meridiem, end = _read_meridiem(words, end)
    clock = _to_24h(hour, minute, meridiem)
    if clock is None:
        return None
    return SpokenTime(_format(*clock), j, end, i)


def _quarter_form(words: Sequence[str], j: int) -> tuple[int, int, int, bool] | None:
    """ "half past eight", "quarter to nine", "ten past seven", "twenty to eight"."""
    if words[j] == "half" and j + 2 < len(words) and words[j + 1] in _PAST_WORDS:
        hour = spoken_number(words[j + 2])
        return None if hour is None else (hour, _MINUTES_PER_HALF, j + 3, True)
    if words[j] == "quarter":
        minutes, k = _MINUTES_PER_QUARTER, j + 1
    elif words[j] == "a" and j + 1 < len(words) and words[j + 1] == "quarter":
        minutes, k = _MINUTES_PER_QUARTER, j + 2
    else:
        amount, k = _read_amount(words, j)
        if amount is None or amount == 0 or amount > _MINUTES_PER_HALF or words[j] == "a":
            return None
        minutes = amount
        if k < len(words) and words[k] in _MINUTE_UNITS:
            k += 1
    if k + 1 >= len(words) or words[k] not in _PAST_WORDS | {"to"}:
        return None
    hour = spoken_number(words[k + 1])
    if hour is None or not 1 <= hour <= 12:
        return None
    if words[k] == "to":
        # "two to three" is more likely a quantity change than 2:58.
        if minutes % 5:
            return None
        return (hour - 1 or 12, _MINUTES_PER_HOUR - minutes, k + 2, True)
    return (hour, minutes, k + 2, True)


def _hour_form(words: Sequence[str], j: int, strong_cue: bool) -> tuple[int, int, int, bool] | None:
    """ "8:30", "eight thirty", "8 o'clock", "9 am"; explicit unless a bare hour.

    Two-digit minutes as their own word ("at 8 30") are trusted only after a strong cue.
    """
    word = words[j]
    for separator in (":", "."):
        if separator in word:
            hour_text, minute_text = word.split(separator)
            return (int(hour_text), int(minute_text), j + 1, True)
    if strong_cue and is_digits(word) and len(word) in (3, 4):  # "at 745": Whisper's 7:45
        return (int(word[:-2]), int(word[-2:]), j + 1, True)
    hour = spoken_number(word)
    if hour is None:
        return None
    k = j + 1
    if _starts_with(words, k, ("oclock",)):
        return (hour, 0, k + 1, True)
    if _starts_with(words, k, ("o", "clock")):
        return (hour, 0, k + 2, True)
    if k < len(words) and words[k] in ("oh", "o") and k + 1 < len(words):
        minute = spoken_number(words[k + 1])
        if minute is not None and 0 < minute < 10:
            return (hour, minute, k + 2, True)
    if k < len(words) and not is_digits(word) and words[k] not in ("a", "an"):
        minute, after = _read_amount(words, k)
        if minute is not None and 10 <= minute < _MINUTES_PER_HOUR:
            return (hour, minute, after, True)
    if k < len(words) and is_digits(words[k]) and len(words[k]) == 2 and strong_cue:
        return (hour, int(words[k]), k + 1, True)
    meridiem, _ = _read_meridiem(words, k)
    return (hour, 0, k, meridiem is not None)


def _read_meridiem(words: Sequence[str], k: int) -> tuple[str | None, int]:
    for phrase, meridiem in _MERIDIEMS:
        if _starts_with(words, k, phrase):
            return meridiem, k + len(phrase)
    return None, k


def _to_24h(hour: int, minute: int, meridiem: str | None) -> tuple[int, int] | None:
    if not 0 <= minute < _MINUTES_PER_HOUR:
        return None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
    elif 1 <= hour <= AFTERNOON_HOURS_UP_TO:
        hour += 12
    if not 0 <= hour <= 23:
        return None
    return hour, minute


def _format(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"
