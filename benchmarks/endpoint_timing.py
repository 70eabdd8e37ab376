"""End of speech to transcript with server endpointing, for short answers and open speech.

    python -m benchmarks.endpoint_timing            # Whisper base, 3 rounds

Runs the voice channel's first two stages (the Listener with the real Silero VAD and
the Transcriber with the real Whisper, in this process) over Piper speech streamed in
real time, each utterance followed by silence, and measures from the last sample of
speech to the moment the turn's text is ready. Closed answers are said at the
question they answer ("yes please" at ``pay``, "that's all" at ``more_or_done``), open
speech while ordering. Two configurations, interleaved so that other load on the
machine falls on both alike:

- ``adaptive``: the channel's settings (a complete answer ends after
  ``complete_answer_silence_ms``, recognition starts ``answer_speculate_after_ms``
  into the silence at a closed question);
- ``fixed``: every turn waits ``trailing_silence_ms`` (600 ms), recognition starts
  200 ms into the silence: the channel before adaptive end of turn.

No dialogue and no reply audio: what the bench's server-endpoint latency adds on top
of this is the same in both. The load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import numpy as np

from channels.voice.engines import VoiceEngines
from channels.voice.listening import Listener, Transcriber
from channels.voice.pipeline import AudioIn, ExpectedAnswer, Frame, Stage, UserTurn
from channels.voice.settings import VoiceSettings
from speech.pcm import pcm16_to_samples
from speech.resampling import resample
from speech.synthesis import SynthesizerSettings, load_synthesizer

TURNS = [
    ("pay", "yes please"), ("pay", "yes"), ("pay", "no thanks"),
    ("more_or_done", "that's all"), (None, "two hash browns and a medium americano"),
]  # fmt: skip
CHUNK_S = 0.032  # one Silero window per chunk, sent in real time
SAMPLE_RATE = 16_000


class _Ends(Stage):
    """Notes when each turn's text arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: asyncio.Queue[tuple[float, UserTurn]] = asyncio.Queue()

    async def put(self, frame: Frame) -> None:
        if isinstance(frame, UserTurn):
            self.arrived.put_nowait((time.monotonic(), frame))


async def one_turn(engines: VoiceEngines, expect: str | None, speech: np.ndarray) -> float:
    listener = Listener(engines.endpointer())
    transcriber = Transcriber(engines, "bench")
    ends = _Ends()
    listener.link(transcriber).link(ends)
    tasks = [asyncio.create_task(stage.run()) for stage in (listener, transcriber)]
    await transcriber.from_downstream(ExpectedAnswer(expect))
    chunk = int(CHUNK_S * SAMPLE_RATE)
    audio = np.concatenate([speech, np.zeros(2 * SAMPLE_RATE, dtype=np.float32)])
    speech_end = None
    try:
        for start in range(0, len(audio), chunk):
            await listener.put(AudioIn(audio[start : start + chunk]))
            if start + chunk >= len(speech) and speech_end is None:
                speech_end = time.monotonic()
            await asyncio.sleep(CHUNK_S)
            if not ends.arrived.empty():
                break
        arrived, _turn = await asyncio.wait_for(ends.arrived.get(), timeout=10)
    finally:
        for task in tasks:
            task.cancel()
    assert speech_end is not None
    return arrived - speech_end


async def measure(rounds: int, model: str) -> dict[str, dict[str, list[float]]]:
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))
    clips = {}
    for _expect, text in TURNS:
        spoken = voice.synthesize(text)
        clips[text] = resample(pcm16_to_samples(spoken.pcm), spoken.sample_rate, SAMPLE_RATE)
    base = {"asr_model": model, "asr_processes": 0, "lexicon_url": None}
    configs = {
        "adaptive": VoiceSettings.from_sources(base, {}),
        "fixed": VoiceSettings.from_sources(
            {**base, "complete_answer_silence_ms": 600, "answer_speculate_after_ms": 200}, {}
        ),
    }
    engines = {name: VoiceEngines(settings) for name, settings in configs.items()}
    for each in engines.values():
        await each.warm_up()
    times: dict[str, dict[str, list[float]]] = {name: {} for name in configs}
    for _ in range(rounds):
        for expect, text in TURNS:
            for name, each in engines.items():
                took = await one_turn(each, expect, clips[text])
                times[name].setdefault(f"{expect or 'ordering'}: {text}", []).append(took)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    times = asyncio.run(measure(args.rounds, args.model))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("end of speech -> transcript, median over rounds (s)")
    for turn in times["adaptive"]:
        adaptive, fixed = (float(np.median(times[n][turn])) for n in ("adaptive", "fixed"))
        print(f"  {turn:55} adaptive {adaptive:.3f}  fixed {fixed:.3f}")
    for name, rows in times.items():
        closed = [t for turn, values in rows.items() if "ordering" not in turn for t in values]
        print(f"{name}: closed answers p50 {np.median(closed):.3f} s (n={len(closed)})")


if __name__ == "__main__":
    main()
