"""State-aware recognition measured: short answers heard with and without the bias.

    python -m benchmarks.recognition_bias                  # Whisper tiny.en and base
    python -m benchmarks.recognition_bias --models base

Speaks yes/no answers and PINs in several voices (Piper, espeak-ng's English
variants, flite's voices), made here, and recognises each with four primings:

- ``none``: no prompt at all;
- ``menu``: the menu prompt that every utterance but the PIN got before
  state-aware recognition (item, choice and store names from the catalogue);
- ``state``: the phrases ``recognition_bias`` gives for the open question
  (yes/no words at ``pay``, digits at ``pin``), as Whisper's ``initial_prompt``;
- ``state-hotwords``: the same phrases as faster-whisper's ``hotwords``;
- ``state-decoded``: the ``state`` prompt, five n-best candidates decoded against
  the question's answers as the channel does (``channels.voice.answers``).

An answer counts as right when the dialogue would act on its meaning: the same
yes/no polarity (a yes recovered from the n-best only with the payment threshold's
confidence, 0.8: a doubtful one is asked again, which is not right but not wrong),
or exactly the PIN's digits as ``channels.pin_policy`` reads them. ``no as yes``
counts the dangerous misses: a no that the dialogue would take for a yes. No server
is needed; results also go to ``results/recognition_bias.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from actions.lexicon import lexicon_of
from channels.pin_policy import ScreenKind, screen
from channels.pin_store import PinRequest
from channels.voice.answers import ALTERNATIVES, closed_question, read_answer
from channels.voice.vocabulary import MenuWords, menu_words, recognition_bias
from merchant.packs import load_packs
from speech.pcm import pcm16_to_samples
from speech.recognition import RecogniserSettings, load_recogniser
from speech.resampling import resample
from speech.synthesis import SynthesizerSettings, load_synthesizer

YES = ["yes", "yes please", "sure", "go ahead", "yeah", "correct"]
NO = ["no", "no thanks", "nope", "not yet", "wait"]
PINS = {
    "two four six eight one zero": "246810",
    "my pin is one three five seven nine two": "135792",
    "nine eight seven six five four": "987654",
    "zero one one two three five": "011235",
}
VOICES = [
    ("piper", None), ("espeak", "en-us"), ("espeak", "en-gb"), ("espeak", "en-gb-x-rp"),
    ("espeak", "en-us+f3"), ("flite", "slt"), ("flite", "rms"), ("flite", "awb"),
    ("festival", "kal_diphone"),
]  # fmt: skip
PAYMENT_THRESHOLD = 0.8  # actions/settings.py confirmation_min_confidence
PRIMINGS = ("none", "menu", "state", "state-hotwords", "state-decoded")
# A pending PIN request, for the PIN policy to read an answer against.
ASKED_PIN = PinRequest("payment_pin", 6, "http://127.0.0.1:9/pin", {}, "pin_submitted")
_NO_WORDS = {"no", "nope", "not", "wait", "nah"}
_YES_WORDS = {"yes", "yeah", "yep", "sure", "go", "ahead", "correct", "ok", "okay"}


def polarity(text: str) -> str | None:
    """``yes``, ``no`` or None: the meaning of a short answer, as a reader would take it."""
    words = re.findall(r"[a-z]+", text.lower())
    if any(w in _NO_WORDS for w in words):
        return "no"
    if any(w in _YES_WORDS for w in words):
        return "yes"
    return None


def catalogue_words(merchant_id: str | None = None) -> MenuWords:
    """The menu words of a sandbox merchant, from the lexicon the action server would serve."""
    merchant = next(m for m in load_packs() if merchant_id in (None, m.id))
    return menu_words(lexicon_of(merchant.id, merchant.items, merchant.listed))


def voices() -> list[tuple[str, Any]]:
    """(label, synthesizer) for every voice whose engine is installed here."""
    found = []
    for engine, voice in VOICES:
        program = {"espeak": "espeak-ng", "flite": "flite", "festival": "text2wave"}.get(engine)
        if program and shutil.which(program) is None:
            continue
        settings = SynthesizerSettings(engine=engine, voice=voice, deterministic=True)
        found.append((f"{engine}:{voice}" if voice else engine, load_synthesizer(settings)))
    return found


def run(models: list[str], primings: list[str]) -> list[dict[str, Any]]:
    words = catalogue_words()
    menu = recognition_bias(None, words)
    cases = [(t, "yes", "pay") for t in YES] + [(t, "no", "pay") for t in NO]
    cases += [(t, digits, "pin") for t, digits in PINS.items()]
    speech = []
    for label, synthesizer in voices():
        for text, meaning, expect in cases:
            audio = synthesizer.synthesize(text)
            samples = resample(pcm16_to_samples(audio.pcm), audio.sample_rate, 16_000)
            speech.append((label, text, meaning, expect, samples))
    rows = []
    for model in models:
        as_prompt = load_recogniser(RecogniserSettings(model=model, bias="prompt"))
        as_hotwords = load_recogniser(RecogniserSettings(model=model, bias="hotwords"))
        for priming in primings:
            recogniser = as_hotwords if priming == "state-hotwords" else as_prompt
            for label, text, meaning, expect, samples in speech:
                phrases = {"none": (), "menu": menu}.get(priming) or recognition_bias(expect, words)
                sure = True
                if priming == "state-decoded":
                    question = closed_question(expect, pin_digits=ASKED_PIN.digits)
                    assert question is not None
                    transcript = recogniser.transcribe(samples, phrases, ALTERNATIVES)
                    answer = read_answer(question, transcript)
                    heard = answer.text
                    sure = not answer.recovered or answer.confidence >= PAYMENT_THRESHOLD
                else:
                    heard = recogniser.transcribe(samples, phrases).text
                right = understood(heard, meaning, expect) and (sure or meaning != "yes")
                no_as_yes = meaning == "no" and polarity(heard) == "yes" and sure
                kind = "yes/no" if expect == "pay" else "pin"
                rows.append({"model": model, "priming": priming, "voice": label, "kind": kind,
                             "said": text, "heard": heard, "right": right,
                             "no_as_yes": no_as_yes})  # fmt: skip
        as_prompt.close()
        as_hotwords.close()
    return rows


def understood(heard: str, meaning: str, expect: str) -> bool:
    if expect == "pin":
        screened = screen(heard, ASKED_PIN)
        return screened.kind is ScreenKind.SUBMIT and screened.digits == meaning
    return polarity(heard) == meaning


def report(rows: list[dict[str, Any]]) -> None:
    voices_used = sorted({r["voice"] for r in rows})
    print(f"voices: {', '.join(voices_used)}")
    print(f"{'model':8} {'priming':15} {'yes/no right':>14} {'PIN right':>12} {'no as yes':>9}")
    keys = dict.fromkeys((r["model"], r["priming"]) for r in rows)
    for model, priming in keys:
        cells = []
        for kind in ("yes/no", "pin"):
            picked = [r["right"] for r in rows if (r["model"], r["priming"], r["kind"]) ==
                      (model, priming, kind)]  # fmt: skip
            cells.append(f"{sum(picked)}/{len(picked)} {np.mean(picked):>4.0%}")
        dangerous = sum(
            r["no_as_yes"] for r in rows if (r["model"], r["priming"]) == (model, priming)
        )
        print(f"{model:8} {priming:15} {cells[0]:>14} {cells[1]:>12} {dangerous:>9}")
    for priming in sorted({r["priming"] for r in rows} & {"state", "state-decoded"}):
        print(f"\nmisses with the {priming} priming:")
        for r in rows:
            if r["priming"] == priming and not r["right"]:
                print(f"  {r['model']:8} {r['voice']:18} {r['said']!r} -> {r['heard']!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--primings", nargs="+", default=list(PRIMINGS), choices=PRIMINGS)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    rows = run(args.models, args.primings)
    report(rows)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    Path("results").mkdir(exist_ok=True)
    Path("results/recognition_bias.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
