"""One JSON log format for every service, and a turn id that follows a turn (contracts/)."""

from __future__ import annotations

import logging
import warnings

import structlog

from contracts.telemetry import (
    TURN_HEADER,
    current_turn,
    metrics_reply,
    turn,
    turn_headers,
    turn_id_from,
)
from tests.json_logs import json_logs


def test_a_turn_keeps_a_well_formed_id_it_is_given_and_makes_one_otherwise() -> None:
    assert turn_id_from("3f2a9c0d1e4b") == "3f2a9c0d1e4b"
    made = turn_id_from(None)
    assert len(made) == 32 and made != turn_id_from(None)
    for hostile in ('x"}\n{"level": "critical"', "short", "a" * 65, "id with spaces"):
        replaced = turn_id_from(hostile)
        assert replaced != hostile and len(replaced) == 32


def test_the_turn_id_is_sent_on_only_inside_its_turn() -> None:
    assert turn_headers() == {} and current_turn() is None
    with turn("0123456789abcdef") as outer:
        assert turn_headers() == {TURN_HEADER: outer} == {"X-Orderly-Turn": "0123456789abcdef"}
        with turn() as inner:
            assert current_turn() == inner != outer
        assert current_turn() == outer
    assert turn_headers() == {}


def test_every_record_is_one_json_line_with_the_turn_id_inside_a_turn() -> None:
    with json_logs("merchant") as logs:
        logging.getLogger("merchant.ordering").info("order %d placed", 1001)
        with turn("feedc0ffee0001"):
            structlog.get_logger("merchant.telemetry").info("request", status=201, route="/orders")
            logging.getLogger("uvicorn.error").warning("slow")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("merchant.app").exception("unexpected error")
        logging.getLogger("sanic.error").error("sanic detaches its loggers")
        warnings.warn("a library's complaint", UserWarning, stacklevel=1)
        records = logs.records()
    placed, request, slow, failure, sanic, warning = records
    assert {r["service"] for r in records} == {"merchant"}
    assert all({"time", "level", "logger", "event"} <= r.keys() for r in records)
    assert (placed["event"], placed["level"], placed["logger"]) == (
        "order 1001 placed",
        "info",
        "merchant.ordering",
    )
    assert "turn_id" not in placed
    assert request["turn_id"] == slow["turn_id"] == "feedc0ffee0001"
    assert (request["status"], request["route"]) == (201, "/orders")
    assert "RuntimeError: boom" in failure["exception"]
    assert sanic["event"] == "sanic detaches its loggers"
    assert warning["logger"] == "py.warnings" and "a library's complaint" in warning["event"]


def test_deprecation_warnings_of_the_libraries_underneath_stay_out_of_the_logs() -> None:
    with json_logs("rasa") as logs:
        warnings.warn("pkg_resources is deprecated", DeprecationWarning, stacklevel=1)
        warnings.warn(
            "Calling URL() directly is deprecated", PendingDeprecationWarning, stacklevel=1
        )
        assert logs.raw() == []


def test_metrics_need_the_token_when_one_is_set() -> None:
    assert metrics_reply(None, None)[0] == 200
    assert metrics_reply(None, "t0k3n-for-scrapers")[0] == 401
    assert metrics_reply("Bearer wrong", "t0k3n-for-scrapers")[0] == 401
    assert metrics_reply("t0k3n-for-scrapers", "t0k3n-for-scrapers")[0] == 401  # no scheme
    status, body, content_type = metrics_reply("Bearer t0k3n-for-scrapers", "t0k3n-for-scrapers")
    assert status == 200 and content_type.startswith("text/plain; version=")
    assert b"# HELP orderly_errors_total" in body


def test_warnings_are_logged_even_after_an_earlier_test_left_capture_on() -> None:
    """Another test in the same process configured logging (capture on) and pytest then put
    the original ``showwarning`` back: logging still believed it captured, so a second
    ``captureWarnings(True)`` did nothing and the warning missed the logs (a fresh clone's
    two-worker run)."""
    original = warnings.showwarning
    logging.captureWarnings(True)
    warnings.showwarning = original  # what pytest's per-test warning capture restores
    try:
        with json_logs("rasa") as logs:
            warnings.warn("a second library's complaint", UserWarning, stacklevel=1)
            records = logs.records()
    finally:
        logging.captureWarnings(False)
        warnings.showwarning = original
    assert [r["logger"] for r in records] == ["py.warnings"]
    assert "a second library's complaint" in records[0]["event"]
