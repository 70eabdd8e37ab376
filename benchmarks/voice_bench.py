"""Voice benchmark: recognition, synthesis, and voice turn latency next to the text channel.

    python -m benchmarks.voice_bench                 # Whisper base, about 8 minutes
    python -m benchmarks.voice_bench --model tiny.en --conversations 2

Starts the whole stack (merchant platform, action server, Rasa with the voice
channel) on free ports, then prints:

1. recognition real-time factor and word error rate on spoken ordering
   utterances made here with Piper, espeak-ng, flite (slt) and festival
   (kal_diphone), with the channel's recognition settings (its encoder window and
   second pass, ``benchmarks/recognition_window.py``) and with Whisper's standard
   30 s window;
2. synthesis real-time factor of Piper and espeak-ng on typical replies;
3. voice turn latency, end of the user's speech to the first byte of reply audio,
   p50/p95 over the turns, for push-to-talk (``end_of_utterance``) and for server
   endpointing (which adds the trailing silence), next to the same turns typed on
   the REST channel, and the ratio;
4. how many voice conversations at once (push-to-talk, 1 to 4) keep p95 under 1.5 s.

Its last line sums it up, each figure for the channel's own recognition settings::

    voice summary: push_to_talk_p50=0.254 server_endpoint_p50=0.644 wer_piper=0.077 ...

Other processes on the machine slow every figure: the load average is printed.
Results also go to ``results/voice_bench.json``. The stack inherits the environment,
so ``ORDERLY_VOICE_COMPLETE_ANSWER_SILENCE_MS=600`` measures without the shorter wait
after a complete answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import jiwer
import numpy as np

from channels.voice.settings import VoiceSettings
from channels.voice.vocabulary import menu_words, recognition_bias
from clients.sign_in import Credentials, SignIn
from clients.voice_client.audio import Pcm
from clients.voice_client.connection import Endpointing, Turn, VoiceConnection
from contracts.lexicon import Lexicon
from launch.stack import MODEL, Stack, StackConfig
from speech.pcm import pcm16_to_samples
from speech.recognition import RecogniserSettings, load_recogniser
from speech.resampling import resample
from speech.synthesis import SynthesizerSettings, load_synthesizer

UTTERANCES = [
    "two hash browns and a medium americano", "I would like a breakfast combo with soy milk",
    "one egg and sausage muffin please", "can I get a large latte", "add a youtiao",
    "make that a large soy milk", "remove the hash brown", "what's in my cart",
    "what's on the breakfast menu", "how much is a large latte", "that's all",
    "yes please", "no thanks", "change the americano to large", "actually make it three",
    "a chicken congee and a cola", "I'll pick it up at people's square",
    "cancel my order", "check out", "start over",
]  # fmt: skip
REPLIES = [
    "Added 2 Hash Browns and 1 medium Americano. Your cart: 2 Hash Browns, 1 medium "
    "Americano. Total 26 yuan, pickup at People's Square, as soon as possible. "
    "Anything else, or shall I check out?",
    "Here is your order: 1 Breakfast Combo with Soy Milk, 25 yuan. Pickup at People's "
    "Square, as soon as possible. Shall I place it and pay 25 yuan now?",
    "Paid 26 yuan. Your order number is 1001. Thank you!",
]
CONVERSATION = ["two hash browns and a medium americano", "what's in my cart", "that's all", "yes"]
# A weekday morning in Shanghai: breakfast is served and every store is open.
MORNING = "2026-11-24T08:00:00+08:00"
_NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six"}
# The bench's voices: one of each engine family (name in the summary, settings).
VOICES = {
    "piper": SynthesizerSettings(engine="piper", deterministic=True),
    "espeak": SynthesizerSettings(engine="espeak"),
    "flite": SynthesizerSettings(engine="flite", voice="slt"),
    "festival": SynthesizerSettings(engine="festival"),
}
# The recognition figures' name for the channel's own settings (the summary's).
CHANNEL = "channel"
# Voice conversations at once, and the latency each turn must keep (issue 19).
MAX_CONCURRENT = 4
CONCURRENT_P95_LIMIT_S = 1.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def normalise(text: str) -> str:
    text = re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("&", " and "))
    return " ".join(_NUMBERS.get(word, word) for word in text.split())


def speech_sets() -> dict[str, list[np.ndarray]]:
    sets = {}
    for engine, settings in VOICES.items():
        voice = load_synthesizer(settings)
        sets[engine] = [
            resample(pcm16_to_samples(a.pcm), a.sample_rate, 16_000)
            for a in (voice.synthesize(text) for text in UTTERANCES)
        ]
    return sets


def recognition_figures(model: str, phrases: tuple[str, ...]) -> list[dict[str, Any]]:
    """Word error rate and speed with the channel's recognition settings and standard Whisper's."""
    rows = []
    sets = speech_sets()
    # In this process, as the bench always measured, not in the channel's worker process.
    channel = replace(VoiceSettings.from_sources({}, {}).recogniser(), model=model, processes=0)
    standard = RecogniserSettings(model=model, encoder_window_s=30.0)
    for name, settings in ((CHANNEL, channel), ("standard 30 s", standard)):
        recogniser = load_recogniser(settings)
        recogniser.transcribe(sets["piper"][0], phrases)  # warm-up
        for voice, clips in sets.items():
            results = [recogniser.transcribe(clip, phrases) for clip in clips]
            audio_s = sum(r.audio_s for r in results)
            busy_s = sum(r.processing_s for r in results)
            wer = jiwer.wer(
                [normalise(u) for u in UTTERANCES], [normalise(r.text) for r in results]
            )
            rows.append({"model": model, "recognition": name, "voice": voice, "wer": wer,
                         "rtf": busy_s / audio_s, "mean_s": busy_s / len(results),
                         "second_passes": sum(r.second_pass for r in results)})  # fmt: skip
    return rows


def synthesis_figures() -> list[dict[str, Any]]:
    rows = []
    for engine in ("piper", "espeak"):
        voice = load_synthesizer(SynthesizerSettings(engine=engine))
        voice.synthesize("Warm up.")
        started = time.perf_counter()
        audio_s = sum(voice.synthesize(reply).duration_s for reply in REPLIES)
        busy_s = time.perf_counter() - started
        rows.append({"engine": engine, "rtf": busy_s / audio_s, "audio_s": audio_s})
    return rows


async def voice_turn(connection: VoiceConnection, pcm: Pcm, endpointing: Endpointing) -> Turn:
    """One spoken turn in real time; the reply is interrupted once its audio starts."""
    await connection.start(pcm.sample_rate, endpointing)
    speaking = asyncio.create_task(connection.speak(pcm, endpointing, pace=1.0))
    while not speaking.done():
        if any(t.first_audio_at and not t.complete for t in connection.turns.values()):
            await connection.send_json({"type": "interrupt"})
            break
        await asyncio.sleep(0.005)
    return await speaking


async def latency_figures(stack: Stack, conversations: int) -> dict[str, Any]:
    """The same conversations spoken (two endpointing modes) and typed, interleaved."""
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))
    speech = {text: voice.synthesize(text) for text in CONVERSATION}
    pcm = {text: Pcm(audio.pcm, audio.sample_rate) for text, audio in speech.items()}
    url = stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
    samples: dict[str, list[float]] = {"voice_client": [], "voice_server": [], "text": []}
    parts: dict[str, list[float]] = {"recognition": [], "dialogue": [], "first_audio": []}
    heard: list[tuple[str, str]] = []
    async with httpx.AsyncClient(timeout=60.0) as rest:
        for round_ in range(conversations + 1):  # round 0 warms everything up
            token = sign_in(stack, f"bench-text-{uuid.uuid4().hex[:6]}")
            for text in CONVERSATION:
                latency = await rest_turn(rest, stack.config.rasa_url, token, text)
                samples["text"].extend([latency] if round_ else [])
            for mode in ("voice_client", "voice_server"):
                endpointing: Endpointing = "client" if mode == "voice_client" else "server"
                connection = await VoiceConnection.open(
                    url, sign_in(stack, f"bench-{uuid.uuid4().hex[:6]}")
                )
                for text in CONVERSATION:
                    turn = await voice_turn(connection, pcm[text], endpointing)
                    if turn.latency_s is None:
                        raise RuntimeError(f"no reply audio for {text!r}: {turn.events}")
                    heard.append((text, turn.transcript or ""))
                    if round_:
                        samples[mode].append(turn.latency_s)
                        if mode == "voice_client":
                            record_parts(parts, turn)
                await connection.close()
    summary: dict[str, Any] = {mode: percentiles(values) for mode, values in samples.items()}
    summary["concurrent"] = await concurrency_figures(url, stack)
    summary["parts_p50"] = {name: float(np.median(values)) for name, values in parts.items()}
    summary["heard"] = heard
    return summary


async def concurrency_figures(url: str, stack: Stack) -> list[dict[str, float]]:
    """p95 of push-to-talk turns with 1, 2, ... conversations at once (at most 4)."""
    # benchmarks.voice_concurrency builds on this module's helpers: imported here, late.
    from benchmarks.voice_concurrency import measure

    return await measure(stack, url, CONCURRENT_P95_LIMIT_S, MAX_CONCURRENT)


def concurrent_under_limit(rows: list[dict[str, float]]) -> int:
    """The most conversations at once whose turns kept p95 under the limit."""
    kept = [int(r["conversations"]) for r in rows if r["p95"] < CONCURRENT_P95_LIMIT_S]
    return max(kept, default=0)


def summary_line(figures: dict[str, Any]) -> str:
    latency = figures["latency"]
    wer = {r["voice"]: r["wer"] for r in figures["recognition"] if r["recognition"] == CHANNEL}
    parts = [
        f"push_to_talk_p50={latency['voice_client']['p50']:.3f}",
        f"server_endpoint_p50={latency['voice_server']['p50']:.3f}",
        *(f"wer_{voice}={wer[voice]:.3f}" for voice in VOICES if voice in wer),
        f"concurrent_under_1_5s={concurrent_under_limit(latency['concurrent'])}",
    ]
    return "voice summary: " + " ".join(parts)


def sign_in(stack: Stack, customer_id: str) -> str:
    """A token for a new sandbox customer (signed in before the clock starts)."""
    credentials = Credentials(customer_id, secrets.token_urlsafe(16))
    return SignIn(stack.config.merchant_url, credentials).token()


async def rest_turn(rest: httpx.AsyncClient, rasa_url: str, token: str, text: str) -> float:
    started = time.monotonic()
    reply = await rest.post(
        f"{rasa_url}/webhooks/rest/webhook",
        json={"message": text},
        headers={"Authorization": f"Bearer {token}"},
    )
    reply.raise_for_status()
    return time.monotonic() - started


def record_parts(parts: dict[str, list[float]], turn: Turn) -> None:
    assert turn.end_of_speech_at and turn.transcript_at and turn.first_reply_at
    assert turn.first_audio_at
    parts["recognition"].append(turn.transcript_at - turn.end_of_speech_at)
    parts["dialogue"].append(turn.first_reply_at - turn.transcript_at)
    parts["first_audio"].append(turn.first_audio_at - turn.first_reply_at)


def percentiles(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": float(np.percentile(values, 50)),
            "p95": float(np.percentile(values, 95))}  # fmt: skip


def report(figures: dict[str, Any]) -> None:
    print(f"\nload average before/after: {figures['load_before']} / {figures['load_after']}")
    print("\nRecognition (Whisper, int8, 2 threads; 20 ordering utterances per voice)")
    print(f"{'model':8} {'recognition':14} {'voice':10} {'WER':>6} {'RTF':>6} {'s/utt':>6} 2nd")
    for r in figures["recognition"]:
        print(f"{r['model']:8} {r['recognition']:14} {r['voice']:10} {r['wer']:>6.1%} "
              f"{r['rtf']:>6.3f} {r['mean_s']:>6.2f} {r['second_passes']:>3}")  # fmt: skip
    print("\nSynthesis")
    for r in figures["synthesis"]:
        print(f"{r['engine']:8} RTF {r['rtf']:.3f} ({r['audio_s']:.1f} s of speech)")
    latency = figures["latency"]
    text_p50 = latency["text"]["p50"]
    print("\nTurn latency: end of speech (or text sent) -> first reply audio (text: reply)")
    for mode, label in (("voice_client", "voice, end_of_utterance"),
                        ("voice_server", "voice, server VAD (incl. trailing silence)"),
                        ("text", "text, REST channel")):  # fmt: skip
        row = latency[mode]
        ratio = f"  x{row['p50'] / text_p50:.1f} text" if mode != "text" else ""
        print(f"{label:45} n={row['n']:<3} p50 {row['p50']:.3f} s  p95 {row['p95']:.3f} s{ratio}")
    parts = latency["parts_p50"]
    print(
        f"voice p50 parts: recognition {parts['recognition']:.3f} s, dialogue "
        f"{parts['dialogue']:.3f} s, first sentence synthesis {parts['first_audio']:.3f} s"
    )
    print(f"\n{summary_line(figures)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base", help="Whisper model for every figure")
    parser.add_argument("--conversations", type=int, default=5, help="4 turns each (default 5)")
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make model` first.")
    figures: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as data_dir:
        config = StackConfig(
            data_dir=Path(data_dir),
            merchant_port=free_port(),
            actions_port=free_port(),
            rasa_port=free_port(),
            wyoming_port=free_port(),
            env={"ORDERLY_NOW": MORNING, "ORDERLY_VOICE_ASR_MODEL": args.model},
        )
        print(f"starting the stack with Whisper {args.model} ...", flush=True)
        with Stack(config) as stack:
            body = httpx.get(f"{config.actions_url}/lexicon", timeout=10).json()
            lexicon = Lexicon.from_json(body)
            # The phrases the channel primes an ordering utterance with.
            menu = recognition_bias(None, menu_words(lexicon))
            print("voice turns ...", flush=True)
            figures["latency"] = asyncio.run(latency_figures(stack, args.conversations))
            print("recognition ...", flush=True)
            figures["recognition"] = recognition_figures(args.model, menu)
            figures["synthesis"] = synthesis_figures()
    figures["load_after"] = os.getloadavg()[0]
    report(figures)
    Path("results").mkdir(exist_ok=True)
    Path("results/voice_bench.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
