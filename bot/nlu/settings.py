"""Where the NLU finds the live menu: the one setting the dialogue reads from the environment.

`MenuEntityExtractor` reads it once when Rasa builds the component. Precedence, lowest first:
the action server's address on this machine (`ORDERLY_ACTIONS_PORT`), the component's
`lexicon_url` in config.yml, `ORDERLY_LEXICON_URL`. Variables: docs/configuration.md.
"""

from __future__ import annotations

from pydantic import Field, validator

from contracts.settings import OrderlySettings, url_of_port

LEXICON_PATH = "/lexicon"


class LexiconSettings(OrderlySettings):
    actions_port: int = Field(
        default=5055,
        ge=1,
        le=65535,
        description="the action server's port, when no lexicon URL is given",
    )
    lexicon_url: str = Field(
        default="",
        description="the live menu vocabulary (the action server's `/lexicon`), read by the "
        "NLU and the voice channel; unset: `http://127.0.0.1:$ORDERLY_ACTIONS_PORT/lexicon`",
    )

    _lexicon_url = url_of_port("lexicon_url", "actions_port", LEXICON_PATH)

    @validator("lexicon_url")
    def _http_url(cls, value: str) -> str:  # noqa: N805
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value
