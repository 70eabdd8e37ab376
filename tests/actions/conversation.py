"""A conversation at the Tracker level: real actions, a fake merchant, no model.

Each turn builds a rasa-sdk ``Tracker`` the way rasa-sdk's own tests do (slots,
``latest_message``, events), routes the intent to the action the rules in
``data/rules/`` name, runs it with a ``CollectingDispatcher`` and applies the events
it returns, as the Rasa server would. The NLU is replaced by what a test says it
understood (intent, confidence, C2 entities).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.registry import build_actions
from actions.settings import Settings
from contracts.cart_edits import CartEdit, Target, Verb
from tests.actions.fake_backend import FakeBackend
from tests.contracts.bot_message_schema import assert_satisfies_schema

RULES = Path(__file__).parents[2] / "data" / "rules"
DOMAIN = {"session_config": {"carry_over_slots_to_new_session": True}}


def routes() -> dict[str, str]:
    """intent -> first action, from every rule in data/rules/."""
    table: dict[str, str] = {}
    for path in RULES.glob("*.yml"):
        for rule in yaml.safe_load(path.read_text())["rules"]:
            steps = rule["steps"]
            first, action = steps[0], steps[1].get("action")
            intents = [o["intent"] for o in first["or"]] if "or" in first else [first.get("intent")]
            for intent in intents:
                if intent and action:
                    table.setdefault(intent, action)
    return table


def item(sku: str, group: int | None = 1, check: bool = False) -> dict[str, Any]:
    entity: dict[str, Any] = {"entity": "item", "value": sku}
    if group is not None:
        entity["group"] = str(group)
    if check:
        entity["check"] = True
    return entity


def qty(n: int, group: int | None = 1) -> dict[str, Any]:
    entity: dict[str, Any] = {"entity": "quantity", "value": str(n)}
    return {**entity, "group": str(group)} if group is not None else entity


def opt(value: str, group: int | None = 1) -> dict[str, Any]:
    entity: dict[str, Any] = {"entity": "option", "value": value}
    return {**entity, "group": str(group)} if group is not None else entity


def edit(verb: Verb | None = None, **target: Any) -> dict[str, Any]:
    """The NLU's `edit` entity: the verb and the words pointing at cart lines."""
    value = CartEdit(verb=verb, target=Target(**target)).json(exclude_defaults=True)
    return {"entity": "edit", "value": value}


def unplaced(words: str) -> dict[str, Any]:
    return {"entity": "unplaced", "value": words}


def unavailable(words: str, group: int = 1) -> dict[str, Any]:
    return {"entity": "unavailable_option", "value": words, "group": str(group)}


@dataclass
class Conversation:
    backend: FakeBackend = field(default_factory=FakeBackend)
    settings: Settings = field(default_factory=Settings)
    sender: str = "alice"
    channel: str = "rest"
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.actions = build_actions(self.backend, self.settings)
        self.table = routes()

    async def say(
        self,
        text: str,
        intent: str,
        *entities: dict[str, Any],
        confidence: float = 0.99,
        metadata: dict[str, Any] | None = None,
        ranking: dict[str, float] | None = None,
    ) -> str:
        """One user message; returns the assistant's reply texts joined. `ranking`: every
        intent the NLU weighed, with its confidence (Rasa's `intent_ranking`)."""
        weighed = ranking or {intent: confidence}
        message = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in weighed.items()],
            "entities": list(entities),
            "metadata": metadata or {},
        }
        self.events.append(
            {"event": "user", "text": text, "parse_data": message, "input_channel": self.channel}
        )
        self.replies = []
        action = self.table.get(intent)
        assert action is not None, f"no rule for intent {intent}"
        await self.run(action, message)
        return " ".join(str(m.get("text") or "") for m in self.replies)

    async def notify(self, order_id: str, status: str) -> str:
        """What channels/notifications.py does when the store changes an order: Rasa's
        external event (``trigger_intent order_status`` with the change's entities), which
        Rasa stores as a user event marked ``is_external``; returns the reply texts."""
        message = {
            "text": "EXTERNAL: order_status",
            "intent": {"name": "order_status"},
            "entities": [
                {"entity": "changed_order", "value": order_id},
                {"entity": "changed_to", "value": status},
            ],
            "metadata": {"is_external": True},
        }
        self.events.append(
            {"event": "user", "text": message["text"], "parse_data": message,
             "input_channel": self.channel}
        )  # fmt: skip
        self.replies = []
        await self.run(self.table["order_status"], message)
        return " ".join(str(m.get("text") or "") for m in self.replies)

    async def run(self, action_name: str, message: dict[str, Any] | None = None) -> None:
        if action_name.startswith("utter_"):
            self.replies.append({"text": action_name, "custom": {}})
            return
        tracker = Tracker(
            self.sender,
            dict(self.slots),
            message or (self.events_of("user")[-1]["parse_data"] if self.events else {}),
            list(self.events),
            False,
            None,
            {},
            "action_listen",
        )
        dispatcher = CollectingDispatcher()
        returned = await self.actions[action_name].run(dispatcher, tracker, DOMAIN)
        for bot in dispatcher.messages:
            # What Rasa passes on to a client: the fields that are set.
            assert_satisfies_schema({key: value for key, value in bot.items() if value})
            self.events.append(
                {
                    "event": "bot",
                    "text": bot["text"],
                    "data": {"buttons": bot["buttons"], "custom": bot["custom"]},
                }
            )
        self.replies += dispatcher.messages
        for event in returned:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            elif event.get("event") == "session_started":
                self.slots = {}
        self.events += returned

    async def new_session(self) -> None:
        """What Rasa does after the session expired: action_session_start."""
        await self.run("action_session_start", {})

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == kind]

    def custom(self, key: str) -> Any:
        for message in self.replies:
            if key in (message.get("custom") or {}):
                return message["custom"][key]
        return None

    def expects(self) -> list[str]:
        return [
            m["custom"]["expect"] for m in self.replies if (m.get("custom") or {}).get("expect")
        ]

    @property
    def cart(self) -> list[dict[str, Any]]:
        return list(self.slots.get("cart") or [])

    @property
    def question(self) -> str | None:
        pending = self.slots.get("pending_question")
        return pending["kind"] if pending else None
