"""Hammering sign-in: a stranger delays nobody but themselves, a crowd delays a customer by at
most a minute at a time, and nobody can take the platform's hashing for themselves."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import limits.storage.memory
import pytest
from httpx import Response
from merchant_harness import Api, bearer

import contracts.rate_limits
from merchant.app import create_app
from merchant.settings import Settings, SettingsError

PASSWORD = "owner's password"
OWNER = "10.0.0.1"
STRANGER = "203.0.113.9"
# A window of a minute still holds what happened exactly a minute ago.
JUST_AFTER = 0.5


class WallClock:
    """The time the rate limits read, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> WallClock:
    clock = WallClock()
    fake = SimpleNamespace(time=clock.time)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(contracts.rate_limits, "time", fake)
    return clock


@pytest.fixture
def platform(settings: Settings, wall_clock: WallClock) -> Iterator[Api]:
    """The platform behind a trusted proxy (the test client), which names each caller."""
    with Api(create_app(settings.replace(trusted_proxies=("testclient",)))) as api:
        api.sign_up("alice", PASSWORD)
        yield api


def sign_in(api: Api, password: str, client: str, customer_id: str = "alice") -> Response:
    return api.anonymous().post(
        "/identity/sign-in",
        json={"customer_id": customer_id, "password": password},
        headers={"X-Forwarded-For": client},
    )


def test_a_stranger_hammering_an_id_never_delays_its_customer_elsewhere(platform: Api) -> None:
    codes = [sign_in(platform, f"guess-{n}", STRANGER).status_code for n in range(12)]
    assert codes == [401] * 5 + [429] * 7
    refused = sign_in(platform, "guess-again", STRANGER)
    assert refused.json()["error"]["code"] == "sign_in_throttled"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert sign_in(platform, PASSWORD, OWNER).status_code == 200


def test_a_crowd_hammering_an_id_delays_its_customer_by_at_most_a_minute(
    platform: Api, wall_clock: WallClock
) -> None:
    for n in range(30):  # 30 strangers, one wrong password each: the id's window is full
        assert sign_in(platform, f"guess-{n}", f"198.51.100.{n}").status_code == 401
    waiting = sign_in(platform, PASSWORD, OWNER)
    assert waiting.status_code == 429
    wait = int(waiting.headers["Retry-After"])
    assert 1 <= wait <= 60
    wall_clock.advance(wait + JUST_AFTER)
    assert sign_in(platform, PASSWORD, OWNER).status_code == 200


def test_an_id_nobody_has_is_throttled_like_one_that_exists(platform: Api) -> None:
    known = [sign_in(platform, f"guess-{n}", STRANGER).status_code for n in range(7)]
    unknown = [
        sign_in(platform, f"guess-{n}", STRANGER, "no-such-id").status_code for n in range(7)
    ]
    assert known == unknown == [401] * 5 + [429] * 2


def test_one_client_cannot_try_passwords_without_end(platform: Api, wall_clock: WallClock) -> None:
    """Each check costs tens of milliseconds of CPU: spread over ids, a client still stops."""
    codes = [sign_in(platform, "guess", STRANGER, f"id-{n}").status_code for n in range(25)]
    assert codes == [401] * 20 + [429] * 5
    refused = sign_in(platform, PASSWORD, STRANGER)
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert sign_in(platform, PASSWORD, OWNER).status_code == 200
    wall_clock.advance(60 + JUST_AFTER)
    assert sign_in(platform, PASSWORD, STRANGER).status_code == 200


def test_sign_ups_count_against_the_client_too(platform: Api) -> None:
    codes = [
        platform.anonymous()
        .post(
            "/identity/sign-up",
            json={"customer_id": f"new-{n}", "password": PASSWORD},
            headers={"X-Forwarded-For": STRANGER},
        )
        .status_code
        for n in range(22)
    ]
    assert codes == [201] * 20 + [429] * 2


def test_all_clients_together_are_capped(settings: Settings, wall_clock: WallClock) -> None:
    capped = settings.replace(trusted_proxies=("testclient",), password_checks_total="3/minute")
    with Api(create_app(capped)) as api:
        codes = [sign_in(api, "guess", f"192.0.2.{n}").status_code for n in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        wall_clock.advance(60 + JUST_AFTER)
        assert sign_in(api, "guess", "192.0.2.99").status_code == 401


def test_a_client_not_behind_a_trusted_proxy_cannot_pick_its_address(
    settings: Settings, wall_clock: WallClock
) -> None:
    with Api(create_app(settings)) as api:  # only 127.0.0.1 is trusted by default
        api.sign_up("alice", PASSWORD)
        codes = [sign_in(api, "guess", f"192.0.2.{n}").status_code for n in range(7)]
        assert codes == [401] * 5 + [429] * 2  # one client, whatever it claims


def test_a_wrong_password_when_setting_the_pin_counts_like_one_at_sign_in(platform: Api) -> None:
    token = sign_in(platform, PASSWORD, OWNER).json()["token"]
    for n in range(5):
        wrong = platform.anonymous().put(
            "/identity/pin",
            json={"password": f"guess-{n}", "pin": "4826"},
            headers={**bearer(token), "X-Forwarded-For": STRANGER},
        )
        assert wrong.status_code == 401
    assert sign_in(platform, PASSWORD, STRANGER).status_code == 429


@pytest.mark.parametrize("rule", ["5/hour", "5 per 2 minutes"])
def test_a_wrong_password_window_longer_than_a_minute_is_refused(rule: str) -> None:
    with pytest.raises(SettingsError, match="ORDERLY_WRONG_PASSWORDS_PER_ID"):
        Settings.from_env({"ORDERLY_WRONG_PASSWORDS_PER_ID": rule})


def test_a_rate_that_is_not_one_is_refused() -> None:
    with pytest.raises(SettingsError, match="ORDERLY_PASSWORD_CHECKS_PER_CLIENT"):
        Settings.from_env({"ORDERLY_PASSWORD_CHECKS_PER_CLIENT": "lots"})
