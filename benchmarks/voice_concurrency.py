"""How many voice conversations at once before a turn's p95 passes the limit.

    python -m benchmarks.voice_concurrency                     # Whisper base, 1 worker process
    ORDERLY_VOICE_ASR_PROCESSES=2 python -m benchmarks.voice_concurrency

Starts the whole stack on free ports, then runs N simultaneous conversations
(N = 1, 2, 3, ...), each speaking the benchmark's four turns in real time with
push-to-talk, and measures every turn from the end of speech to the first byte of
reply audio. It stops at the first N whose p95 passes ``--limit`` (1.5 s) and
reports the largest N that stayed under it. Other processes on the machine slow
every figure: the load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import uuid
from pathlib import Path

from benchmarks.voice_bench import (
    CONVERSATION,
    MORNING,
    free_port,
    percentiles,
    sign_in,
    voice_turn,
)
from channels.voice.settings import VoiceSettings
from clients.voice_client.audio import Pcm
from clients.voice_client.connection import VoiceConnection
from launch.stack import MODEL, Stack, StackConfig
from speech.synthesis import SynthesizerSettings, load_synthesizer


async def conversation(
    stack: Stack, url: str, speech: dict[str, Pcm], token: str | None = None
) -> list[float]:
    """One voice conversation's turn latencies, as a new customer unless ``token`` says who."""
    if token is None:
        token = await asyncio.to_thread(sign_in, stack, f"conc-{uuid.uuid4().hex[:8]}")
    connection = await VoiceConnection.open(url, token)
    latencies = []
    try:
        for text in CONVERSATION:
            turn = await voice_turn(connection, speech[text], "client")
            if turn.latency_s is None:
                raise RuntimeError(f"no reply audio for {text!r}: {turn.events}")
            latencies.append(turn.latency_s)
    finally:
        await connection.close()
    return latencies


async def measure(stack: Stack, url: str, limit_s: float, most: int) -> list[dict[str, float]]:
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))
    speech = {}
    for text in CONVERSATION:
        audio = voice.synthesize(text)
        speech[text] = Pcm(audio.pcm, audio.sample_rate)
    await conversation(stack, url, speech)  # warm-up
    rows = []
    for count in range(1, most + 1):
        runs = await asyncio.gather(*(conversation(stack, url, speech) for _ in range(count)))
        row = {"conversations": count, **percentiles([s for run in runs for s in run])}
        rows.append(row)
        print(f"{count} at once: n={row['n']:.0f} p50 {row['p50']:.3f} s  p95 {row['p95']:.3f} s",
              flush=True)  # fmt: skip
        if row["p95"] > limit_s:
            break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base")
    parser.add_argument("--limit", type=float, default=1.5, help="p95 limit in seconds")
    parser.add_argument("--most", type=int, default=8, help="stop here in any case")
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make model` first.")
    processes = VoiceSettings.from_env().asr_processes
    print(f"Whisper {args.model}, asr_processes {processes}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="voice-concurrency-") as data_dir:
        config = StackConfig(
            data_dir=Path(data_dir),
            merchant_port=free_port(),
            actions_port=free_port(),
            rasa_port=free_port(),
            wyoming_port=free_port(),
            env={"ORDERLY_NOW": MORNING, "ORDERLY_VOICE_ASR_MODEL": args.model},
        )
        with Stack(config) as stack:
            url = stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
            rows = asyncio.run(measure(stack, url, args.limit, args.most))
    under = [r["conversations"] for r in rows if r["p95"] <= args.limit]
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"most conversations at once with p95 <= {args.limit} s: {max(under) if under else 0}")


if __name__ == "__main__":
    main()
