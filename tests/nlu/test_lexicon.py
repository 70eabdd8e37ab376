"""The lexicon model and LexiconSource, against a real HTTP server on loopback."""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

import pytest
from loopback_lexicon import LexiconServer

from bot.nlu.lexicon import LexiconSource, adopt, shared_source
from channels.voice.vocabulary import MenuVocabulary
from contracts.lexicon import Lexicon, LexiconError

# Long enough for a loopback request and a thread start on a busy CI machine.
SETTLE_SECONDS = 3.0


class FakeClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_until(condition: Any, timeout: float = SETTLE_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


def renamed_latte(lexicon_json: dict[str, Any]) -> dict[str, Any]:
    items = [
        {**item, "aliases": [*item["aliases"], "flat white"]} if item["sku"] == "latte" else item
        for item in lexicon_json["items"]
    ]
    return {**lexicon_json, "items": items}


def test_the_fixture_is_the_full_golden_crumb_catalogue(lexicon: Lexicon) -> None:
    assert lexicon.merchant_id == "golden-crumb"
    assert len(lexicon.items) == 11
    assert {store.id for store in lexicon.stores} == {
        "gc-peoples-square",
        "gc-jingan-temple",
        "gc-lujiazui",
        "gc-xujiahui",
    }
    combo = lexicon.item("breakfast-combo")
    drinks = combo.group("drink") if combo is not None else None
    assert drinks is not None and [c.id for c in drinks.choices] == ["americano", "soy-milk"]
    assert combo is not None and combo.group("size") is not None and combo.group("milk") is None
    assert lexicon.item("no-such-thing") is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"items": []}, "merchant_id"),
        ({"merchant_id": "m", "items": [{"sku": "x"}]}, "name"),
        ({"merchant_id": "m", "items": [{"sku": "", "name": "X"}]}, "sku"),
        ({"merchant_id": "m", "items": "latte"}, "items"),
        ([1, 2], "Lexicon"),
    ],
)
def test_a_malformed_lexicon_is_a_clear_error(data: Any, field: str) -> None:
    with pytest.raises(LexiconError, match=field):
        Lexicon.from_json(data)


def test_first_call_loads_then_serves_from_cache(lexicon_server: LexiconServer) -> None:
    clock = FakeClock()
    source = LexiconSource(lexicon_server.url, refresh_seconds=60, clock=clock)
    first = source.current()
    assert first is not None and first.merchant_id == "golden-crumb"
    clock.now += 59
    assert source.current() is first
    assert lexicon_server.hits == 1


def test_a_stale_copy_is_refreshed_in_the_background(
    lexicon_server: LexiconServer, lexicon_json: dict[str, Any]
) -> None:
    clock = FakeClock()
    source = LexiconSource(lexicon_server.url, refresh_seconds=60, clock=clock)
    old = source.current()
    lexicon_server.serve(renamed_latte(lexicon_json))
    lexicon_server.delay_seconds = 0.5
    clock.now += 61
    started = time.monotonic()
    assert source.current() is old  # answered from cache, not after the slow request
    assert time.monotonic() - started < lexicon_server.delay_seconds
    assert wait_until(lambda: source.current() is not old)
    latte = source.current().item("latte")  # type: ignore[union-attr]
    assert latte is not None and "flat white" in latte.aliases
    assert lexicon_server.hits == 2


def test_an_unchanged_refresh_keeps_the_same_object(lexicon_server: LexiconServer) -> None:
    clock = FakeClock()
    source = LexiconSource(lexicon_server.url, refresh_seconds=60, clock=clock)
    first = source.current()
    assert source.refresh() is first


def test_an_unchanged_lexicon_is_not_downloaded_again(
    lexicon_server: LexiconServer, lexicon_json: dict[str, Any]
) -> None:
    """With 1,100 merchants the lexicon is tens of MB: the server's ETag lets a refresh
    cost a 304, and the copy (and every parser built on it) stays."""
    lexicon_server.etag = '"v1"'
    source = LexiconSource(lexicon_server.url)
    first = source.current()
    assert first is not None
    assert source.refresh() is first
    assert lexicon_server.not_modified == 1
    lexicon_server.serve(renamed_latte(lexicon_json))
    lexicon_server.etag = '"v2"'
    changed = source.refresh()
    assert changed is not first and changed is not None
    latte = changed.item("latte")
    assert latte is not None and "flat white" in latte.aliases
    assert lexicon_server.not_modified == 1


