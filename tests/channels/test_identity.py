"""Customer tokens: what channels.identity accepts, and what it refuses and why."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from channels.identity import IdentitySettings, TokenRejected, TokenVerifier, bearer_token
from tests.tokens import TEST_JWT_SECRET, mint_token

SANDBOX = TokenVerifier(IdentitySettings(secret=TEST_JWT_SECRET))


def rejected(verifier: TokenVerifier, token: str | None) -> str:
    with pytest.raises(TokenRejected) as raised:
        verifier.verify(token)
    assert raised.value.message
    return raised.value.code


def test_a_sandbox_token_names_its_customer() -> None:
    identity = SANDBOX.verify(mint_token("alice"))
    assert identity.customer_id == "alice"
    assert identity.expires_at > time.time()
    assert "eyJ" not in repr(identity)  # the token never shows in a log line


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (None, "token_missing"),
        ("", "token_missing"),
        (mint_token("alice", lifetime_s=-60), "token_expired"),
        (mint_token("alice", aud="another-app"), "token_invalid"),
        (mint_token("alice", iss="someone-else"), "token_invalid"),
        (mint_token("alice", exp=None), "token_invalid"),
        (mint_token("alice", secret="not-the-server-secret-0123456789abcdef"), "token_invalid"),
        (mint_token("../alice"), "token_invalid"),
        (mint_token("x" * 129), "token_invalid"),
        ("not.a.jwt", "token_invalid"),
    ],
    ids=[
        "none", "empty", "expired", "wrong-audience", "wrong-issuer", "no-expiry",
        "forged-signature", "path-in-subject", "long-subject", "garbage",
    ],
)  # fmt: skip
def test_bad_tokens_are_refused_with_a_code_a_client_can_act_on(
    token: str | None, code: str
) -> None:
    assert rejected(SANDBOX, token) == code


def test_an_unsigned_token_is_refused() -> None:
    unsigned = jwt.encode(
        {"sub": "alice", "iss": "orderly-sandbox", "aud": "orderly", "exp": time.time() + 60},
        key=None,
        algorithm="none",
    )
    assert rejected(SANDBOX, unsigned) == "token_invalid"


def test_a_server_without_a_secret_verifies_nobody() -> None:
    assert rejected(TokenVerifier(IdentitySettings()), mint_token("alice")) == (
        "identity_not_configured"
    )


def test_settings_come_from_the_environment() -> None:
    settings = IdentitySettings.from_env(
        {"ORDERLY_JWT_SECRET": "hunter2", "ORDERLY_JWT_AUDIENCE": "shop", "ORDERLY_JWKS_URL": ""}
    )
    assert settings.secret == "hunter2" and settings.audience == "shop"
    assert settings.jwks_url is None
    assert "hunter2" not in repr(settings)


def test_bearer_headers_are_read_strictly() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer") is None
    assert bearer_token(None) is None


# --- a real OIDC-style provider: RS256 keys published as a JWKS on loopback -------------


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, Any]]:
    """A JWKS endpoint serving one RSA public key (kid "k1"); yields its URL and the key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key
    server.shutdown()
    server.server_close()


def provider_token(key: Any, kid: str = "k1", **claims: Any) -> str:
    body = {
        "sub": "oidc|42",
        "iss": "https://login.example",
        "aud": "orderly-web",
        "exp": int(time.time()) + 300,
        **claims,
    }
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


async def test_an_oidc_provider_replaces_the_sandbox_through_its_jwks(provider) -> None:
    url, key = provider
    verifier = TokenVerifier(
        IdentitySettings(jwks_url=url, issuer="https://login.example", audience="orderly-web")
    )
    identity = await verifier.verify_async(provider_token(key))
    assert identity.customer_id == "oidc|42"
    # The sandbox's shared secret means nothing to this verifier...
    assert rejected(verifier, mint_token("alice")) == "token_invalid"
    # ...nor does a key the provider never published, nor another audience.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert rejected(verifier, provider_token(stranger)) == "token_invalid"
    assert rejected(verifier, provider_token(key, aud="orderly")) == "token_invalid"
