"""The PIN-at-rest scan: whole tokens only, every stored form, and only what changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.pins_at_rest import StoreScan, changed_spans, files_holding, holds_pin

PIN = "135790"


def test_a_message_id_holding_the_digits_is_not_a_pin() -> None:
    # The tracker message id that failed a fresh clone: it contains 135790.
    assert not holds_pin('"message_id": "f38b135790054b81a2c4"', PIN)
    assert not holds_pin("order 91357901", PIN)
    assert not holds_pin("2026-12-07 02:44:26.135790 DEBUG", PIN)  # microseconds
    assert not holds_pin("id=a135790", PIN)


@pytest.mark.parametrize(
    "stored",
    [
        '{"text": "135790"}',
        "my pin is 135790 please",
        "text=135790\n",
        "1 3 5 7 9 0",
        "１３５７９０",
        '{"text": "\\uff11\\uff13\\uff15\\uff17\\uff19\\uff10"}',
        "135790",
    ],
)
def test_a_pin_on_its_own_is_found_in_every_stored_form(stored: str) -> None:
    assert holds_pin(stored, PIN)
    assert holds_pin(stored.encode(), "246810", PIN)


def test_files_holding_names_only_the_files_with_the_pin(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "rasa.log").write_text("user said 135790\n")
    (tmp_path / "tracker.sqlite3").write_bytes(b"f38b135790054b81")
    assert files_holding(tmp_path, PIN) == [str(tmp_path / "logs" / "rasa.log")]


def test_only_the_changed_pages_are_spans() -> None:
    old = bytes(4096 * 4)
    new = bytearray(old)
    new[5000] = 1  # page 1
    new[3 * 4096] = 1  # page 3
    assert changed_spans(old, bytes(new)) == [(4096, 8192), (12288, 16384)]
    grown = bytes(new) + b"x" * 10
    assert changed_spans(bytes(new), grown) == [(16384, 16394)]
    assert changed_spans(b"", b"") == []


def test_a_store_scan_reports_each_new_pin_once(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text("started\n")
    database = tmp_path / "tracker.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE events (data TEXT)")
        db.execute("INSERT INTO events VALUES ('message id f38b135790054b81')")
    scan = StoreScan(tmp_path, PIN)
    assert scan.new_leaks() == []

    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO events VALUES ('the pin 135790')")
    leaks = scan.new_leaks()
    assert len(leaks) == 1 and str(database) in leaks[0] and "the pin 135790" in leaks[0]
    assert scan.new_leaks() == [], "a PIN already reported is not new"

    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO events VALUES ('hash browns')")
    with log.open("a") as writing:
        writing.write("text=1 3 5 7 9 0\n")
    leaks = scan.new_leaks()
    assert len(leaks) == 1 and str(log) in leaks[0]


def test_a_pin_across_a_page_boundary_is_found(tmp_path: Path) -> None:
    store = tmp_path / "store.bin"
    store.write_bytes(bytes(8192))
    scan = StoreScan(tmp_path, PIN)
    assert scan.new_leaks() == []
    data = bytearray(8192)
    data[4093:4099] = PIN.encode()  # half on page 0, half on page 1
    store.write_bytes(bytes(data))
    assert len(scan.new_leaks()) == 1
