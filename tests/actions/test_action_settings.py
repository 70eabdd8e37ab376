"""The action server's settings, read from the environment like every service's."""

from __future__ import annotations

import pytest

from actions.settings import Settings, SettingsError


def test_defaults_run_on_a_laptop() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 5055)
    assert settings.merchant_url == "http://127.0.0.1:8088"
    assert settings.merchant_backend == "actions.merchants.sandbox:SandboxBackend"
    assert settings.pin_channels == ("rest", "voice")
    assert (settings.merchant_service_token, settings.action_token) == ("", "")


def test_the_variables_the_launcher_and_docs_name() -> None:
    settings = Settings.from_env(
        {
            "ORDERLY_ACTIONS_HOST": "0.0.0.0",
            "ORDERLY_ACTIONS_PORT": "5056",
            "ORDERLY_MERCHANT_URL": "http://merchant:8088/",
            "ORDERLY_MERCHANT_ID": "other-shop",
            "ORDERLY_MERCHANT_TIMEOUT_SECONDS": "1.5",
            "ORDERLY_PIN_CHANNELS": "rest, voice, widget",
            "ORDERLY_SERVICE_TOKEN": "service-token-for-the-merchant-0123456789",
            "ORDERLY_ACTION_TOKEN": "token-rasa-sends",
            "ORDERLY_LOG_LEVEL": "debug",
        }
    )
    assert (settings.host, settings.port, settings.log_level) == ("0.0.0.0", 5056, "DEBUG")
    assert (settings.merchant_url, settings.merchant_id) == ("http://merchant:8088", "other-shop")
    assert settings.merchant_timeout_seconds == 1.5
    assert settings.pin_channels == ("rest", "voice", "widget")
    assert settings.merchant_service_token == "service-token-for-the-merchant-0123456789"
    assert settings.action_token == "token-rasa-sends"
    assert "service-token" not in repr(settings) and "token-rasa-sends" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ORDERLY_ACTIONS_PORT": "fifty"}, "ORDERLY_ACTIONS_PORT must be a whole number"),
        ({"ORDERLY_MERCHANT_TIMEOUT_SECONDS": "0"}, "ORDERLY_MERCHANT_TIMEOUT_SECONDS must be"),
        ({"ORDERLY_CONFIRMATION_MIN_CONFIDENCE": "1.5"}, "must be at most 1"),
    ],
)
def test_bad_environment_is_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)
