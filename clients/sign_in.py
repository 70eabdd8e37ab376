"""Signing the person at this computer in to the sandbox, with no form to fill.

The assistant's channels serve signed-in customers only. The command-line clients
(the shell, the voice client) sign in by themselves: the first run makes a random
customer id (``shell-<user>-<random>``) and a random password, keeps both in a file
only this user can read (``var/identity/<merchant host>.json``, mode 0600), and signs
up with the merchant platform's ``POST /identity/sign-up``. Later runs sign in
(``POST /identity/sign-in``) with the same pair and find the same orders. A token is
reused until shortly before it expires; a 401 from the assistant makes the client sign
in again (:meth:`SignIn.token` with ``fresh=True``).

:func:`set_pin` sets the customer's payment PIN (``PUT /identity/pin``): it takes the
token and the password again. The shell's ``/pin`` uses it.

The random suffix is why nobody can guess another user's customer id, and the
password is why knowing one would not be enough.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx
import jwt

SIGN_IN_PATH = "/identity/sign-in"
SIGN_UP_PATH = "/identity/sign-up"
PIN_PATH = "/identity/pin"
SIGN_IN_TIMEOUT_SECONDS = 10.0
# Renew this long before the token's own expiry, so a request never races it.
RENEW_MARGIN_SECONDS = 30.0


class SignInError(Exception):
    """Signing in failed; the text says what to do. It never contains the password."""


class CredentialsRefused(SignInError):
    """The sign-in service answered: these credentials are wrong (retrying cannot help)."""


@dataclass(frozen=True)
class Credentials:
    customer_id: str
    password: str = field(repr=False)


def local_user() -> str:
    """The login name, reduced to characters a customer id may hold."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        user = "user"
    return re.sub(r"[^A-Za-z0-9_.-]", "-", user)[:40] or "user"


def local_credentials(merchant_url: str, directory: Path) -> Credentials:
    """This user's sandbox customer for ``merchant_url``, made on first use."""
    host = httpx.URL(merchant_url).host or "merchant"
    port = httpx.URL(merchant_url).port
    path = directory / f"{host}-{port or 'default'}.json"
    if path.exists():
        try:
            saved = json.loads(path.read_text())
            return Credentials(str(saved["customer_id"]), str(saved["password"]))
        except (ValueError, KeyError, TypeError) as error:
            raise SignInError(f"{path} is damaged; delete it to make a new customer.") from error
    made = Credentials(f"shell-{local_user()}-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump({"customer_id": made.customer_id, "password": made.password}, file)
    return made


class TokenSource(Protocol):
    """Where a client gets its customer token: :class:`SignIn` or :class:`GivenToken`."""

    @property
    def customer_id(self) -> str: ...

    def token(self, fresh: bool = False) -> str: ...


class GivenToken:
    """A token from elsewhere (``--token``): used as is; when refused, the user must act."""

    def __init__(self, token: str) -> None:
        self._token = token
        try:
            # Only to say who we are: the server verifies the token, not us.
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise SignInError("--token is not a JWT (three dot-separated parts).") from error
        self._customer_id = str(claims.get("sub", "?"))

    @property
    def customer_id(self) -> str:
        return self._customer_id

    def token(self, fresh: bool = False) -> str:
        if fresh:
            raise SignInError(
                "The assistant refused the --token (expired?). Get a new one, or leave "
                "--token out and the client signs in by itself."
            )
        return self._token


class SignIn:
    """Keeps a fresh customer token for one set of credentials."""

    def __init__(
        self,
        merchant_url: str,
        credentials: Credentials,
        *,
        timeout: float = SIGN_IN_TIMEOUT_SECONDS,
    ) -> None:
        self.merchant_url = merchant_url.rstrip("/")
        self.credentials = credentials
        self._timeout = timeout
        self._token: str | None = None
        self._renew_at = 0.0

    @property
    def customer_id(self) -> str:
        return self.credentials.customer_id

    def token(self, fresh: bool = False) -> str:
        """A valid token; ``fresh`` signs in again even if the last one looks valid."""
        if fresh or self._token is None or time.time() >= self._renew_at:
            self._sign_in()
        assert self._token is not None
        return self._token

    def _sign_in(self) -> None:
        """Sign in; an id the platform does not know is signed up with this password."""
        answer = self._post(SIGN_IN_PATH)
        if answer.status_code == 401:
            answer = self._post(SIGN_UP_PATH)
            if answer.status_code == 409:  # taken: so the password was the wrong one
                raise CredentialsRefused(
                    f"The sandbox refused the password for {self.customer_id} (a database "
                    "made with another password?). Delete the file under var/identity/ to "
                    "start anew."
                )
        try:
            reply = answer.json()
            token, expires_in = str(reply["token"]), float(reply.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise SignInError(f"Signing in failed ({_refusal(answer)}).") from error
        self._token = token
        self._renew_at = time.time() + max(0.0, expires_in - RENEW_MARGIN_SECONDS)

    def _post(self, path: str) -> httpx.Response:
        body = {"customer_id": self.credentials.customer_id, "password": self.credentials.password}
        try:
            return httpx.post(self.merchant_url + path, json=body, timeout=self._timeout)
        except httpx.HTTPError as error:
            raise SignInError(
                f"The sign-in service is not reachable at {self.merchant_url}; "
                "is `make serve` running?"
            ) from error


def set_pin(
    merchant_url: str,
    token: str,
    password: str,
    pin: str,
    *,
    timeout: float = SIGN_IN_TIMEOUT_SECONDS,
) -> None:
    """Make ``pin`` the customer's payment PIN; :class:`SignInError` says why not.

    Neither the PIN nor the password is ever part of an error's text.
    """
    try:
        answer = httpx.put(
            merchant_url.rstrip("/") + PIN_PATH,
            json={"password": password, "pin": pin},
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        raise SignInError(f"The merchant platform is not reachable at {merchant_url}.") from error
    if answer.status_code == 401:
        raise CredentialsRefused("That password is not right; the PIN was not changed.")
    if not answer.is_success:
        raise SignInError(f"The PIN was not changed: {_refusal(answer)}.")


def _refusal(answer: httpx.Response) -> str:
    """The platform's own message for a refusal (it never echoes a secret), or the status."""
    try:
        message = answer.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {answer.status_code}"
    return str(message).rstrip(".")
