"""The encoder window's choices side by side: word error rate and time per utterance.

    python -m benchmarks.recognition_window               # the bench's 20 utterances
    python -m benchmarks.recognition_window --more        # and 20 more of the same kind

Speaks ``make bench``'s ordering utterances in its four voices (Piper, espeak-ng,
flite, festival) and recognises every clip with each choice, one clip after another
with every choice in turn, so the machine's load weighs on all of them alike:

- ``10 s``: the encoder sees max(10 s, speech + 3 s) (the channel's window before);
- ``15 s``: the same with a longer floor;
- ``30 s``: standard Whisper;
- ``fitted``: the encoder sees the speech plus 3 s of Whisper's own padding, no floor;
- ``second pass``: the 10 s window, then the standard window again on the utterances
  whose first pass is unsure (``second_pass_below``), the more confident kept.

Also derives, from the 10 s and 30 s passes of the same run, what other thresholds of
the second pass would give (each utterance's passes are deterministic, so this is
what the live second pass would have heard). Word error rates do not depend on the
machine's load; the times do, so the load average is printed beside them. No server
is needed; results also go to ``results/recognition_window.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jiwer

from benchmarks.recognition_bias import catalogue_words
from benchmarks.voice_bench import UTTERANCES, VOICES, normalise
from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import recognition_bias
from speech.pcm import Samples, pcm16_to_samples
from speech.recognition import Recogniser, RecogniserSettings, Transcript, load_recogniser
from speech.resampling import resample
from speech.synthesis import load_synthesizer

# More ordering utterances of the same kind, for a steadier figure (``--more``).
MORE = [
    "three youtiao and two soy milks", "I want a small cola and an egg muffin",
    "please add one chicken congee", "switch the latte to oat milk",
    "no make it two hash browns", "how much is the breakfast combo",
    "I'll have a medium latte and a hash brown", "take off the cola",
    "is the congee available right now", "one americano please",
    "make the soy milk small", "two egg and sausage muffins and two lattes",
    "can I pick it up at jing'an temple", "what time do you open tomorrow",
    "that's everything thank you", "yes go ahead and pay",
    "no I changed my mind", "add another youtiao", "what drinks do you have",
    "I'd like four hash browns",
]  # fmt: skip
# The bench's stack serves this merchant; its menu primes every utterance.
MERCHANT = "golden-crumb"
# Thresholds derived from the 10 s and 30 s passes (mean log-probability per token).
DERIVED_THRESHOLDS = (-0.1, -0.15, -0.2, -0.25, -0.3, -0.4)


@dataclass(frozen=True)
class Choice:
    name: str
    settings: RecogniserSettings


def choices(model: str) -> list[Choice]:
    channel = VoiceSettings.from_sources({}, {}).recogniser()
    threshold = channel.second_pass_below if channel.second_pass_below is not None else -0.25
    return [
        Choice("10 s", RecogniserSettings(model=model, encoder_window_s=10.0)),
        Choice("15 s", RecogniserSettings(model=model, encoder_window_s=15.0)),
        Choice("30 s", RecogniserSettings(model=model, encoder_window_s=30.0)),
        Choice("fitted", RecogniserSettings(model=model, encoder_window_s=0.0)),
        Choice(
            f"second pass {threshold:g}",
            RecogniserSettings(model=model, encoder_window_s=10.0, second_pass_below=threshold),
        ),
    ]


def spoken(texts: list[str]) -> dict[str, list[Samples]]:
    sets = {}
    for name, settings in VOICES.items():
        voice = load_synthesizer(settings)
        sets[name] = [
            resample(pcm16_to_samples(a.pcm), a.sample_rate, 16_000)
            for a in (voice.synthesize(text) for text in texts)
        ]
    return sets


def wer(texts: list[str], heard: list[str]) -> float:
    return float(jiwer.wer([normalise(t) for t in texts], [normalise(h) for h in heard]))


def measure(model: str, texts: list[str]) -> dict[str, Any]:
    phrases = recognition_bias(None, catalogue_words(MERCHANT))
    sets = spoken(texts)
    loaded: dict[str, Recogniser] = {}
    for choice in choices(model):
        loaded[choice.name] = load_recogniser(choice.settings)
        loaded[choice.name].transcribe(sets["piper"][0], phrases)  # warm-up
    heard: dict[str, dict[str, list[Transcript]]] = {c: {} for c in loaded}
    for voice, clips in sets.items():
        for clip in clips:
            for name, recogniser in loaded.items():
                heard[name].setdefault(voice, []).append(recogniser.transcribe(clip, phrases))
        print(f"  {voice} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = [
        {
            "choice": name,
            "voice": voice,
            "wer": wer(texts, [t.text for t in transcripts]),
            "median_s": statistics.median(t.processing_s for t in transcripts),
            "max_s": max(t.processing_s for t in transcripts),
            "second_passes": sum(t.second_pass for t in transcripts),
            "heard": [t.text for t in transcripts],
        }
        for name, by_voice in heard.items()
        for voice, transcripts in by_voice.items()
    ]
    return {"rows": rows, "derived": derived(texts, heard["10 s"], heard["30 s"])}


def derived(
    texts: list[str], short: dict[str, list[Transcript]], standard: dict[str, list[Transcript]]
) -> list[dict[str, Any]]:
    """What the second pass would hear at other thresholds, from the same run's passes."""
    rows = []
    for threshold in DERIVED_THRESHOLDS:
        for voice, firsts in short.items():
            kept = [
                again if first.confidence < threshold and again.confidence >= first.confidence
                else first
                for first, again in zip(firsts, standard[voice], strict=True)
            ]  # fmt: skip
            passes = sum(f.confidence < threshold for f in firsts)
            heard = [k.text for k in kept]
            rows.append({"threshold": threshold, "voice": voice, "wer": wer(texts, heard),
                         "second_passes": passes})  # fmt: skip
    return rows


