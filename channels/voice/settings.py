"""The voice channel's settings: its section of ``credentials.yml``.

Every key is optional; the defaults run on a laptop::

    channels.voice.VoiceInput:
      asr_model: base            # base | tiny.en | a CTranslate2 Whisper folder
      tts_engine: piper          # piper | espeak | flite | coqui
      trailing_silence_ms: 600
      max_utterance_s: 20
      allowed_origins:           # optional: pages that may connect (default ORDERLY_CORS_ORIGINS)
        - https://shop.example.com

Who connects is decided by the customer's token (``channels.voice.access``), not here.

Any scalar key can be overridden from the environment as ``ORDERLY_VOICE_<KEY>``
(``ORDERLY_VOICE_ASR_MODEL=tiny.en`` for tests and slow machines). Unknown keys are
refused, so a typo fails at start-up with the key's name instead of being ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, validator

from speech.endpointing import EndpointerSettings
from speech.recognition import RecogniserSettings
from speech.synthesis import SynthesizerSettings

ENVIRONMENT_PREFIX = "ORDERLY_VOICE_"
# Maps and lists stay in credentials.yml (with ${VARS} if need be).
_NOT_FROM_ENVIRONMENT = ("allowed_origins",)

# Sanic closes a connection whose frame exceeds WEBSOCKET_MAX_SIZE (1 MiB) itself;
# below that, oversized frames get a polite error from this channel.
TRANSPORT_MAX_FRAME_BYTES = 1 << 20


def _default_lexicon_url() -> str | None:
    return os.environ.get("ORDERLY_LEXICON_URL") or None


class VoiceSettings(BaseModel):
    # Recognition
    asr_model: str = "base"
    asr_language: str | None = "en"
    asr_beam_size: int = 5
    asr_threads: int = 2
    asr_workers: int = 1
    # Worker processes that recognise (0: threads inside the Rasa process).
    asr_processes: int = 1
    asr_encoder_window_s: float = 10.0
    asr_bias: str = "prompt"
    asr_cache_dir: Path | None = None
    # Where the live menu vocabulary comes from (the action server's /lexicon).
    lexicon_url: str | None = None
    lexicon_refresh_s: float = 300.0
    # Synthesis
    tts_engine: str = "piper"
    tts_voice: str | None = None
    coqui_url: str = "http://127.0.0.1:5092"
    # Endpointing and limits
    trailing_silence_ms: int = 600
    # Recognition starts this far into the trailing silence, before the endpoint (0: off).
    speculate_after_ms: int = 200
    max_utterance_s: float = 20.0
    vad_threshold: float = 0.5
    max_frame_bytes: int = 64 * 1024
    max_text_chars: int = 2000
    # Reply audio is sent at most this far ahead of real time (see channels.voice.speaking).
    reply_lead_s: float = 1.0
    # Access: pages allowed to open the websocket (empty: ORDERLY_CORS_ORIGINS)
    allowed_origins: list[str] = []

    class Config:
        extra = "forbid"

    @classmethod
    def from_sources(
        cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str]
    ) -> VoiceSettings:
        """Settings from the channel's credentials section, overridden by the environment."""
        values = dict(credentials or {})
        for name in cls.__fields__:
            variable = ENVIRONMENT_PREFIX + name.upper()
            if name not in _NOT_FROM_ENVIRONMENT and environ.get(variable):
                values[name] = environ[variable]
        return cls.parse_obj(values)

    @validator("lexicon_url", always=True)
    def _lexicon_from_environment(cls, value: str | None) -> str | None:  # noqa: N805
        return value or _default_lexicon_url()

    @validator("max_frame_bytes")
    def _below_transport_limit(cls, value: int) -> int:  # noqa: N805
        if not 0 < value < TRANSPORT_MAX_FRAME_BYTES:
            raise ValueError(f"must be between 1 and {TRANSPORT_MAX_FRAME_BYTES - 1}")
        return value

    @validator("trailing_silence_ms", "max_utterance_s", "asr_beam_size", "asr_workers")
    def _positive(cls, value: float) -> float:  # noqa: N805
        if value <= 0:
            raise ValueError("must be positive")
        return value

    @validator("asr_processes")
    def _not_negative(cls, value: int) -> int:  # noqa: N805
        if value < 0:
            raise ValueError("must be 0 (threads in the Rasa process) or more")
        return value

    def recogniser(self) -> RecogniserSettings:
        return RecogniserSettings(
            model=self.asr_model,
            language=self.asr_language,
            beam_size=self.asr_beam_size,
            cpu_threads=self.asr_threads,
            workers=self.asr_workers,
            processes=self.asr_processes,
            encoder_window_s=self.asr_encoder_window_s,
            bias=self.asr_bias,
            cache_dir=self.asr_cache_dir,
        )

    def synthesizer(self) -> SynthesizerSettings:
        return SynthesizerSettings(
            engine=self.tts_engine, voice=self.tts_voice, coqui_url=self.coqui_url
        )

    def endpointer(self) -> EndpointerSettings:
        return EndpointerSettings(
            trailing_silence_ms=self.trailing_silence_ms,
            speculate_after_ms=self.speculate_after_ms,
            max_utterance_s=self.max_utterance_s,
            threshold=self.vad_threshold,
        )
