"""The speech engines on real audio made at test time: Whisper tiny.en, Piper, espeak-ng."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from speech.pcm import pcm16_to_samples, rms
from speech.recognition import RecogniserSettings, RecognitionError, load_recogniser
from speech.recognition.models import resolve_model
from speech.recognition.whisper import WhisperRecogniser, bias_prompt, collapse_repeats
from speech.recognition.workers import WorkerRecogniser
from speech.synthesis import SynthesisError, SynthesizerSettings, load_synthesizer
from speech.synthesis.base import run_synthesizer
from tests.voice.conftest import (
    Speak,
    at_16k,
    needs_espeak,
    needs_festival,
    needs_flite,
    silence,
    words,
)

MENU = ("Breakfast order", "Egg & Sausage Muffin", "Hash Brown", "Americano", "Latte")


def test_whisper_hears_an_order(recogniser: WhisperRecogniser, speak: Speak) -> None:
    audio = at_16k(speak("two hash browns and a medium americano"))
    transcript = recogniser.transcribe(audio, MENU)
    assert {"two", "hash", "medium", "americano"} <= words(transcript.text), transcript
    assert transcript.audio_s == pytest.approx(len(audio) / 16_000)
    assert 0 < transcript.real_time_factor < 1.0


@needs_espeak()
def test_whisper_hears_espeak_too(recogniser: WhisperRecogniser) -> None:
    voice = load_synthesizer(SynthesizerSettings(engine="espeak"))
    audio = voice.synthesize("check out")
    text = recogniser.transcribe(at_16k_pcm(audio.pcm, audio.sample_rate)).text
    assert words(text) >= {"check", "out"}, text


def at_16k_pcm(pcm: bytes, rate: int) -> np.ndarray:
    from speech.resampling import resample

    return resample(pcm16_to_samples(pcm), rate, 16_000)


def test_silence_and_noise_are_not_words(recogniser: WhisperRecogniser) -> None:
    rng = np.random.default_rng(3)
    noise = (rng.standard_normal(16_000 * 2) * 0.02).astype(np.float32)
    assert recogniser.transcribe(silence(2.0), MENU).text == ""
    assert recogniser.transcribe(noise, MENU).text == ""
    assert recogniser.transcribe(np.zeros(0, dtype=np.float32)).text == ""


async def test_recognition_leaves_the_event_loop_free(
    recogniser: WhisperRecogniser, speak: Speak
) -> None:
    audio = at_16k(speak("what's on the breakfast menu today"))
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    running = asyncio.create_task(ticker())
    started = time.monotonic()
    transcript = await recogniser.recognise(audio, MENU)
    running.cancel()
    assert "menu" in words(transcript.text)
    gaps = np.diff([started, *ticks])
    assert len(ticks) > 5 and gaps.max() < 0.2, "the loop stalled while Whisper ran"


async def test_recognition_runs_in_worker_processes(speak: Speak) -> None:
    workers = load_recogniser(RecogniserSettings(model="tiny.en", processes=2))
    try:
        assert isinstance(workers, WorkerRecogniser)
        audio = at_16k(speak("two hash browns and a medium americano"))
        both = await asyncio.gather(
            workers.recognise(audio, MENU), workers.recognise(audio[: len(audio) // 2], MENU)
        )
        assert {"hash", "americano"} <= words(both[0].text), both
        assert "two" in words(both[1].text) and "americano" not in words(both[1].text), both
        assert "menu" in words(workers.transcribe(at_16k(speak("what's on the menu")), MENU).text)
    finally:
        workers.close()


@pytest.mark.slow
def test_recognition_workers_do_not_spin_while_idle() -> None:
    """CTranslate2's waiting threads must leave shared cores to Rasa and Piper."""
    workers = load_recogniser(RecogniserSettings(model="tiny.en", processes=1))
    try:
        assert isinstance(workers, WorkerRecogniser)
        in_worker = workers._pool.submit(os.getenv, "OMP_WAIT_POLICY").result()
        assert in_worker == "PASSIVE"
        assert workers.transcribe(np.zeros(1600, dtype=np.float32)).text == ""
    finally:
        workers.close()


@pytest.mark.slow
def test_a_worker_that_cannot_load_says_why(tmp_path: Path) -> None:
    with pytest.raises(RecognitionError, match="Unknown Whisper model"):
        load_recogniser(RecogniserSettings(model=str(tmp_path), processes=1))


def test_the_prompt_lists_phrases_once_and_fits() -> None:
    assert bias_prompt(["Latte", "Latte ", "", "Hash Brown"]) == "Latte, Hash Brown."
    assert bias_prompt([]) is None
    long = bias_prompt([f"Item number {i}" for i in range(200)])
    assert long is not None and len(long) <= 601 and long.endswith(".")