def report(figures: dict[str, Any], count: int) -> None:
    voices = list(VOICES)
    print(
        f"\nload average before/after: {figures['load_before']:.1f} / {figures['load_after']:.1f}"
    )
    print(f"Word error rate, {count} ordering utterances per voice (Whisper {figures['model']})")
    print(
        f"{'choice':18}" + "".join(f"{v:>10}" for v in voices) + "   median s  max s  heard again"
    )
    by_choice: dict[str, list[dict[str, Any]]] = {}
    for row in figures["rows"]:
        by_choice.setdefault(row["choice"], []).append(row)
    for name, rows in by_choice.items():
        wers = "".join(f"{r['wer']:>10.1%}" for r in rows)
        median = statistics.median(r["median_s"] for r in rows)
        slowest = max(r["max_s"] for r in rows)
        passes = sum(r["second_passes"] for r in rows)
        print(f"{name:18}{wers}   {median:8.2f} {slowest:6.2f}  {passes}/{count * len(voices)}")
    print("\nSecond pass at other thresholds (derived from the 10 s and 30 s passes above)")
    for threshold in DERIVED_THRESHOLDS:
        rows = [r for r in figures["derived"] if r["threshold"] == threshold]
        passes = sum(r["second_passes"] for r in rows)
        wers = "".join(f"{r['wer']:>10.1%}" for r in rows)
        print(f"below {threshold:<12g}{wers}   {passes}/{count * len(voices)} second passes")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base", help="Whisper model")
    parser.add_argument("--more", action="store_true", help="20 more utterances per voice")
    args = parser.parse_args()
    texts = UTTERANCES + (MORE if args.more else [])
    load_before = os.getloadavg()[0]
    figures = measure(args.model, texts)
    figures.update(model=args.model, load_before=load_before, load_after=os.getloadavg()[0])
    report(figures, len(texts))
    Path("results").mkdir(exist_ok=True)
    Path("results/recognition_window.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
