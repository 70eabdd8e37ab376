"""The voice channel's settings: its section of ``credentials.yml``.

Every key is optional; the defaults run on a laptop::

    channels.voice.VoiceInput:
      asr_model: base            # base | tiny.en | a CTranslate2 Whisper folder
      tts_engine: piper          # piper | espeak | flite | festival | coqui
      trailing_silence_ms: 600
      complete_answer_silence_ms: 250   # a complete "yes" at "Shall I pay?" ends sooner
      max_utterance_s: 20
      allowed_origins:           # optional: pages that may connect (default ORDERLY_CORS_ORIGINS)
        - https://shop.example.com

Who connects is decided by the customer's token (``channels.voice.access``), not here.

Any key but ``allowed_origins`` can be overridden from the environment as
``ORDERLY_VOICE_<KEY>`` (``ORDERLY_VOICE_ASR_MODEL=tiny.en`` for tests and slow machines); the
environment wins over ``credentials.yml``. Unknown keys are refused, so a typo fails at
start-up with the key's name instead of being ignored. Every key: docs/configuration.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, validator

from contracts.settings import OrderlySettings, SettingsError
from speech.endpointing import EndpointerSettings
from speech.recognition import RecogniserSettings
from speech.synthesis import SynthesizerSettings

__all__ = ["SettingsError", "VoiceSettings"]

# Sanic closes a connection whose frame exceeds WEBSOCKET_MAX_SIZE (1 MiB) itself;
# below that, oversized frames get a polite error from this channel.
TRANSPORT_MAX_FRAME_BYTES = 1 << 20


class VoiceSettings(OrderlySettings):
    # Recognition
    asr_model: str = Field(
        default="base", description="`base`, `tiny.en`, or a CTranslate2 Whisper folder"
    )
    asr_language: str | None = Field(default="en", description="language Whisper listens for")
    asr_beam_size: int = Field(default=5, gt=0, description="decoding beam")
    asr_threads: int = Field(default=2, gt=0, description="CPU threads per recognition")
    asr_workers: int = Field(
        default=1, gt=0, description="recognitions at once when `asr_processes` is 0"
    )
    asr_processes: int = Field(
        default=1,
        ge=0,
        description="worker processes that recognise, each with its own model (0: threads "
        "inside the Rasa process, `asr_workers` of them)",
    )
    asr_encoder_window_s: float = Field(
        default=10.0,
        gt=0,
        description="seconds of audio the encoder sees at least "
        "(30 = standard Whisper, 2x slower here)",
    )
    asr_second_pass_below: float | None = Field(
        default=None,
        lt=0,
        description="an utterance whose first pass is less sure than this (mean log-probability "
        "per token) is decoded again with the standard 30 s window (unset: never)",
    )
    asr_bias: str = Field(
        default="prompt",
        description="how recognition is primed (docs/voice.md): `prompt`, `hotwords` or `none`",
    )
    asr_cache_dir: Path | None = Field(
        default=None,
        description="where model weights are unpacked; unset: `$ORDERLY_CACHE_DIR`, else "
        "`~/.cache/orderly`",
    )
    lexicon_url: str | None = Field(
        default=None,
        env=["ORDERLY_VOICE_LEXICON_URL", "ORDERLY_LEXICON_URL"],
        description="the live menu vocabulary (the action server's `/lexicon`), read with "
        "the NLU's copy of the same URL; the launcher sets `ORDERLY_LEXICON_URL`",
    )
    # Synthesis
    tts_engine: str = Field(
        default="piper", description="`piper`, `espeak`, `flite`, `festival` or `coqui`"
    )
    tts_voice: str | None = Field(
        default=None,
        description="a Piper `.onnx`, an espeak-ng voice, a flite voice (`slt`, `rms`, `awb`, "
        "`kal16`, `kal`), a festival voice (`kal_diphone`), or a Coqui speaker; unset: the "
        'packaged "joe" voice',
    )
    tts_threads: int = Field(
        default=1,
        gt=0,
        description="CPU threads per Piper synthesis (1 is fastest on 2 shared cores: "
        "docs/voice.md)",
    )
    coqui_url: str = Field(default="http://127.0.0.1:5092", description="Coqui's `tts-server`")
    # Endpointing and limits
    trailing_silence_ms: int = Field(
        default=600, gt=0, description="silence that ends an utterance (server endpointing)"
    )
    speculate_after_ms: int = Field(
        default=200,
        ge=0,
        description="recognition starts this far into the trailing silence, before the "
        "endpoint (0: off)",
    )
    answer_speculate_after_ms: int = Field(
        default=96,
        ge=0,
        description="at a closed question (yes/no, anything else, the PIN) recognition starts "
        "this far into the silence, so a complete answer is known in time to end the turn "
        "early (0: `speculate_after_ms`)",
    )
    complete_answer_silence_ms: int = Field(
        default=250,
        gt=0,
        description="silence that ends a complete answer to the open question (a yes or no "
        "at a confirmation, done at anything else, all the PIN's digits); open speech waits "
        "`trailing_silence_ms`",
    )
    max_utterance_s: float = Field(default=20.0, gt=0, description="longest utterance")
    vad_threshold: float = Field(
        default=0.5, ge=0, le=1, description="speech probability above which a frame is speech"
    )
    max_frame_bytes: int = Field(
        default=64 * 1024, description="largest audio frame a client may send"
    )
    max_text_chars: int = Field(default=2000, gt=0, description="longest typed message")
    reply_lead_s: float = Field(
        default=1.0,
        ge=0,
        description="reply audio is sent at most this far ahead of real time "
        "(channels.voice.speaking)",
    )
    # Limits on one caller (docs/voice-protocol.md)
    max_connections_per_customer: int = Field(
        default=2,
        gt=0,
        description="voice connections one customer may hold at once (per Rasa process); "
        "the next is closed with 4429",
    )
    max_waiting_recognitions: int = Field(
        default=4,
        ge=0,
        description="utterances that may wait for a busy recogniser, all connections "
        "together; beyond them the customer hears a busy reply (channels.voice.recognition)",
    )
    allowed_origins: list[str] = Field(
        default=[],
        env=(),
        description="pages allowed to open the websocket (`credentials.yml` only); "
        "empty: `ORDERLY_CORS_ORIGINS`",
    )

    class Config:
        env_prefix = "ORDERLY_VOICE_"

    @classmethod
    def from_sources(
        cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
    ) -> VoiceSettings:
        """Settings from the channel's credentials section, overridden by the environment
        (``environ``, default the process's)."""
        return cls.from_env(environ, **dict(credentials or {}))

    @validator("max_frame_bytes")
    def _below_transport_limit(cls, value: int) -> int:  # noqa: N805
        if not 0 < value < TRANSPORT_MAX_FRAME_BYTES:
            raise ValueError(f"must be between 1 and {TRANSPORT_MAX_FRAME_BYTES - 1}")
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
            second_pass_below=self.asr_second_pass_below,
            bias=self.asr_bias,
            cache_dir=self.asr_cache_dir,
        )

    def synthesizer(self) -> SynthesizerSettings:
        return SynthesizerSettings(
            engine=self.tts_engine,
            voice=self.tts_voice,
            coqui_url=self.coqui_url,
            threads=self.tts_threads,
        )

    def endpointer(self) -> EndpointerSettings:
        return EndpointerSettings(
            trailing_silence_ms=self.trailing_silence_ms,
            speculate_after_ms=self.speculate_after_ms,
            answer_speculate_after_ms=self.answer_speculate_after_ms,
            complete_answer_silence_ms=self.complete_answer_silence_ms,
            max_utterance_s=self.max_utterance_s,
            threshold=self.vad_threshold,
        )
