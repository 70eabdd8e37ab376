"""The Wyoming channel's settings: ``ORDERLY_WYOMING_*``, or its section of ``credentials.yml``.

Recognition (the ``asr`` service) uses the voice channel's recogniser settings
(``ORDERLY_VOICE_ASR_*``), so both channels hear alike.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from contracts.settings import OrderlySettings

DEVICES_FILE = "wyoming-devices.json"


class WyomingSettings(OrderlySettings):
    enabled: bool = Field(
        default=True,
        description="serve Wyoming (`serve-scaled` turns it off on the second Rasa replica)",
    )
    host: str = Field(
        default="127.0.0.1",
        description="where to listen; Wyoming has no authentication, so listen beyond this "
        "machine only on a network you trust (README: Home Assistant)",
    )
    port: int = Field(default=10500, ge=1, le=65535, description="where to listen")
    data_dir: Path = Field(
        default=Path("var"),
        env="ORDERLY_DATA_DIR",
        description=f"where `{DEVICES_FILE}` (linked devices) lives",
    )
    asr: bool = Field(
        default=True,
        description="also offer Orderly's recogniser as a Wyoming `asr` service",
    )
    follow_up_s: float = Field(
        default=60.0,
        ge=0,
        description="an `asr` request naming no device is primed by the question the last "
        "answered device was asked, this many seconds at most after it",
    )
    max_audio_s: float = Field(default=30.0, gt=0, description="longest utterance to recognise")
    max_text_chars: int = Field(default=2000, gt=0, description="longest transcript handled")

    class Config:
        env_prefix = "ORDERLY_WYOMING_"

    @property
    def devices_file(self) -> Path:
        return self.data_dir / DEVICES_FILE
