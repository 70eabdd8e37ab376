"""One caller's floods against another customer's push-to-talk latency (issue 15 §3).

    python -m benchmarks.voice_flood                       # Whisper base, about 5 minutes
    python -m benchmarks.voice_flood --model tiny.en --rounds 2

Starts the whole stack on free ports and measures one customer's push-to-talk
turns (end of speech to the first byte of reply audio, the benchmark's four-turn
conversation, ``--rounds`` times) three ways:

1. **alone**;
2. **while another customer streams speech** in real time with short pauses
   (``--pause-ms``, longer than the channel's ``speculate_after_ms`` and shorter
   than its trailing silence, so every pause invites an early recognition) on as
   many voice connections as the server lets it open (it stops at the first refusal,
   4429, or at ``--most-connections``);
3. **during a burst of wrong sign-ins from 8 threads**: each posts
   ``/identity/sign-in`` for an id nobody has with a random password, which costs the
   platform a deliberately slow hash whether it enrols the id or refuses it
   (hammering one known id would only lock it, which costs nothing).

It prints each p50 and the two ratios to the p50 alone (the goal: both within 2x).
Other processes on the machine slow every figure: the load average is printed. Run
it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import secrets
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from benchmarks.voice_bench import CONVERSATION, MORNING, free_port, sign_in
from benchmarks.voice_concurrency import conversation
from clients.voice_client.audio import Pcm
from clients.voice_client.connection import VoiceClientError, VoiceConnection
from launch.stack import MODEL, Stack, StackConfig
from speech.synthesis import Synthesizer, SynthesizerSettings, load_synthesizer

STREAMED = "I would like two hash browns, a medium americano with oat milk, and a breakfast combo"
SIGN_IN_THREADS = 8
FRAME_MS = 40


async def push_to_talk_p50(
    stack: Stack, url: str, speech: dict[str, Pcm], rounds: int, token: str
) -> float:
    """The p50 of the measured customer's turns over ``rounds`` conversations. The customer
    signed in once, before any flood: sign-in is throttled per address, and a burst of wrong
    sign-ins from this very address would refuse their next one (by design)."""
    latencies: list[float] = []
    for _ in range(rounds):
        latencies += await conversation(stack, url, speech, token)
    return float(np.median(latencies))


async def stream_with_pauses(
    connection: VoiceConnection, pcm: Pcm, pause_s: float, stop: asyncio.Event
) -> None:
    """Speech, a short pause, speech again, in real time, until ``stop``."""
    await connection.start(pcm.sample_rate, endpointing="server")
    frame_bytes = pcm.sample_rate * FRAME_MS // 1000 * 2
    pause = bytes(int(pause_s * pcm.sample_rate) * 2)
    started, sent_s = time.monotonic(), 0.0
    while not stop.is_set():
        for data in (pcm.data, pause):
            for offset in range(0, len(data), frame_bytes):
                frame = data[offset : offset + frame_bytes]
                await asyncio.sleep(max(0.0, started + sent_s - time.monotonic()))
                await connection.send_raw(frame)
                sent_s += len(frame) / 2 / pcm.sample_rate
                if stop.is_set():
                    return


async def open_all(url: str, token: str, most: int) -> list[VoiceConnection]:
    """As many connections as the server allows one customer (up to ``most``)."""
    connections: list[VoiceConnection] = []
    while len(connections) < most:
        try:
            connections.append(await VoiceConnection.open(url, token))
        except VoiceClientError as refused:
            print(f"  connection {len(connections) + 1} refused: {refused}", flush=True)
            break
    return connections


async def during_voice_flood(
    stack: Stack, url: str, speech: dict[str, Pcm], args: argparse.Namespace, measured: str
) -> tuple[float, int]:
    streamed = _speech(STREAMED)
    token = await asyncio.to_thread(sign_in, stack, _id("flood"))
    connections = await open_all(url, token, args.most_connections)
    stop = asyncio.Event()
    streams = [
        asyncio.create_task(stream_with_pauses(c, streamed, args.pause_ms / 1000, stop))
        for c in connections
    ]
    try:
        await asyncio.sleep(3.0)  # the flood is under way before the clock starts
        return await push_to_talk_p50(stack, url, speech, args.rounds, measured), len(connections)
    finally:
        stop.set()
        await asyncio.gather(*streams, return_exceptions=True)
        for connection in connections:
            await connection.close()


async def during_sign_in_burst(
    stack: Stack, url: str, speech: dict[str, Pcm], rounds: int, measured: str
) -> tuple[float, Counter[int]]:
    stop = threading.Event()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def hammer() -> None:
        with httpx.Client(base_url=stack.config.merchant_url, timeout=30.0) as client:
            while not stop.is_set():
                credentials = {"customer_id": _id("stranger"), "password": secrets.token_hex(8)}
                try:
                    status = client.post("/identity/sign-in", json=credentials).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    statuses[status] += 1

    with ThreadPoolExecutor(SIGN_IN_THREADS) as pool:
        for _ in range(SIGN_IN_THREADS):
            pool.submit(hammer)
        try:
            await asyncio.sleep(2.0)
            return await push_to_talk_p50(stack, url, speech, rounds, measured), statuses
        finally:
            stop.set()


async def measure(stack: Stack, args: argparse.Namespace) -> None:
    url = stack.config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
    speech = {text: _speech(text) for text in CONVERSATION}
    measured = await asyncio.to_thread(sign_in, stack, _id())
    await push_to_talk_p50(stack, url, speech, 1, measured)  # warm-up
    alone = await push_to_talk_p50(stack, url, speech, args.rounds, measured)
    print(f"push-to-talk p50 alone:                 {alone:.3f} s", flush=True)
    flooded, connections = await during_voice_flood(stack, url, speech, args, measured)
    print(f"... while one customer streams on {connections} connections: {flooded:.3f} s "
          f"(x{flooded / alone:.2f})", flush=True)  # fmt: skip
    burst, statuses = await during_sign_in_burst(stack, url, speech, args.rounds, measured)
    print(f"... during a burst of wrong sign-ins:   {burst:.3f} s (x{burst / alone:.2f}); "
          f"sign-in answers by status: {dict(statuses)}", flush=True)  # fmt: skip
    print(f"ratios to alone: voice flood x{flooded / alone:.2f}, sign-in burst "
          f"x{burst / alone:.2f} (goal: both <= 2)")  # fmt: skip


def _speech(text: str) -> Pcm:
    audio = _voice().synthesize(text)
    return Pcm(audio.pcm, audio.sample_rate)


@functools.cache
def _voice() -> Synthesizer:
    return load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))


def _id(prefix: str = "ptt") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base")
    parser.add_argument("--rounds", type=int, default=3, help="conversations per measurement")
    parser.add_argument("--pause-ms", type=int, default=300, help="the streamer's pauses")
    parser.add_argument("--most-connections", type=int, default=8)
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make model` first.")
    print(f"Whisper {args.model}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="voice-flood-") as data_dir:
        config = StackConfig(
            data_dir=Path(data_dir),
            merchant_port=free_port(),
            actions_port=free_port(),
            rasa_port=free_port(),
            env={"ORDERLY_NOW": MORNING, "ORDERLY_VOICE_ASR_MODEL": args.model},
        )
        with Stack(config) as stack:
            asyncio.run(measure(stack, args))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
