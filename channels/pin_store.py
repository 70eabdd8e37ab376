"""Where a conversation's pending PIN request waits for the customer's answer.

The assistant asks for the PIN with a ``custom.secure_input`` message naming the
merchant's verification endpoint; :class:`channels.pin_policy.PinGate` keeps that
request here, keyed by sender id, until the next message answers it or it expires.
A request holds no secret: where a PIN would go and the order it is for.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from channels.settings import ChannelSettings

DEFAULT_PIN_DIGITS = 6
REDIS_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class PinRequest:
    """Where one conversation's next PIN goes, and what to tell Rasa afterwards."""

    purpose: str
    digits: int
    submit_url: str
    fields: dict[str, Any]
    reply_intent: str

    @classmethod
    def from_message(cls, request: Mapping[str, Any]) -> PinRequest:
        submit = request["submit"]
        digits = request.get("digits")
        return cls(
            purpose=str(request.get("purpose", "payment_pin")),
            digits=digits if isinstance(digits, int) and digits > 0 else DEFAULT_PIN_DIGITS,
            submit_url=str(submit["url"]),
            fields=dict(submit.get("fields") or {}),
            reply_intent=str(request.get("reply_intent", "pin_submitted")),
        )

    def public(self) -> dict[str, Any]:
        """What the client may see: what to ask for, not where it goes."""
        return {"purpose": self.purpose, "digits": self.digits}

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> PinRequest:
        return cls(**json.loads(raw))


class PendingPinStore(Protocol):
    """Pending PIN requests by sender id; each expires ``ttl_s`` after it was put."""

    async def put(self, sender_id: str, request: PinRequest, ttl_s: float) -> None: ...

    async def get(self, sender_id: str) -> PinRequest | None: ...

    async def take(self, sender_id: str) -> PinRequest | None:
        """Get and remove at once: a request is answered once."""
        ...

    async def clear(self, sender_id: str) -> None: ...


class InMemoryPendingPins:
    """One Rasa process's pending requests; lost on restart (the assistant asks again)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._pending: dict[str, tuple[PinRequest, float]] = {}

    async def put(self, sender_id: str, request: PinRequest, ttl_s: float) -> None:
        self._drop_expired()
        self._pending[sender_id] = (request, self._clock() + ttl_s)

    async def get(self, sender_id: str) -> PinRequest | None:
        entry = self._pending.get(sender_id)
        if entry is None or entry[1] <= self._clock():
            self._pending.pop(sender_id, None)
            return None
        return entry[0]

    async def take(self, sender_id: str) -> PinRequest | None:
        request = await self.get(sender_id)
        self._pending.pop(sender_id, None)
        return request

    async def clear(self, sender_id: str) -> None:
        self._pending.pop(sender_id, None)

    def _drop_expired(self) -> None:
        now = self._clock()
        for sender_id in [s for s, (_, expires) in self._pending.items() if expires <= now]:
            del self._pending[sender_id]


class RedisPendingPins:
    """Pending requests in Redis (``SET ... PX``, ``GETDEL``), shared by Rasa replicas.

    ``ORDERLY_REDIS_URL=redis://127.0.0.1:6379/0`` selects it (see :func:`pending_store`;
    the scaled topology sets it), so a PIN asked for by one replica can be answered on
    another, and ``GETDEL`` lets only one of two replicas receiving the answer submit it.
    A request holds no secret: where to send the PIN and the order it is for.
    """

    PREFIX = "orderly:pin-pending:"

    def __init__(self, url: str, key_prefix: str = PREFIX) -> None:
        import redis.asyncio  # lazily: only deployments that choose Redis need it

        self._redis = redis.asyncio.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self.PREFIX = key_prefix

    async def put(self, sender_id: str, request: PinRequest, ttl_s: float) -> None:
        await self._redis.set(self.PREFIX + sender_id, request.to_json(), px=int(ttl_s * 1000))

    async def get(self, sender_id: str) -> PinRequest | None:
        raw = await self._redis.get(self.PREFIX + sender_id)
        return PinRequest.from_json(raw) if raw else None

    async def take(self, sender_id: str) -> PinRequest | None:
        raw = await self._redis.execute_command("GETDEL", self.PREFIX + sender_id)
        return PinRequest.from_json(raw) if raw else None

    async def clear(self, sender_id: str) -> None:
        await self._redis.delete(self.PREFIX + sender_id)

    async def close(self) -> None:
        await self._redis.close()


_SHARED_MEMORY_STORE = InMemoryPendingPins()


def pending_store(settings: ChannelSettings) -> PendingPinStore:
    """The store every channel of this process shares: Redis if configured, else memory.

    Shared, so a PIN asked for on the voice channel is still screened if the answer
    comes over REST.
    """
    return RedisPendingPins(settings.redis_url) if settings.redis_url else _SHARED_MEMORY_STORE
