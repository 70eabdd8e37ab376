"""How often passwords may be tried: by one client, by everyone, and against one customer id.

Every password check (sign-in, sign-up, setting the PIN) first passes :meth:`admit`:
- per client address (`ORDERLY_PASSWORD_CHECKS_PER_CLIENT`), so one caller cannot take
  the platform's hashing for itself, nor create accounts without end;
- in total (`ORDERLY_PASSWORD_CHECKS_TOTAL`), so a crowd of callers cannot either: each
  check costs tens of milliseconds of CPU on purpose, which other customers' voice
  recognition shares.

Wrong passwords are counted against the customer id, from that client and from everyone,
in windows of at most a minute. So a stranger hammering an id locks out only their own
client (the customer, elsewhere, signs in at once), a crowd of strangers delays the
customer by at most a minute at a time, and an id nobody has is throttled exactly like
one that exists, so the answers never tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.rate_limits import RateLimit
from merchant.errors import ApiError
from merchant.settings import Settings


@dataclass
class SignInThrottle:
    per_client: RateLimit
    total: RateLimit
    wrong_per_client_and_id: RateLimit
    wrong_per_id: RateLimit
    _limits: tuple[RateLimit, ...] = field(init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInThrottle:
        return cls(
            per_client=RateLimit(settings.password_checks_per_client),
            total=RateLimit(settings.password_checks_total),
            wrong_per_client_and_id=RateLimit(settings.wrong_passwords_per_client_and_id),
            wrong_per_id=RateLimit(settings.wrong_passwords_per_id),
        )

    def admit(self, client: str, customer_id: str | None = None) -> None:
        """Count one password check by `client`, or refuse it (429) with when to retry.

        With `customer_id`, also refuse while that id has had too many wrong passwords.
        """
        if customer_id is not None:
            if not self.wrong_per_client_and_id.allows(client, customer_id):
                wait = self.wrong_per_client_and_id.retry_after_s(client, customer_id)
                raise _too_many_wrong(wait)
            if not self.wrong_per_id.allows(customer_id):
                raise _too_many_wrong(self.wrong_per_id.retry_after_s(customer_id))
        if not self.per_client.hit(client):
            raise _busy(
                "Too many sign-in attempts from this address",
                self.per_client.retry_after_s(client),
            )
        if not self.total.hit("all"):
            raise _busy("The sign-in service is busy", self.total.retry_after_s("all"))

    def wrong_password(self, client: str, customer_id: str) -> bool:
        """Count a wrong password; True when it filled the id's window (support may care)."""
        self.wrong_per_client_and_id.hit(client, customer_id)
        self.wrong_per_id.hit(customer_id)
        return not self.wrong_per_id.allows(customer_id)


def _too_many_wrong(wait_s: int) -> ApiError:
    return ApiError(
        429,
        "sign_in_throttled",
        f"Too many wrong passwords for this customer id; try again in {wait_s} seconds.",
        headers={"Retry-After": str(wait_s)},
        retry_after=wait_s,
    )


def _busy(what: str, wait_s: int) -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        f"{what}; try again in {wait_s} seconds.",
        headers={"Retry-After": str(wait_s)},
        retry_after=wait_s,
    )