def test_a_new_lexicon_is_put_out_of_the_garbage_collectors_reach(
    lexicon_server: LexiconServer,
) -> None:
    """Millions of long-lived objects at 1,100 merchants: a full collection walking them
    took seconds of a turn."""
    gc.unfreeze()
    try:
        assert LexiconSource(lexicon_server.url).current() is not None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_background_refresh_may_wait_longer_than_a_reply(
    lexicon_server: LexiconServer,
) -> None:
    """The first load gives up after `timeout_seconds` (a reply is waiting); a big
    platform's lexicon still arrives through the background refresh."""
    lexicon_server.delay_seconds = 0.6
    source = LexiconSource(lexicon_server.url, timeout_seconds=0.2, retry_seconds=0.01)
    assert source.current() is None
    time.sleep(0.02)
    assert wait_until(lambda: source.latest() is not None, timeout=SETTLE_SECONDS + 1)


@pytest.mark.parametrize(
    ("status", "body"), [(500, b"oops"), (200, b"not json"), (200, b'{"items": 3}')]
)
def test_a_failed_refresh_keeps_the_last_good_copy(
    lexicon_server: LexiconServer, caplog: pytest.LogCaptureFixture, status: int, body: bytes
) -> None:
    source = LexiconSource(lexicon_server.url)
    good = source.current()
    lexicon_server.serve(body, status=status)
    with caplog.at_level(logging.WARNING, logger="bot.nlu.lexicon"):
        assert source.refresh() is good
        assert source.refresh() is good
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, "one warning per outage, not one per attempt"
    assert "keeping the last copy" in warnings[0].getMessage()


def test_no_lexicon_at_all_is_a_warning_not_an_error(
    closed_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    source = LexiconSource(closed_url, clock=clock)
    with caplog.at_level(logging.WARNING, logger="bot.nlu.lexicon"):
        assert source.current() is None
    message = caplog.records[-1].getMessage()
    assert closed_url in message and "ORDERLY_LEXICON_URL" in message
    started = time.monotonic()
    assert source.current() is None  # no second blocking attempt
    assert time.monotonic() - started < 0.1


def test_until_a_first_copy_arrives_it_retries_sooner(
    lexicon_server: LexiconServer, lexicon_json: dict[str, Any]
) -> None:
    clock = FakeClock()
    lexicon_server.serve(b"down", status=503)
    source = LexiconSource(lexicon_server.url, refresh_seconds=60, retry_seconds=5, clock=clock)
    assert source.current() is None
    lexicon_server.serve(lexicon_json)
    clock.now += 5
    source.current()
    assert wait_until(lambda: source.current() is not None)


def test_the_first_load_gives_up_after_the_timeout(lexicon_server: LexiconServer) -> None:
    lexicon_server.delay_seconds = 2.0
    source = LexiconSource(lexicon_server.url, timeout_seconds=0.3)
    started = time.monotonic()
    assert source.current() is None
    assert time.monotonic() - started < 1.5


def test_latest_never_waits_and_fetches_the_first_copy_in_the_background(
    lexicon_server: LexiconServer,
) -> None:
    lexicon_server.delay_seconds = 0.5
    source = LexiconSource(lexicon_server.url)
    started = time.monotonic()
    assert source.latest() is None
    assert time.monotonic() - started < lexicon_server.delay_seconds
    assert wait_until(lambda: source.latest() is not None)
    assert lexicon_server.hits == 1


def test_the_voice_channel_reads_the_nlus_copy_so_one_poller_fetches_the_menu(
    lexicon_server: LexiconServer,
) -> None:
    nlu_source = adopt(LexiconSource(lexicon_server.url))
    assert nlu_source.current() is not None
    vocabulary = MenuVocabulary(lexicon_server.url)
    assert "Latte" in vocabulary.phrases()
    assert shared_source(lexicon_server.url) is nlu_source
    assert lexicon_server.hits == 1
