"""Where the speech engines keep what they unpack: the one setting ``speech/`` reads itself.

Everything else about the engines is the voice channel's (``channels/voice/settings.py``), which
hands it to them. Variables: docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from contracts.settings import OrderlySettings


class SpeechSettings(OrderlySettings):
    cache_dir: Path | None = Field(
        default=None,
        description="where speech weights are unpacked (the Whisper base model, about 140 MB); "
        "unset: `$XDG_CACHE_HOME/orderly`, else `~/.cache/orderly`",
    )
    xdg_cache_home: Path | None = Field(
        default=None, env="XDG_CACHE_HOME", description="the user's cache folder (XDG)"
    )

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir.expanduser()
        return (self.xdg_cache_home or Path.home() / ".cache") / "orderly"
