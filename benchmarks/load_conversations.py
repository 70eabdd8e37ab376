"""What the text load benchmark's customers say, and what it counts of each phase.

Two workloads: `PaidOrders` (Orderly: a full paid order, every reply checked) and
`Greetings` (the stock `rasa init` bot: three greetings). `run_phase` lets a number of
concurrent customers start conversations of one workload for a fixed time.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

ORDER_TURNS = ("two hash browns and a medium americano", "that's all", "yes")
ORDER_TOTAL = 2 * 700 + 1200
FOLLOW_UP_ANSWER = "medium"
MAX_FOLLOW_UPS = 2
GREETINGS = ("hello", "hi there", "good morning")
TURN_TIMEOUT_SECONDS = 60.0
BENCH_PASSWORD = "bench-password"
# Customers signed in ahead of a slice: this many times the conversations expected.
SIGN_IN_MARGIN = 1.5
SIGN_IN_CONCURRENCY = 4


@dataclass
class Phase:
    """One system under one concurrency for a fixed time."""

    system: str
    concurrency: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    conversations: int = 0
    errors: int = 0
    double_charges: int = 0
    signed_in_under_load: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def conversations_per_second(self) -> float:
        return self.conversations / self.seconds if self.seconds else 0.0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(text[:300])


class TurnFailed(Exception):
    """A reply that was not what the conversation needed (the message says why)."""


@dataclass(frozen=True)
class PaidOrder:
    order_id: str
    token: str  # the customer's, to read the payments back


class Workload(Protocol):
    merchant_url: str | None  # where payments are read back; None: nothing is paid

    async def prepare(self, client: httpx.AsyncClient, conversations: int) -> None:
        """Untimed set-up for about `conversations` conversations."""

    async def converse(self, client: httpx.AsyncClient, phase: Phase) -> PaidOrder | None:
        """One whole conversation, its turns timed into `phase`."""


# --- talking to Rasa's REST channel ------------------------------------------------------


async def say(
    client: httpx.AsyncClient, url: str, sender: str, text: str, phase: Phase, token: str | None
) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = await client.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=TURN_TIMEOUT_SECONDS,
    )
    phase.latencies_ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        raise TurnFailed(f"HTTP {response.status_code} to {text!r}")
    replies: list[dict[str, Any]] = response.json()
    return replies


def custom(replies: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    for message in replies:
        payload = (message.get("custom") or {}).get(key)
        if isinstance(payload, dict):
            return payload
    return None


def button_payload(replies: list[dict[str, Any]], title: str) -> str | None:
    for message in replies:
        for button in message.get("buttons") or []:
            if str(button.get("title", "")).lower() == title.lower():
                return str(button["payload"])
    return None


def texts(replies: list[dict[str, Any]]) -> str:
    return " ".join(str(m.get("text", "")) for m in replies)


# --- the workloads -----------------------------------------------------------------------


class SignedInCustomers:
    """New customers who signed in before the clock started, one per paid order.

    A sign-in is not a dialogue turn (a token lasts an hour), and it hashes the password
    on purpose slowly (tens of ms of CPU), which would be charged to the turns timed
    around it. When the customers run out mid-slice, the next ones sign in on the spot,
    counted in `Phase.signed_in_under_load` and in the timing.
    """

    def __init__(self, merchant_url: str) -> None:
        self._merchant_url = merchant_url
        self._ready: list[tuple[str, str]] = []

    async def top_up(self, client: httpx.AsyncClient, count: int) -> None:
        missing = max(0, count - len(self._ready))
        gate = asyncio.Semaphore(SIGN_IN_CONCURRENCY)

        async def one() -> None:
            async with gate:
                self._ready.append(await self._sign_in_someone(client))

        await asyncio.gather(*(one() for _ in range(missing)))

    async def take(self, client: httpx.AsyncClient, phase: Phase) -> tuple[str, str]:
        if self._ready:
            return self._ready.pop()
        phase.signed_in_under_load += 1
        return await self._sign_in_someone(client)

    async def _sign_in_someone(self, client: httpx.AsyncClient) -> tuple[str, str]:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        response = await client.post(
            f"{self._merchant_url}/identity/sign-up",
            json={"customer_id": sender, "password": BENCH_PASSWORD},
            timeout=TURN_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        return sender, str(response.json()["token"])


class PaidOrders:
    """Orderly: "two hash browns and a medium americano", "that's all", "yes", paid."""

    def __init__(self, rasa_url: str, merchant_url: str) -> None:
        self.rasa_url = rasa_url
        self.merchant_url: str | None = merchant_url
        self.customers = SignedInCustomers(merchant_url)

    async def prepare(self, client: httpx.AsyncClient, conversations: int) -> None:
        await self.customers.top_up(client, conversations)

    async def converse(self, client: httpx.AsyncClient, phase: Phase) -> PaidOrder | None:
        sender, token = await self.customers.take(client, phase)
        replies = await say(client, self.rasa_url, sender, ORDER_TURNS[0], phase, token)
        for _ in range(MAX_FOLLOW_UPS):
            cart = custom(replies, "cart")
            if cart is not None and cart.get("total") == ORDER_TOTAL:
                break
            # The assistant asked for what it did not take from the sentence (a size):
            # press the button of that name, or say it.
            answer = button_payload(replies, FOLLOW_UP_ANSWER) or FOLLOW_UP_ANSWER
            replies = await say(client, self.rasa_url, sender, answer, phase, token)
        cart = custom(replies, "cart")
        if cart is None or cart.get("total") != ORDER_TOTAL:
            raise TurnFailed(f"no cart of ¥26.00: {texts(replies)}")
        replies = await say(client, self.rasa_url, sender, ORDER_TURNS[1], phase, token)
        readback = custom(replies, "readback")
        if readback is None:
            raise TurnFailed(f"no readback: {texts(replies)}")
        replies = await say(client, self.rasa_url, sender, ORDER_TURNS[2], phase, token)
        if "Paid ¥26.00" not in texts(replies):
            raise TurnFailed(f"not paid: {texts(replies)}")
        return PaidOrder(str(readback["order_id"]), token)


class Greetings:
    """The stock bot: three greetings from a new visitor, each answered."""

    merchant_url: str | None = None

    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url

    async def prepare(self, client: httpx.AsyncClient, conversations: int) -> None:
        return None

    async def converse(self, client: httpx.AsyncClient, phase: Phase) -> PaidOrder | None:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        for text in GREETINGS:
            replies = await say(client, self.rasa_url, sender, text, phase, None)
            if not texts(replies).strip():
                raise TurnFailed(f"no answer to {text!r}")
        return None


# --- a phase -----------------------------------------------------------------------------


async def run_phase(
    phase: Phase, workload: Workload, seconds: float, expected_conversations: int
) -> None:
    """`phase.concurrency` customers start conversations until `seconds` have passed."""
    orders: list[PaidOrder] = []
    limits = httpx.Limits(max_connections=phase.concurrency * 2)
    async with httpx.AsyncClient(limits=limits) as client:
        await workload.prepare(client, int(SIGN_IN_MARGIN * expected_conversations) + 1)
        deadline = time.monotonic() + seconds

        async def customer() -> None:
            while time.monotonic() < deadline:
                try:
                    order = await workload.converse(client, phase)
                except (TurnFailed, httpx.HTTPError) as error:
                    phase.error(f"{type(error).__name__}: {error}")
                    continue
                phase.conversations += 1
                if order is not None:
                    orders.append(order)

        started = time.monotonic()
        await asyncio.gather(*(customer() for _ in range(phase.concurrency)))
        phase.seconds += time.monotonic() - started
        if workload.merchant_url is not None:
            phase.double_charges += await count_double_charges(
                client, workload.merchant_url, orders, phase
            )


async def count_double_charges(
    client: httpx.AsyncClient, merchant_url: str, orders: list[PaidOrder], phase: Phase
) -> int:
    """Orders with more than one captured payment, read back from the merchant."""
    doubles = 0
    for order in orders:
        response = await client.get(
            f"{merchant_url}/payments",
            params={"order_id": order.order_id},
            headers={"Authorization": f"Bearer {order.token}"},
            timeout=TURN_TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            phase.error(f"payments of order {order.order_id}: HTTP {response.status_code}")
            continue
        captured = [p for p in response.json()["payments"] if p.get("status") == "captured"]
        doubles += len(captured) > 1
    return doubles
