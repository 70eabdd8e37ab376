"""ItemsFirst: a message that names a menu item is an order, unless it changes, removes
or clearly asks about it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from loopback_lexicon import LexiconServer
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.items_first import OVERRIDE_CONFIDENCE, ItemsFirst
from bot.nlu.order_parser import OrderParser


def make(tmp_path: Path, **config: Any) -> ItemsFirst:
    return ItemsFirst.create(
        {**ItemsFirst.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("items_first"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


def classified(parser: OrderParser, text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as DIET leaves it: the menu entities plus DIET's ranking."""
    entities = [dict(e) for e in parser.parse(text)]
    message = Message(data={TEXT: text, ENTITIES: entities})
    message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return message


def intent_of(component: ItemsFirst, message: Message) -> tuple[str, float]:
    component.process([message])
    intent = message.get(INTENT)
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0] == intent, "the ranking starts with the intent"
    assert [e["confidence"] for e in ranking] == sorted(
        (e["confidence"] for e in ranking), reverse=True
    )
    assert sum(e["confidence"] for e in ranking) <= 1 + 1e-9
    return intent["name"], intent["confidence"]


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("An Americano.", [("inform", 0.41), ("order_item", 0.3), ("affirm", 0.1)]),
        ("ok one regular soy milk", [("affirm", 0.7), ("order_item", 0.2)]),
        ("2 hash browns and 1 youtiao", [("set_pickup", 0.55), ("order_item", 0.4)]),
        ("a large lad", [("out_of_scope", 0.3), ("greet", 0.25)]),
        ("how much is a latte", [("ask_price", 0.45), ("order_item", 0.4)]),
    ],
)
def test_naming_an_item_makes_an_order(
    tmp_path: Path, parser: OrderParser, text: str, ranking: list[tuple[str, float]]
) -> None:
    name, confidence = intent_of(make(tmp_path), classified(parser, text, ranking))
    assert (name, confidence) == ("order_item", OVERRIDE_CONFIDENCE)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("change the latte to large", [("change_item", 0.4), ("order_item", 0.35)]),
        ("remove the latte", [("remove_item", 0.3), ("order_item", 0.29)]),
        ("how much is a latte", [("ask_price", 0.92), ("order_item", 0.05)]),
        ("what's in the breakfast combo", [("ask_combo", 0.8), ("ask_menu", 0.1)]),
        ("when can I get a muffin", [("ask_breakfast_hours", 0.7), ("order_item", 0.2)]),
    ],
)
def test_changes_removals_and_clear_questions_are_kept(
    tmp_path: Path, parser: OrderParser, text: str, ranking: list[tuple[str, float]]
) -> None:
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == ranking[0]


@pytest.mark.parametrize(
    "text", ["actually no youtiao", "without the hash brown please", "scratch the latte"]
)
@pytest.mark.parametrize("diet", ["deny", "change_item", "order_item"])
def test_no_before_an_item_removes_it(
    tmp_path: Path, parser: OrderParser, text: str, diet: str
) -> None:
    message = classified(parser, text, [(diet, 0.8), ("remove_item", 0.1)])
    assert intent_of(make(tmp_path), message)[0] == "remove_item"


@pytest.mark.parametrize("text", ["no thanks", "yes please", "make it large", "two"])
def test_messages_without_an_item_keep_their_intent(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    message = classified(parser, text, [("deny", 0.6), ("order_item", 0.3)])
    assert intent_of(make(tmp_path), message) == ("deny", 0.6)


def test_a_message_without_a_ranking_gets_one(tmp_path: Path, parser: OrderParser) -> None:
    message = Message(data={TEXT: "a latte", ENTITIES: [dict(e) for e in parser.parse("a latte")]})
    assert intent_of(make(tmp_path), message) == ("order_item", OVERRIDE_CONFIDENCE)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "high", True])
def test_a_bad_threshold_is_a_clear_error(tmp_path: Path, threshold: Any) -> None:
    with pytest.raises(ValueError, match="question_confidence"):
        make(tmp_path, question_confidence=threshold)


NLU_DATA = """\
version: "3.1"
nlu:
- intent: order_item
  examples: |
    - I'd like to order please
    - can I order
    - I want to place an order
    - order for pickup
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
assistant_id: items-first-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: bot.nlu.menu_entity_extractor.MenuEntityExtractor
    lexicon_url: {url}
  - name: LogisticRegressionClassifier
  - name: bot.nlu.items_first.ItemsFirst
  - name: FallbackClassifier
    threshold: 0.5
policies: []
"""


