"""Home Assistant's Assist pipeline ordering through Wyoming, against the whole assistant.

The client is the ``wyoming`` package's own, making the requests Home Assistant's Wyoming
integration makes: ``describe`` once, then per utterance a new connection with one
``transcript`` (context: conversation, device and satellite ids) read until ``handled`` or
``not-handled``; for speech-to-text ``transcribe`` and the audio. The device is linked the
way its owner links it (``python -m launch link-device``, password on standard input), and
the order is checked on the merchant platform.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
import wave
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from launch.stack import ROOT, Stack
from tests.customer import Customer, new_sender
from tests.widget.conftest import SpeechFile

pytestmark = pytest.mark.slow

PASSWORD = "kitchen-counter-password"
ANSWER_TIMEOUT_S = 90.0
FINAL = ("info", "handled", "not-handled", "transcript", "error")


def request(stack: Stack, *events: Event) -> Event:
    """One connection, as Home Assistant makes it; on its own thread and event loop, since
    the browser tests' Playwright keeps one running on this thread for the session."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _request(stack, *events)).result()


async def _request(stack: Stack, *events: Event) -> Event:
    async with AsyncTcpClient(stack.config.host, stack.config.wyoming_port) as client:
        for event in events:
            await client.write_event(event)
        while True:
            answer = await asyncio.wait_for(client.read_event(), ANSWER_TIMEOUT_S)
            assert answer is not None, "Orderly closed the connection without answering"
            if answer.type in FINAL:
                return answer


def say(stack: Stack, text: str, device_id: str) -> Event:
    context = {
        "conversation_id": "01JC0NVERSATI0N0000000000",
        "device_id": device_id,
        "satellite_id": f"assist_satellite.{device_id[:8]}",
    }
    return request(stack, Transcript(text, context=context, language="en").event())


def link_device(stack: Stack, device_id: str, customer_id: str, password: str) -> str:
    linked = subprocess.run(
        [
            sys.executable, "-m", "launch", "link-device", device_id, "--customer", customer_id,
            "--password-stdin", "--merchant", stack.config.merchant_url,
        ],
        input=f"{password}\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ORDERLY_DATA_DIR": str(stack.config.data_dir)},
    )  # fmt: skip
    assert linked.returncode == (0 if password == PASSWORD else 1), linked.stderr
    return linked.stdout + linked.stderr


def signed_up(stack: Stack) -> str:
    """A new sandbox customer whose password is :data:`PASSWORD`."""
    customer_id = new_sender("assist")
    httpx.post(
        f"{stack.config.merchant_url}/identity/sign-up",
        json={"customer_id": customer_id, "password": PASSWORD},
        timeout=30,
    ).raise_for_status()
    return customer_id


def text_of(answer: Event) -> str:
    kind: Any = Handled if Handled.is_type(answer.type) else NotHandled
    return str(kind.from_event(answer).text)


def test_a_linked_satellite_orders_and_pays_by_transcript(running_stack: Stack) -> None:
    info = Info.from_event(request(running_stack, Describe().event()))
    assert [p.name for p in info.handle] == ["orderly"] and info.asr
    device_id = uuid.uuid4().hex
    unlinked = say(running_stack, "a cola", device_id)
    assert NotHandled.is_type(unlinked.type)
    assert f"link-device {device_id} --customer" in text_of(unlinked)

    customer_id = signed_up(running_stack)
    refused = link_device(running_stack, device_id, customer_id, "not-the-password")
    assert "Not linked" in refused
    assert NotHandled.is_type(say(running_stack, "a cola", device_id).type)
    assert "now orders for" in link_device(running_stack, device_id, customer_id, PASSWORD)

    assert "Cola" in text_of(say(running_stack, "a cola", device_id))
    readback = say(running_stack, "that's all", device_id)
    assert Handled.is_type(readback.type), readback
    customer = Customer.on_stack(running_stack, sender=customer_id)
    [order] = customer.orders()
    assert customer.captured(order["id"]) == [], "nothing may be charged before the yes"
    paid = text_of(say(running_stack, "yes", device_id))
    assert "Paid" in paid and "yuan" in paid, paid

    [order] = customer.orders()
    assert order["status"] == "paid"
    assert [p["amount"] for p in customer.captured(order["id"])] == [order["total"]]


def test_orderlys_recogniser_hears_a_satellite_through_wyoming(
    running_stack: Stack, speech_file: SpeechFile
) -> None:
    path, _ = speech_file("two hash browns and a medium americano")
    with wave.open(str(path)) as recording:
        rate, pcm = recording.getframerate(), recording.readframes(recording.getnframes())
    chunks = [
        AudioChunk(rate=rate, width=2, channels=1, audio=pcm[i : i + 4096]).event()
        for i in range(0, len(pcm), 4096)
    ]
    answer = request(
        running_stack,
        Transcribe(language="en").event(),
        AudioStart(rate=rate, width=2, channels=1).event(),
        *chunks,
        AudioStop().event(),
    )
    assert Transcript.is_type(answer.type), answer
    heard = Transcript.from_event(answer).text
    assert {"two", "hash", "medium", "americano"} <= set(re.findall(r"[a-z]+", heard.lower())), (
        heard
    )


def test_the_health_route_says_where_wyoming_listens(running_stack: Stack) -> None:
    health = httpx.get(f"{running_stack.config.rasa_url}/webhooks/wyoming/", timeout=10).json()
    assert health["listening"] == running_stack.config.wyoming_url
