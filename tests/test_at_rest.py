"""The tests' own scan for secrets at rest matches whole tokens only."""

from __future__ import annotations

from pathlib import Path

from tests.at_rest import files_containing, holds


def test_a_pin_inside_a_longer_run_of_hex_or_digits_is_not_a_pin() -> None:
    assert not holds('{"message_id": "f38b135790054b81"}', "135790")
    assert not holds("order 21357900", "135790")
    assert holds('{"pin": "135790"}', "135790")
    assert holds("my pin is 135790.", "135790")


def test_files_are_scanned_for_whole_tokens(tmp_path: Path) -> None:
    (tmp_path / "tracker.db").write_bytes(b"id=f38b135790054b81")
    (tmp_path / "log.txt").write_bytes(b"pin=135790\n")
    assert files_containing(tmp_path, "135790") == [str(tmp_path / "log.txt")]
