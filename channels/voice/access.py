"""Who is on the other end of a voice connection, and how many connections they hold.

The client presents a customer token (the JWT from ``POST /identity/sign-in``, or
one from the deployment's OIDC provider; see :mod:`channels.identity`) in the
``Sec-WebSocket-Protocol`` header, as the subprotocol ``orderly.token.<token>`` next
to ``orderly.voice.v5`` (``contracts.voice_protocol.offered_subprotocols``): the one
header a browser can set on a websocket. Command-line clients may send
``Authorization: Bearer <token>`` instead. A token in the URL (``?token=``, the way of
protocol 2) is refused even when valid: proxies and access logs keep URLs, so a
client still sending it must move it, not go on leaking it. The token's ``sub`` is
the sender id, which is the customer the merchant charges; a ``sender`` parameter
chooses nothing.

A refusal is one ``error`` message and a close with code 4401 (no token, a bad or an
expired one: sign in again and reconnect), 4400 (a token in the URL), 4403 (a page
from a site not in ``allowed_origins``; a websocket is not covered by CORS, so the
channel checks the ``Origin`` itself; clients that send no ``Origin``, command-line
ones, pass) or 4429 (the customer already holds ``max_connections_per_customer``
connections to this process: each one can keep a recogniser busy).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from channels.identity import Identity, TokenRejected, TokenVerifier, bearer_token
from contracts.voice_protocol import (
    CLOSE_FORBIDDEN_ORIGIN,
    CLOSE_TOKEN_IN_URL,
    CLOSE_TOO_MANY_CONNECTIONS,
    CLOSE_UNAUTHORIZED,
    token_from_subprotocols,
)

# A close reason may hold at most 123 bytes.
MAX_CLOSE_REASON_BYTES = 123


class AccessDenied(PermissionError):
    def __init__(self, code: str, message: str, close_code: int = CLOSE_UNAUTHORIZED) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close_code = close_code

    @property
    def close_reason(self) -> str:
        """``code: message``, cut to what a close frame can carry."""
        reason = f"{self.code}: {self.message}".encode()[:MAX_CLOSE_REASON_BYTES]
        return reason.decode(errors="ignore")


@dataclass(frozen=True)
class ConnectionRequest:
    """The parts of the websocket upgrade request that matter here."""

    headers: Mapping[str, str]
    query: Mapping[str, str]


class AccessPolicy:
    def __init__(self, verifier: TokenVerifier, allowed_origins: Sequence[str]) -> None:
        self._verifier = verifier
        self._origins = {origin.rstrip("/") for origin in allowed_origins}

    async def identify(self, request: ConnectionRequest) -> Identity:
        """The verified customer of this connection, or :class:`AccessDenied`."""
        origin = request.headers.get("origin")
        if self._origins and origin is not None and origin.rstrip("/") not in self._origins:
            raise AccessDenied(
                "forbidden_origin",
                f"Pages from {origin} may not use this voice channel.",
                CLOSE_FORBIDDEN_ORIGIN,
            )
        if "token" in request.query:
            raise AccessDenied(
                "token_in_url",
                "Send the token in the Sec-WebSocket-Protocol header "
                "(docs/voice-protocol.md), never in the URL.",
                CLOSE_TOKEN_IN_URL,
            )
        token = bearer_token(request.headers.get("authorization")) or token_from_subprotocols(
            request.headers.get("sec-websocket-protocol")
        )
        try:
            return await self._verifier.verify_async(token)
        except TokenRejected as rejected:
            raise AccessDenied(rejected.code, rejected.message) from rejected


class ConnectionLimit:
    """At most ``per_customer`` open connections per customer, in this process."""

    def __init__(self, per_customer: int) -> None:
        self._per_customer = per_customer
        self._open: Counter[str] = Counter()

    def acquire(self, customer_id: str) -> None:
        """Count one more connection of ``customer_id``, or :class:`AccessDenied`."""
        if self._open[customer_id] >= self._per_customer:
            raise AccessDenied(
                "too_many_connections",
                f"At most {self._per_customer} voice connections per customer; "
                "close one and try again.",
                CLOSE_TOO_MANY_CONNECTIONS,
            )
        self._open[customer_id] += 1

    def release(self, customer_id: str) -> None:
        self._open[customer_id] -= 1
        if self._open[customer_id] <= 0:
            del self._open[customer_id]
