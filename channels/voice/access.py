"""Who is on the other end of a voice connection: the customer a verified token names.

The client presents a customer token (the JWT from ``POST /identity/sign-in``, or
one from the deployment's OIDC provider; see :mod:`channels.identity`) as the
``token`` query parameter, ``/webhooks/voice/ws?token=<token>``: browsers cannot set
headers on a websocket, so the widget and every other client use the same one way.
Command-line clients may send ``Authorization: Bearer <token>`` instead. The token's
``sub`` is the sender id, which is the customer the merchant charges; a ``sender``
parameter chooses nothing.

A refusal is one ``error`` message and a close with code 4401 (no token, a bad or an
expired one: sign in again and reconnect) or 4403 (a page from a site not in
``allowed_origins``; a websocket is not covered by CORS, so the channel checks the
``Origin`` itself). Clients that send no ``Origin`` (command-line ones) pass that check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from channels.identity import Identity, TokenRejected, TokenVerifier, bearer_token

# Private-use close codes (RFC 6455 4000-4999), after HTTP's 401 and 403.
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
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
        token = bearer_token(request.headers.get("authorization")) or request.query.get("token")
        try:
            return await self._verifier.verify_async(token)
        except TokenRejected as rejected:
            raise AccessDenied(rejected.code, rejected.message) from rejected
