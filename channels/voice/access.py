"""Who is on the other end of a voice connection: the sender id, from a token or not.

Two modes, chosen by whether ``tokens`` is configured:

- **Tokens configured** (any real deployment): the client must present a token,
  as ``Authorization: Bearer <token>`` or ``?token=<token>`` (browsers cannot set
  headers on a websocket). The token maps to the sender id, which is the customer
  id the actions charge, so a client can never pick someone else's account. The
  ``sender`` query parameter is ignored. A deployment binds a customer to a token
  by issuing one after its own login and adding it to the map (or by generating
  ``credentials.yml`` from its user store; values may be ``${ENV_VAR}``).
- **No tokens** (a laptop demo): the sender id is the ``sender`` query parameter,
  or a fresh random id, so any client may speak for any sender. Never expose this
  mode beyond localhost.

``allowed_origins``, when set, refuses browsers on other sites (a websocket is not
covered by CORS); clients that send no ``Origin`` (command-line clients) pass.
"""

from __future__ import annotations

import hmac
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


class AccessDenied(PermissionError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ConnectionRequest:
    """The parts of the websocket upgrade request that matter here."""

    headers: Mapping[str, str]
    query: Mapping[str, str]


class AccessPolicy:
    def __init__(self, tokens: Mapping[str, str], allowed_origins: Sequence[str]) -> None:
        self._tokens = dict(tokens)
        self._origins = {origin.rstrip("/") for origin in allowed_origins}

    def sender_for(self, request: ConnectionRequest) -> str:
        """Return the sender id of this connection or raise :class:`AccessDenied`."""
        origin = request.headers.get("origin")
        if self._origins and origin is not None and origin.rstrip("/") not in self._origins:
            raise AccessDenied(
                "forbidden_origin", f"Origin {origin} may not use this voice channel."
            )
        if self._tokens:
            return self._sender_from_token(request)
        sender = request.query.get("sender")
        if sender is None:
            return f"voice-{uuid.uuid4().hex[:12]}"
        if not _SENDER.match(sender):
            raise AccessDenied(
                "invalid_sender",
                "'sender' must be 1 to 128 letters, digits or the characters _ . : @ -",
            )
        return sender

    def _sender_from_token(self, request: ConnectionRequest) -> str:
        authorization = request.headers.get("authorization", "")
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        token = token or request.query.get("token", "")
        if not token:
            raise AccessDenied("unauthorized", "This voice channel needs a token (?token=...).")
        for known, sender in self._tokens.items():
            # Compare in constant time: response timing must not reveal a token prefix.
            if hmac.compare_digest(known.encode(), token.encode()):
                return sender
        raise AccessDenied("unauthorized", "The token is not valid.")
