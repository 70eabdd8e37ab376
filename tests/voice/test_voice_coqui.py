"""The Coqui engine against a real Coqui ``tts-server`` (``make test-coqui`` starts one).

The server runs a tiny VITS checkpoint made at test time (scripts/coqui_tiny_model.py):
untrained weights speak noise, so these tests check the format, the length and that
the audio is not silent, not the words.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

from clients.voice_client.connection import VoiceConnection
from launch.stack import MODEL, Stack, StackConfig
from speech.pcm import pcm16_to_samples, rms
from speech.synthesis import SynthesizerSettings, load_synthesizer
from speech.synthesis.coqui import CoquiSynthesizer
from tests.conftest import MORNING, free_port
from tests.tokens import mint_token

COQUI_URL = os.environ.get("ORDERLY_COQUI_URL")

pytestmark = [
    pytest.mark.coqui,
    pytest.mark.slow,
    pytest.mark.skipif(COQUI_URL is None, reason="needs Coqui's tts-server: run `make test-coqui`"),
]


def test_coqui_speaks_through_its_own_server() -> None:
    assert COQUI_URL is not None
    voice = load_synthesizer(SynthesizerSettings(engine="coqui", coqui_url=COQUI_URL))
    assert isinstance(voice, CoquiSynthesizer) and voice.sample_rate == 16_000
    short = voice.synthesize("Anything else?")
    long = voice.synthesize("Here is your order: two hash browns and a medium americano.")
    assert short.format == "pcm_s16le" and short.channels == 1 and short.sample_rate == 16_000
    assert 0.3 < short.duration_s < long.duration_s < 20.0
    assert rms(pcm16_to_samples(long.pcm)) > 0.001


async def test_the_voice_channel_can_answer_with_coqui(tmp_path: Path) -> None:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make model`")
    config = StackConfig(
        data_dir=Path(tempfile.mkdtemp(dir=tmp_path)),
        merchant_port=free_port(),
        actions_port=free_port(),
        rasa_port=free_port(),
        wyoming_port=free_port(),
        env={
            "ORDERLY_NOW": MORNING,
            "ORDERLY_VOICE_ASR_MODEL": "tiny.en",
            "ORDERLY_VOICE_TTS_ENGINE": "coqui",
            "ORDERLY_VOICE_COQUI_URL": str(COQUI_URL),
        },
    )
    with Stack(config):
        url = config.rasa_url.replace("http://", "ws://") + "/webhooks/voice/ws"
        connection = await VoiceConnection.open(url, mint_token(f"coqui-{uuid.uuid4().hex[:8]}"))
        try:
            turn = await connection.type("what's in my cart")
        finally:
            await connection.close()
    assert turn.bot_texts and not turn.errors
    assert turn.audio_format == "pcm_s16le" and turn.sample_rate == 16_000
    assert len(turn.audio) > 16_000  # more than half a second
