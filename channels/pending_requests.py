"""Where a channel keeps the one pending secure-input request of each conversation.

One Rasa process can keep it in memory (`MemoryPendingStore`, the default). Replicas
behind a load balancer share it in Redis (`RedisPendingStore`, chosen by
`ORDERLY_REDIS_URL`), so a PIN asked for by one replica can be answered on another.
Redis expires the request by itself after the TTL; `take` reads and deletes it in one
command (GETDEL), so two replicas receiving the same answer cannot both submit it.

A stored request holds where the secret goes (a URL and non-secret fields), never a
secret.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol

REDIS_URL_VARIABLE = "ORDERLY_REDIS_URL"
REDIS_KEY_PREFIX = "orderly:secure-input:"
REDIS_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class SecureRequest:
    """Where the next secret of one conversation goes, and what to tell Rasa after.

    `expires_at` is wall-clock time (`time.time()`), comparable across processes.
    """

    purpose: str
    submit_url: str
    fields: dict[str, Any]
    reply_intent: str
    expires_at: float


class PendingStore(Protocol):
    """At most one pending request per sender; each expires on its own."""

    def put(self, sender_id: str, request: SecureRequest) -> None: ...

    def get(self, sender_id: str) -> SecureRequest | None: ...

    def take(self, sender_id: str) -> SecureRequest | None:
        """Return the pending request and forget it, atomically."""
        ...

    def discard(self, sender_id: str) -> None: ...


class MemoryPendingStore:
    """This process's memory: right for one Rasa server."""

    def __init__(self) -> None:
        self._requests: dict[str, SecureRequest] = {}
        self._lock = threading.Lock()

    def put(self, sender_id: str, request: SecureRequest) -> None:
        with self._lock:
            self._requests[sender_id] = request

    def get(self, sender_id: str) -> SecureRequest | None:
        with self._lock:
            return _alive(self._requests.get(sender_id))

    def take(self, sender_id: str) -> SecureRequest | None:
        with self._lock:
            return _alive(self._requests.pop(sender_id, None))

    def discard(self, sender_id: str) -> None:
        with self._lock:
            self._requests.pop(sender_id, None)


class RedisPendingStore:
    """Redis, shared by every replica; the key's TTL is the request's lifetime.

    Calls are synchronous (a loopback round trip is well under a millisecond), so the
    guard keeps its synchronous interface.
    """

    def __init__(self, url: str, key_prefix: str = REDIS_KEY_PREFIX) -> None:
        import redis  # installed with Rasa; imported here so memory-only setups skip it

        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry_on_timeout=True,
        )
        self._prefix = key_prefix

    def put(self, sender_id: str, request: SecureRequest) -> None:
        ttl_ms = max(1, int((request.expires_at - time.time()) * 1000))
        self._redis.set(self._key(sender_id), json.dumps(asdict(request)), px=ttl_ms)

    def get(self, sender_id: str) -> SecureRequest | None:
        return _decode(self._redis.get(self._key(sender_id)))

    def take(self, sender_id: str) -> SecureRequest | None:
        return _decode(self._redis.execute_command("GETDEL", self._key(sender_id)))

    def discard(self, sender_id: str) -> None:
        self._redis.delete(self._key(sender_id))

    def _key(self, sender_id: str) -> str:
        return self._prefix + sender_id


def pending_store_from_env() -> PendingStore:
    """Redis when `ORDERLY_REDIS_URL` is set (scaled mode), else this process's memory."""
    url = os.environ.get(REDIS_URL_VARIABLE, "").strip()
    return RedisPendingStore(url) if url else MemoryPendingStore()


def _alive(request: SecureRequest | None) -> SecureRequest | None:
    return request if request is not None and request.expires_at > time.time() else None


def _decode(raw: bytes | None) -> SecureRequest | None:
    if raw is None:
        return None
    return _alive(SecureRequest(**json.loads(raw)))
