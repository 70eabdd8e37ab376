"""One conversation across devices, in one process: a turn a customer takes on one device is
shown on their other connected devices and on no one else's, and never carries a PIN request
or what was said about a PIN (channels/shared_turns.py, channels/notifications.py). The
same fan-out on Redis between two replicas: tests/scale/test_notification_fanout.py; the
clients on the real stack: tests/widget/test_widget_follows_the_voice.py."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import ValidationError

from channels.identity import Identity
from channels.notifications import Notifier
from channels.pin_policy import MASK, Screened, ScreenKind
from channels.settings import RasaSettings
from channels.shared_turns import Device, shared_turn
from contracts.bot_messages import Notifications, SharedTurn

SPEAKER = "speaker-0001"
READBACK = [
    {"recipient_id": "mei", "text": "Shall I pay ¥16.00 for order 1001? Please say yes or no."},
    {
        "recipient_id": "mei",
        "buttons": [{"title": "Yes, pay", "payload": "/affirm"}],
        "custom": {"expect": "pay"},
    },
]
PIN_REQUEST = [
    {"recipient_id": "mei", "text": "That is over your limit. Please say or type your PIN."},
    {"recipient_id": "mei", "custom": {"expect": "pin", "secure_input": {"digits": 4}}},
]


def said(text: str) -> Screened:
    return Screened(ScreenKind.PASS, text, text)


def identity(customer_id: str) -> Identity:
    return Identity(customer_id, int(time.time()) + 3600, f"token-of-{customer_id}")


@pytest.fixture
async def notifier() -> Notifier:
    # No Redis: one process. No dialogue (wording None): nothing is claimed from a platform.
    return Notifier(RasaSettings(redis_url=None))


async def next_unasked(inbox: asyncio.Queue[Notifications]) -> Notifications:
    return await asyncio.wait_for(inbox.get(), 2.0)


def test_a_turn_is_shown_with_what_was_said_and_the_answer_for_no_one_in_particular() -> None:
    turn = shared_turn(SPEAKER, "voice", said("that's all"), READBACK)
    assert (turn.said, turn.masked, turn.pin_asked_there) == ("that's all", False, False)
    assert [m.text for m in turn.messages] == [READBACK[0]["text"], None]
    assert turn.messages[1].buttons[0].title == "Yes, pay"
    assert all(m.recipient_id is None for m in turn.messages)


def test_a_turn_that_asks_for_the_pin_is_shown_without_a_word_of_it() -> None:
    turn = shared_turn(SPEAKER, "voice", said("yes"), PIN_REQUEST)
    assert turn.pin_asked_there and turn.messages == []
    assert "PIN" not in turn.json()


@pytest.mark.parametrize(
    "screened",
    [
        Screened(ScreenKind.SUBMIT, f"{MASK}", "/pin_submitted", digits="4821"),
        Screened(ScreenKind.REASK, "four eight two", reason="too short"),
        Screened(ScreenKind.PASS, f"my pin is {MASK}", f"my pin is {MASK}"),
    ],
)
def test_what_was_said_about_a_pin_is_never_shown_elsewhere(screened: Screened) -> None:
    turn = shared_turn(SPEAKER, "rest", screened, [{"text": "Paid ¥16.00."}])
    assert turn.masked
    assert not any(ch.isdigit() for ch in turn.said) and "four" not in turn.said
    assert "4821" not in turn.json()


@pytest.mark.parametrize("device", ["", "short", "x" * 65, "has space!", "../../etc"])
def test_a_device_name_outside_its_alphabet_is_refused(device: str) -> None:
    with pytest.raises(ValidationError):
        SharedTurn(device=device, channel="rest", said="hi")


async def test_the_other_devices_of_the_customer_see_the_turn_and_the_one_that_took_it_does_not(
    notifier: Notifier,
) -> None:
    mei = identity("mei")
    async with (
        notifier.connected(mei, None) as speaker,
        notifier.connected(mei, None) as screen,
        notifier.connected(mei, None) as terminal,
    ):
        device = Device("mei", speaker.device, "voice", notifier)
        await device.took(said("that's all"), READBACK)
        for other in (screen, terminal):
            shown = await next_unasked(other)
            assert shown.messages == []
            assert [(t.said, t.channel) for t in shown.turns] == [("that's all", "voice")]
        assert speaker.empty()


async def test_another_customers_devices_see_nothing_of_it(notifier: Notifier) -> None:
    async with (
        notifier.connected(identity("mei"), None) as meis_speaker,
        notifier.connected(identity("lin"), None) as lins_screen,
    ):
        await Device("mei", meis_speaker.device, "voice", notifier).took(said("yes"), READBACK)
        await asyncio.sleep(0.2)
        assert lins_screen.empty() and meis_speaker.empty()


async def test_a_turn_taken_with_nobody_else_connected_goes_nowhere_and_fails_nothing(
    notifier: Notifier,
) -> None:
    await Device("mei", SPEAKER, "rest", notifier).took(said("a latte"), READBACK)
    async with notifier.connected(identity("mei"), None) as later:
        await asyncio.sleep(0.2)
        assert later.empty()  # not kept: the conversation has it on record already


async def test_a_named_device_is_not_shown_its_own_turns_on_a_second_connection(
    notifier: Notifier,
) -> None:
    """A REST client's messages and polls are separate requests: its name joins them."""
    mei = identity("mei")
    async with (
        notifier.connected(mei, None, device="shell-of-mei-1") as polling,
        notifier.connected(mei, None) as screen,
    ):
        await Device("mei", "shell-of-mei-1", "rest", notifier).took(said("yes"), READBACK)
        assert (await next_unasked(screen)).turns[0].said == "yes"
        await asyncio.sleep(0.2)
        assert polling.empty()