@pytest.mark.slow  # trains a small NLU model
async def test_it_runs_after_the_classifier_in_a_trained_pipeline(  # about 10 s
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
    agent = Agent.load(model)

    hello_latte = await agent.parse_message("hi, a youtiao")
    assert hello_latte["intent"]["name"] == "order_item"
    assert hello_latte["intent_ranking"][0]["name"] == "order_item"
    hello = await agent.parse_message("hello there")
    assert hello["intent"]["name"] in ("greet", "nlu_fallback")


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        # What DIET said to edits over every line: "that's it", and the order was read back.
        ("make all of those large please", [("checkout", 0.8), ("change_item", 0.15)],
         "change_item"),
        ("both of them large", [("checkout", 0.7), ("thank", 0.1)], "change_item"),
        ("the first one should be big", [("deny", 0.45), ("secret_not_expected", 0.2)],
         "change_item"),
        ("drop the third one", [("checkout", 0.6), ("remove_item", 0.3)], "remove_item"),
        ("take two of them off please", [("checkout", 0.5), ("remove_item", 0.3)], "remove_item"),
        # blind round ck-36: "and make the other one iced" fell below the fallback
        ("ok and the other one in large", [("inform", 0.4), ("nlu_fallback", 0.3)],
         "change_item"),
        ("switch the other one to large", [("affirm", 0.5)], "change_item"),
        # DIET heard the edit, but below the fallback: kept as it was, the fallback won.
        ("and make the other one iced", [("change_item", 0.42), ("inform", 0.3)],
         "change_item"),
        ("scratch the last two", [("remove_item", 0.38), ("checkout", 0.3)], "remove_item"),
    ],
)  # fmt: skip
def test_an_edit_of_lines_by_place_or_quantifier_is_an_edit_whatever_diet_said(
    tmp_path: Path, parser: OrderParser, text: str, ranking: list[tuple[str, float]],
    expected: str,
) -> None:  # fmt: skip
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == (
        expected,
        OVERRIDE_CONFIDENCE,
    )


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("that's it", [("checkout", 0.99)]),  # points at nothing it does anything to
        ("the second one", [("inform", 0.6), ("deny", 0.2)]),  # answers "which one?"
        ("both", [("inform", 0.7)]),
        ("just two of those", [("inform", 0.5), ("change_item", 0.4)]),  # a count alone
        ("that is not what I ordered", [("deny", 0.6)]),  # a complaint, not an edit
    ],
)
def test_pointing_words_that_say_no_change_keep_diets_intent(
    tmp_path: Path, parser: OrderParser, text: str, ranking: list[tuple[str, float]]
) -> None:
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == ranking[0]


@pytest.mark.parametrize(
    "text",
    ["oh, we need three of those", "sorry, I wanted two of them", "actually two of that please"],
)
def test_a_count_over_the_line_pointed_at_makes_an_unsure_change_sure(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    """ "sorry, I need two of those" right after an item: DIET heard `change_item` below the
    fallback threshold, and the customer was told "Sorry, I didn't catch that"."""
    ranking = [("change_item", 0.47), ("repeat", 0.08)]
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == (
        "change_item",
        OVERRIDE_CONFIDENCE,
    )


@pytest.mark.parametrize(
    "text", ["sure, I'll take two of those", "give me three of them", "another one of those"]
)
def test_an_order_verb_over_lines_pointed_at_is_never_a_removal(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    """ "I'll take two of those" after a price question: DIET heard `remove_item`, and the
    line asked about was emptied."""
    ranking = [("remove_item", 0.81), ("order_item", 0.1)]
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == (
        "order_item",
        OVERRIDE_CONFIDENCE,
    )


@pytest.mark.parametrize("text", ["I don't want two of those", "take two of them off"])
def test_a_negated_or_removal_verb_over_lines_stays_a_removal(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    ranking = [("remove_item", 0.97), ("order_item", 0.01)]
    assert intent_of(make(tmp_path), classified(parser, text, ranking))[0] == "remove_item"


@pytest.mark.parametrize(
    "text", ["great, I'll have two more hash browns", "could I get another youtiao too"]
)
def test_an_order_verb_before_an_item_is_never_a_removal(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    ranking = [("remove_item", 0.9), ("order_item", 0.05)]
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == (
        "order_item",
        OVERRIDE_CONFIDENCE,
    )


@pytest.mark.parametrize(
    "text", ["I don't want the youtiao", "can you take the hash brown off", "cancel my latte"]
)
def test_a_removal_of_an_item_with_order_words_around_it_is_kept(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    ranking = [("remove_item", 0.9), ("order_item", 0.05)]
    assert intent_of(make(tmp_path), classified(parser, text, ranking)) == ranking[0]


def test_an_order_verb_with_no_before_the_item_still_removes(
    tmp_path: Path, parser: OrderParser
) -> None:
    message = classified(parser, "I'd like no hash brown after all", [("remove_item", 0.9)])
    assert intent_of(make(tmp_path), message)[0] == "remove_item"


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("umm is my large latte ready", [("order_item", 0.9), ("order_status", 0.05)]),
        ("are the two hash browns done?", [("order_item", 0.97), ("order_status", 0.02)]),
        ("where's my youtiao", [("order_status", 0.48), ("order_item", 0.3)]),
        ("how long for my americano", [("order_item", 0.6), ("ask_price", 0.2)]),
    ],
)
def test_a_question_about_an_ordered_item_is_a_status_question(
    tmp_path: Path, parser: OrderParser, text: str, ranking: list[tuple[str, float]]
) -> None:
    name, _ = intent_of(make(tmp_path), classified(parser, text, ranking))
    assert name == "order_status"


@pytest.mark.parametrize(
    "text", ["a latte, ready by eight please", "I'm ready: two hash browns", "is it a large latte"]
)
def test_ready_words_in_an_order_keep_it_an_order(
    tmp_path: Path, parser: OrderParser, text: str
) -> None:
    name, _ = intent_of(make(tmp_path), classified(parser, text, [("order_item", 0.7)]))
    assert name == "order_item"
