"""The stages between recognition and speech, on their own: what flows up and down.

The dialogue is scripted and the stages are joined to recorders, so each test sees
exactly the frames a stage passes on and the ones it sends back upstream.
"""

from __future__ import annotations

import asyncio
import time

from rasa.core.channels.channel import UserMessage

from channels.identity import Identity
from channels.pin_policy import PinGate
from channels.pin_store import InMemoryPendingPins
from channels.voice.conversation import Conversation
from channels.voice.pipeline import (
    BotReply,
    CustomerAt,
    ExpectedAnswer,
    Frame,
    Stage,
    Transcribed,
    TurnError,
    UpstreamFrame,
    UserTurn,
)
from contracts.location import ClientLocation, location_of

SECURE = {"purpose": "payment_pin", "digits": 6, "submit": {"url": "http://127.0.0.1:9/pin"}}


class Recorder(Stage):
    """Keeps what reaches it from either side."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[Frame] = []
        self.upstream: list[UpstreamFrame] = []

    async def put(self, frame: Frame) -> None:
        self.frames.append(frame)

    async def from_downstream(self, frame: UpstreamFrame) -> None:
        self.upstream.append(frame)


async def scripted(message: UserMessage) -> None:
    text = message.text or ""
    if "break" in text:
        raise RuntimeError("the dialogue broke, on purpose")
    if "pay" in text:
        await message.output_channel.send_custom_json(
            message.sender_id, {"secure_input": SECURE, "expect": "pay"}
        )
    elif "check out" in text:
        await message.output_channel.send_custom_json(message.sender_id, {"expect": "pay"})
    else:
        await message.output_channel.send_text_message(message.sender_id, "Added.")


def conversation(gate: PinGate) -> tuple[Conversation, Recorder, Recorder]:
    identity = Identity(customer_id="ann", expires_at=int(time.time()) + 600, token="t")
    above, below = Recorder(), Recorder()
    stage = Conversation(scripted, gate, identity)
    above.link(stage).link(below)
    return stage, above, below


async def test_the_expected_answer_travels_upstream_after_every_turn() -> None:
    gate = PinGate(InMemoryPendingPins())
    stage, above, below = conversation(gate)
    await stage.process(UserTurn(1, "I want to check out", "text"))
    await stage.process(UserTurn(2, "a latte", "text"))
    # The PIN gate's own pending request wins over whatever the reply's expect said.
    await stage.process(UserTurn(3, "pay now", "text"))
    assert above.upstream == [
        ExpectedAnswer("pay"),
        ExpectedAnswer(None),
        ExpectedAnswer("pin", pin_digits=6),
    ]
    assert [type(f) for f in below.frames] == [Transcribed, BotReply] * 3


async def test_a_new_connection_while_a_pin_is_asked_for_expects_digits() -> None:
    gate = PinGate(InMemoryPendingPins())
    await gate.outgoing("ann", [{"custom": {"secure_input": SECURE}}])
    stage, above, _below = conversation(gate)
    running = asyncio.create_task(stage.run())
    await asyncio.sleep(0.05)
    running.cancel()
    assert above.upstream == [ExpectedAnswer("pin", pin_digits=6)]


async def test_a_failing_dialogue_passes_on_an_error_and_a_failed_reply() -> None:
    stage, above, below = conversation(PinGate(InMemoryPendingPins()))
    await stage.process(UserTurn(1, "break it", "text"))
    error, reply = below.frames[1:]
    assert isinstance(error, TurnError) and error.code == "dialogue_failed" and not error.final
    assert isinstance(reply, BotReply) and reply.failed
    assert above.upstream == [ExpectedAnswer(None)]


async def test_the_customers_location_rides_with_every_turn_after_it() -> None:
    """The client says where it is once (`location`); the turns after carry it."""
    said: list[UserMessage] = []

    async def dialogue(message: UserMessage) -> None:
        said.append(message)
        await scripted(message)

    identity = Identity(customer_id="ann", expires_at=int(time.time()) + 600, token="t")
    stage = Conversation(dialogue, PinGate(InMemoryPendingPins()), identity)
    above, below = Recorder(), Recorder()
    above.link(stage).link(below)
    await stage.process(UserTurn(1, "hello", "text"))
    here = ClientLocation(lat=31.2301, lon=121.4662, accuracy_m=25)
    await stage.process(CustomerAt(here))
    await stage.process(UserTurn(2, "nearest open store", "text"))
    moved = ClientLocation(lat=39.9054, lon=116.3976)
    await stage.process(CustomerAt(moved))
    await stage.process(UserTurn(3, "and now?", "text"))
    assert [location_of(m.metadata) for m in said] == [None, here, moved]
    assert not any(isinstance(f, CustomerAt) for f in below.frames)  # it answers nothing


async def test_the_stores_a_reply_offers_travel_upstream_for_recognition() -> None:
    offer = {"expect": "store_choice", "stores": [{"name": "Shanghai Pudong 5"}]}

    async def offering(message: UserMessage) -> None:
        await message.output_channel.send_custom_json(message.sender_id, offer)

    identity = Identity(customer_id="ann", expires_at=int(time.time()) + 600, token="t")
    stage = Conversation(offering, PinGate(InMemoryPendingPins()), identity)
    above, below = Recorder(), Recorder()
    above.link(stage).link(below)
    await stage.process(UserTurn(1, "stores near me", "text"))
    assert above.upstream == [ExpectedAnswer("store_choice", stores=("Shanghai Pudong 5",))]


async def test_the_merchant_a_reply_names_travels_upstream_until_another_is_named() -> None:
    """After "order from Copper Kettle" recognition is primed with Copper Kettle's words: the
    reply names the merchant in use (`custom.merchant`); a reply naming none keeps it."""
    replies = {
        "open copper kettle": {"expect": "more_or_done", "merchant": "copper-kettle"},
        "a flat white": {"cart": {"lines": []}},  # a card that names no merchant
        "pay": {"expect": "pay", "merchant": "copper-kettle"},
    }

    async def dialogue(message: UserMessage) -> None:
        custom = replies.get(message.text or "")
        if custom is None:
            await message.output_channel.send_text_message(message.sender_id, "OK.")
        else:
            await message.output_channel.send_custom_json(message.sender_id, custom)

    identity = Identity(customer_id="ann", expires_at=int(time.time()) + 600, token="t")
    stage = Conversation(dialogue, PinGate(InMemoryPendingPins()), identity)
    above, below = Recorder(), Recorder()
    above.link(stage).link(below)
    await stage.process(UserTurn(1, "hello", "text"))
    for turn, text in enumerate(["open copper kettle", "a flat white", "pay"], start=2):
        await stage.process(UserTurn(turn, text, "text"))
    assert [frame.merchant for frame in above.upstream if isinstance(frame, ExpectedAnswer)] == [
        None,
        "copper-kettle",
        "copper-kettle",
        "copper-kettle",
    ]
