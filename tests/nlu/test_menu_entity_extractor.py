"""The Rasa component: alone against a live lexicon server, and inside a trained pipeline."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from loopback_lexicon import LexiconServer
from nlu_examples import summarise
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.lexicon import LEXICON_URL_ENV
from bot.nlu.menu_entity_extractor import MenuEntityExtractor

EXTRACTOR = "MenuEntityExtractor"


def make_extractor(tmp_path: Path, url: str | None, **config: Any) -> MenuEntityExtractor:
    """Create the component the way Rasa's graph does."""
    return MenuEntityExtractor.create(
        {**MenuEntityExtractor.get_default_config(), "lexicon_url": url, **config},
        LocalModelStorage(tmp_path),
        Resource("menu_entity_extractor"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def parse(extractor: MenuEntityExtractor, text: Any, **data: Any) -> list[dict[str, Any]]:
    message = Message(data={TEXT: text, **data})
    extractor.process([message])
    entities: list[dict[str, Any]] = message.get(ENTITIES, [])
    return entities


def test_entities_are_added_with_the_extractor_name(
    tmp_path: Path, lexicon_server: LexiconServer
) -> None:
    extractor = make_extractor(tmp_path, lexicon_server.url)
    earlier = {"entity": "greeting", "value": "hi", "start": 0, "end": 2, "extractor": "X"}
    text = "hi, a breakfast combo with a large soy milk and to hash browns"
    entities = parse(extractor, text, entities=[earlier])
    assert entities[0] == earlier
    assert {e["extractor"] for e in entities[1:]} == {EXTRACTOR}
    assert summarise(entities[1:]) == {
        "lines": [
            {"item": "breakfast-combo", "quantity": 1, "options": ["drink:soy-milk", "size:large"]},
            {"item": "hash-brown", "quantity": 2},
        ]
    }


@pytest.mark.parametrize("text", ["", "   ", None, '/inform{"option": "size:large"}'])
def test_messages_without_words_are_left_alone(
    tmp_path: Path, lexicon_server: LexiconServer, text: Any
) -> None:
    assert parse(make_extractor(tmp_path, lexicon_server.url), text) == []


def test_without_a_lexicon_it_still_reads_counts_sizes_and_times(
    tmp_path: Path, closed_url: str
) -> None:
    extractor = make_extractor(tmp_path, closed_url)
    entities = parse(extractor, "two large lattes in 20 minutes")
    assert summarise(entities) == {"quantity": 2, "options": ["size:large"], "pickup_time": "+20"}


def test_the_environment_overrides_the_configured_url(
    tmp_path: Path,
    lexicon_server: LexiconServer,
    closed_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(LEXICON_URL_ENV, lexicon_server.url)
    extractor = make_extractor(tmp_path, closed_url)
    assert summarise(parse(extractor, "a coke")) == {"lines": [{"item": "cola", "quantity": 1}]}


def test_without_a_configured_url_it_asks_the_action_server_on_its_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERLY_ACTIONS_PORT", "6055")
    extractor = make_extractor(tmp_path, None)
    assert extractor.source.url == "http://127.0.0.1:6055/lexicon"


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({"lexicon_url": "127.0.0.1:5055/lexicon"}, "lexicon_url"),
        ({"lexicon_url": 5055}, "lexicon_url"),
        ({"refresh_seconds": "often"}, "refresh_seconds"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
    ],
)
def test_a_bad_config_is_a_clear_error(
    tmp_path: Path, lexicon_server: LexiconServer, config: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        make_extractor(tmp_path, lexicon_server.url, **config)


def test_a_menu_change_is_picked_up_without_retraining(
    tmp_path: Path, lexicon_server: LexiconServer, lexicon_json: dict[str, Any]
) -> None:
    extractor = make_extractor(tmp_path, lexicon_server.url, refresh_seconds=0.05)
    assert summarise(parse(extractor, "two jianbings")) == {"unplaced": ["two jianbings"]}
    new_item = {"sku": "jianbing", "name": "Jianbing", "aliases": [], "options": []}
    lexicon_server.serve({**lexicon_json, "items": [*lexicon_json["items"], new_item]})
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and "lines" not in summarise(parse(extractor, "jianbing")):
        time.sleep(0.06)
    assert summarise(parse(extractor, "two jianbings")) == {
        "lines": [{"item": "jianbing", "quantity": 2}]
    }


NLU_DATA = """\
version: "3.1"
nlu:
- intent: order
  examples: |
    - two lattes please
    - can I get a breakfast combo
    - a large americano and a hash brown
    - I'd like to order a congee
    - three coffees
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
    - hi
"""

CONFIG = """\
recipe: default.v1
language: en
assistant_id: nlu-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: bot.nlu.menu_entity_extractor.MenuEntityExtractor
    lexicon_url: {url}
  - name: LogisticRegressionClassifier
policies: []
"""


@pytest.mark.slow  # trains a small NLU model
async def test_it_runs_in_a_trained_rasa_pipeline(  # about 10 s: trains a tiny model
    tmp_path: Path, lexicon_server: LexiconServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "false")
    (tmp_path / "config.yml").write_text(CONFIG.format(url=lexicon_server.url))
    (tmp_path / "nlu.yml").write_text(NLU_DATA)
    model = train_nlu(
        str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")
    )
    assert model is not None
    assert lexicon_server.hits == 0, "training must not need the action server"

    agent = Agent.load(model)
    result = await agent.parse_message("can I get two egg and sausage muffins and a large lotte")

    assert result["intent"]["name"] == "order"
    assert {e["extractor"] for e in result["entities"]} == {EXTRACTOR}
    assert summarise(result["entities"]) == {
        "lines": [
            {"item": "egg-sausage-muffin", "quantity": 2},
            {"item": "latte", "quantity": 1, "options": ["size:large"]},
        ]
    }
    empty = await agent.parse_message("")
    assert empty["entities"] == []
