"""The parts one running platform shares: settings, clock, database, sign-in throttle and
the store network's lookup indexes.

`create_app` builds one `Runtime` and keeps it on `app.state.runtime`; routes receive it
through the `get_runtime` dependency, and tests reach `app.state.runtime.clock` to move time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from merchant.clock import Clock
from merchant.db import Database
from merchant.lockout import Lockout
from merchant.settings import Settings
from merchant.sign_in_throttle import SignInThrottle
from merchant.store_network import StoreNetwork


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    clock: Clock
    database: Database
    sign_in_throttle: SignInThrottle
    # Each merchant's k-d tree of stores, built on its first lookup (packs load at start).
    store_network: StoreNetwork = field(default_factory=StoreNetwork)

    @property
    def lockout(self) -> Lockout:
        return Lockout(
            max_attempts=self.settings.pin_max_attempts,
            duration=timedelta(minutes=self.settings.pin_lockout_minutes),
        )

    @property
    def jwt_secret(self) -> str:
        """The signing key; `create_app` fills in a throwaway one when none is configured."""
        secret = self.settings.jwt_secret
        if secret is None:
            raise RuntimeError("Runtime built without a JWT secret; use create_app.")
        return secret

    @property
    def confirmation_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.confirmation_ttl_seconds)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


# Route parameter type: `runtime: RuntimeDependency` receives the app's Runtime.
RuntimeDependency = Annotated[Runtime, Depends(get_runtime)]
