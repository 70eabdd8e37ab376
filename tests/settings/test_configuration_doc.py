"""docs/configuration.md lists every setting of every service, as the classes declare them.

The tables between `<!-- settings: module:Class -->` and `<!-- end settings -->` are generated
from the classes; after changing a setting, rewrite them with
`PYTHONPATH=. .venv/bin/python -m tests.settings.test_configuration_doc`.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from contracts.settings import OrderlySettings

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
# Every settings class of the services, in the order the document presents them.
SERVICES = (
    "merchant.settings:Settings",
    "actions.settings:Settings",
    "channels.identity:IdentitySettings",
    "channels.settings:ChannelSettings",
    "channels.voice.settings:VoiceSettings",
)
TABLE = re.compile(
    r"(<!-- settings: (?P<target>[\w.]+:\w+) -->\n)(?P<table>.*?)(<!-- end settings -->)", re.S
)


def settings_class(target: str) -> type[OrderlySettings]:
    module, name = target.split(":")
    found = getattr(importlib.import_module(module), name)
    assert issubclass(found, OrderlySettings), f"{target} is not an OrderlySettings"
    return found  # type: ignore[no-any-return]


def regenerated(text: str) -> str:
    def table(match: re.Match[str]) -> str:
        generated = settings_class(match["target"]).markdown_table()
        return match.group(1) + generated + match.group(4)

    return TABLE.sub(table, text)


def test_the_document_has_one_table_per_service_in_order() -> None:
    targets = [match["target"] for match in TABLE.finditer(DOCUMENT.read_text())]
    assert targets == list(SERVICES)


@pytest.mark.parametrize("target", SERVICES)
def test_every_setting_says_what_it_means(target: str) -> None:
    undocumented = [
        name
        for name, field in settings_class(target).__fields__.items()
        if not field.field_info.description
    ]
    assert undocumented == []


def test_the_tables_match_the_settings_classes() -> None:
    text = DOCUMENT.read_text()
    assert regenerated(text) == text, (
        "docs/configuration.md is out of date: "
        "PYTHONPATH=. .venv/bin/python -m tests.settings.test_configuration_doc"
    )


if __name__ == "__main__":
    DOCUMENT.write_text(regenerated(DOCUMENT.read_text()))
    print(f"rewrote the settings tables in {DOCUMENT}")