def test_repeated_sentences_collapse() -> None:
    assert collapse_repeats("Six large lattes. Six large lattes.") == "Six large lattes."
    assert collapse_repeats("No? No") == "No?"
    assert collapse_repeats("Yes, yes please") == "Yes, yes please"


@pytest.mark.slow
def test_model_names_resolve_to_installed_weights(tmp_path: Path) -> None:
    assert (resolve_model("tiny.en") / "model.bin").is_file()
    base = resolve_model("base", cache_dir=tmp_path)
    assert (base / "model.bin").stat().st_size == 145_217_532
    assert {p.name for p in base.iterdir()} >= {"config.json", "tokenizer.json", "model.bin"}
    assert resolve_model("base", cache_dir=tmp_path) == base  # joined once
    with pytest.raises(RecognitionError, match="Unknown Whisper model"):
        resolve_model(str(tmp_path / "nothing-here"))
    with pytest.raises(RecognitionError, match="bias"):
        load_recogniser(RecogniserSettings(model="tiny.en", bias="shout"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "rate"),
    [
        ("piper", 22_050),
        pytest.param("espeak", 22_050, marks=needs_espeak()),
        pytest.param("flite", 16_000, marks=needs_flite()),
        pytest.param("festival", 16_000, marks=needs_festival()),
    ],
)
def test_synthesizers_speak_a_sentence(engine: str, rate: int) -> None:
    voice = load_synthesizer(SynthesizerSettings(engine=engine))
    audio = voice.synthesize("Your total is 19 yuan. Shall I pay now?")
    assert audio.format == "pcm_s16le" and audio.channels == 1
    assert audio.sample_rate == voice.sample_rate == rate
    assert 1.5 < audio.duration_s < 8.0
    assert rms(pcm16_to_samples(audio.pcm)) > 0.02


@pytest.mark.slow
def test_piper_can_be_deterministic_for_tests() -> None:
    voice = load_synthesizer(SynthesizerSettings(engine="piper", deterministic=True))
    assert voice.synthesize("Two lattes.").pcm == voice.synthesize("Two lattes.").pcm


@pytest.mark.slow
def test_piper_uses_its_configured_threads_and_never_spins() -> None:
    """Spinning threads stole the cores recognition and Rasa needed (docs/voice.md)."""
    from channels.voice.settings import VoiceSettings

    settings = VoiceSettings.from_sources({"tts_threads": 2}, {}).synthesizer()
    voice = load_synthesizer(settings)
    options = voice._voice.session.get_session_options()  # type: ignore[attr-defined]
    assert options.intra_op_num_threads == 2
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    audio = voice.synthesize("Added two hash browns.")
    assert 0.8 < audio.duration_s < 5.0 and rms(pcm16_to_samples(audio.pcm)) > 0.02
    with pytest.raises(SynthesisError, match="at least one thread"):
        load_synthesizer(SynthesizerSettings(engine="piper", threads=0))


@pytest.mark.slow
def test_engine_problems_are_named() -> None:
    with pytest.raises(SynthesisError, match="Unknown speech engine"):
        load_synthesizer(SynthesizerSettings(engine="shout"))
    with pytest.raises(SynthesisError, match="not found"):
        load_synthesizer(SynthesizerSettings(engine="piper", voice="/nowhere/voice.onnx"))
    with pytest.raises(SynthesisError, match="Unknown flite voice"):
        load_synthesizer(SynthesizerSettings(engine="flite", voice="hal9000"))
    with pytest.raises(SynthesisError, match="unreachable"):
        load_synthesizer(SynthesizerSettings(engine="coqui", coqui_url="http://127.0.0.1:9"))


@pytest.mark.slow
def test_espeak_missing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(SynthesisError, match="apt-get install espeak-ng"):
        load_synthesizer(SynthesizerSettings(engine="espeak"))


def test_a_failing_or_hanging_engine_program_is_a_synthesis_error() -> None:
    # flite and espeak-ng share run_synthesizer; a stand-in program checks its error
    # mapping even where neither engine is installed.
    failing = ["sh", "-c", "echo 'no voice' >&2; exit 3"]
    with pytest.raises(SynthesisError, match="^flite failed: no voice$"):
        run_synthesizer(failing, "flite", timeout_s=5.0)
    with pytest.raises(SynthesisError, match="^espeak-ng took longer than 0.2 s$"):
        run_synthesizer(["sleep", "5"], "espeak-ng", timeout_s=0.2)
    assert run_synthesizer(["printf", "RIFF"], "flite", timeout_s=5.0) == b"RIFF"
