"""Who is talking: the customer named by a verified token, never by what the client claims.

Every channel calls :meth:`TokenVerifier.verify` on the bearer token the client sent
and uses :attr:`Identity.customer_id` (the token's ``sub``) as the Rasa sender id,
which is the customer the merchant platform charges.

Two kinds of issuer, chosen by the environment (the same settings the merchant
platform reads, so one launcher configures both):

- **The sandbox** (default): HS256 tokens signed with ``ORDERLY_JWT_SECRET`` by the
  merchant platform's ``POST /identity/sign-in``.
- **A real OIDC provider**: set ``ORDERLY_JWKS_URL`` to its JWKS document (e.g.
  ``https://login.example.com/.well-known/jwks.json``), ``ORDERLY_JWT_ISSUER`` to its
  issuer and ``ORDERLY_JWT_AUDIENCE`` to this assistant's client id. Tokens are then
  checked against the provider's published public keys (RS256/ES256, picked by the
  token's ``kid``); the shared secret is not used.

Either way a token must carry ``sub``, ``iss``, ``aud`` and ``exp``; an expired one
is refused with its own code (``token_expired``) so clients know to sign in again.
This module does not import the merchant platform (``merchant/identity.py`` issues
the sandbox tokens): the two sides share only the token format and the settings.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import jwt
from pydantic import Field

from contracts.settings import OrderlySettings

DEFAULT_ISSUER = "orderly-sandbox"
DEFAULT_AUDIENCE = "orderly"
# Clocks of two machines drift: accept a token this many seconds around its times.
DEFAULT_LEEWAY_S = 10.0
# Asymmetric algorithms only for JWKS: "none" and HS* with a public key must never pass.
JWKS_ALGORITHMS = ("RS256", "ES256")
SANDBOX_ALGORITHMS = ("HS256",)
REQUIRED_CLAIMS = ("sub", "iss", "aud", "exp")
MAX_TOKEN_CHARS = 8192
# The sender id is a key in the tracker store and goes into merchant URLs (escaped).
CUSTOMER_ID = re.compile(r"^[A-Za-z0-9_.:@|-]{1,128}$")


class TokenRejected(PermissionError):
    """No usable token. ``code`` is stable for programs, ``message`` readable by people.

    Codes: ``token_missing``, ``token_expired``, ``token_invalid`` (bad signature,
    wrong issuer or audience, malformed), ``identity_not_configured`` (the server
    has neither a secret nor a JWKS URL, so it can verify nobody).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Identity:
    """A verified customer. ``token`` is kept to act for them (e.g. the PIN check)."""

    customer_id: str
    expires_at: int
    token: str = field(repr=False)


class IdentitySettings(OrderlySettings):
    """How channels verify customer tokens: the sandbox's shared key, or an OIDC provider."""

    secret: str | None = Field(
        default=None,
        env="ORDERLY_JWT_SECRET",
        repr=False,
        description="HS256 key of the sandbox's customer tokens (the merchant platform's "
        "`ORDERLY_JWT_SECRET`); unused with `ORDERLY_JWKS_URL`",
    )
    jwks_url: str | None = Field(
        default=None,
        description="a real OIDC provider's JWKS document; tokens are then checked against "
        "its public keys (RS256/ES256)",
    )
    issuer: str = Field(
        default=DEFAULT_ISSUER, env="ORDERLY_JWT_ISSUER", description="the tokens' `iss`"
    )
    audience: str = Field(
        default=DEFAULT_AUDIENCE, env="ORDERLY_JWT_AUDIENCE", description="the tokens' `aud`"
    )
    leeway_s: float = Field(
        default=DEFAULT_LEEWAY_S,
        ge=0,
        env="ORDERLY_JWT_LEEWAY_SECONDS",
        description="clock drift accepted around a token's times",
    )

    @property
    def configured(self) -> bool:
        return bool(self.secret or self.jwks_url)


class TokenVerifier:
    """Checks customer tokens; one instance per channel, safe to share."""

    def __init__(self, settings: IdentitySettings | None = None) -> None:
        self.settings = settings or IdentitySettings.from_env()
        # PyJWKClient caches the key set (5 min) and refetches on an unknown ``kid``.
        self._jwks = jwt.PyJWKClient(self.settings.jwks_url) if self.settings.jwks_url else None

    def verify(self, token: str | None) -> Identity:
        """The customer ``token`` proves, or :class:`TokenRejected` saying why not.

        With JWKS this may fetch the provider's keys (blocking, cached): call
        :meth:`verify_async` from the event loop.
        """
        if not token:
            raise TokenRejected("token_missing", "Sign in first: send a customer token.")
        if len(token) > MAX_TOKEN_CHARS:
            raise TokenRejected("token_invalid", "The token is too long to be one of ours.")
        if not self.settings.configured:
            raise TokenRejected(
                "identity_not_configured",
                "This server cannot verify customers: set ORDERLY_JWT_SECRET "
                "(sandbox) or ORDERLY_JWKS_URL (an OIDC provider).",
            )
        try:
            key, algorithms = self._key_for(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=list(algorithms),
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_s,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("token_expired", "The token has expired; sign in again.") from error
        except jwt.InvalidAudienceError as error:
            raise TokenRejected("token_invalid", "The token is for another audience.") from error
        except jwt.InvalidIssuerError as error:
            raise TokenRejected("token_invalid", "The token is from another issuer.") from error
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected("token_invalid", f"The token has no {error.claim!r}.") from error
        except (jwt.PyJWTError, ValueError) as error:
            raise TokenRejected("token_invalid", "The token is not valid.") from error
        subject = claims.get("sub")
        if not isinstance(subject, str) or not CUSTOMER_ID.match(subject):
            raise TokenRejected(
                "token_invalid",
                "The token's subject is not a customer id (1 to 128 of A-Z a-z 0-9 _ . : @ | -).",
            )
        return Identity(customer_id=subject, expires_at=int(claims["exp"]), token=token)

    async def verify_async(self, token: str | None) -> Identity:
        """:meth:`verify` without blocking the event loop on a JWKS fetch."""
        if self._jwks is None:
            return self.verify(token)
        return await asyncio.to_thread(self.verify, token)

    def _key_for(self, token: str) -> tuple[Any, tuple[str, ...]]:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key, JWKS_ALGORITHMS
        return self.settings.secret, SANDBOX_ALGORITHMS


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None
