"""The Taskmaster-4 benchmark's reading and scoring, on dialogs written here in the
corpus's shape (no corpus text), offline and against a loopback assistant."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from benchmarks import taskmaster
from benchmarks.taskmaster import score
from benchmarks.taskmaster_carts import lexicon_menu
from benchmarks.taskmaster_corpus import Line, Menu, Turn, load_turns
from contracts.lexicon import Lexicon

COPPER_KETTLE = Path(__file__).parent / "copper_kettle_lexicon.json"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    with open(COPPER_KETTLE, encoding="utf-8") as handle:
        return Lexicon.from_json(json.load(handle))


@pytest.fixture(scope="module")
def menu(lexicon: Lexicon) -> Menu:
    return lexicon_menu(lexicon)


def call(context: str, name: str, request: dict[str, Any], response: dict[str, Any]) -> list[Any]:
    return [
        {"name": "api_call", "value": name, "context": context},
        {"name": "request", "value": json.dumps(request), "context": context},
        {"name": "api_response", "value": name, "context": context.replace("call", "response")},
        {
            "name": "response",
            "value": json.dumps(response),
            "context": context.replace("call", "response"),
        },
    ]


def dialog(number: int, text: str, adds: list[tuple[str, str, str | None, list[Any]]]) -> Any:
    """A dialog whose first customer turn adds `adds`: (item id, menu name, qty, attrs)."""
    annotations: list[Any] = []
    for index, (item_id, name, quantity, attributes) in enumerate(adds):
        found = {"menu_items": [{"menu_item_id": item_id, "name": name}]} if name else {}
        annotations += call(f"api_call_{2 * index}", "get_menu_items", {"query": name}, found)
        request: dict[str, Any] = {"menu_item_id": item_id, "quantity": quantity}
        if attributes:
            request["attributes"] = attributes
        annotations += call(f"api_call_{2 * index + 1}", "add_order_item", request, {})
    return {
        "conversation_id": f"dlg-{number}",
        "utterances": [
            {"speaker": "user", "text": "hello", "annotations": []},
            {"speaker": "assistant", "text": "Hi, what can I get you?", "annotations": None},
            {"speaker": "user", "text": text, "annotations": annotations},
            {"speaker": "user", "text": "and a mocha", "annotations": annotations},
        ],
    }


def milk(option: str) -> dict[str, str]:
    return {"attribute_id": "milk-options", "option": option}


DIALOGS = [
    dialog(1, "A flat latte with oat milk", [("latte-11", "Latte ", "1", [milk("Oat  Milk")])]),
    dialog(
        2,
        "two cortados, decaf",
        [("cortado-12", "cortado", "2", [{"attribute_id": "caffine", "option": "Decafe"}])],
    ),
    dialog(3, "a chamomile tea", [("chamomile-13", "Chamomile", "1", [])]),
    dialog(
        4, "an iced mocha", [("mocha-14", "", "1", [{"attribute_id": "hot", "option": "Iced"}])]
    ),
    dialog(
        5, "a cappuccino with whole milk", [("cap-15", "Cappucino", None, [milk("Whole Milk")])]
    ),
    dialog(6, "a latte", [("latte-16", "Latte", "1", [milk("Almnd Milk")])]),
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with gzip.open(tmp_path / "data_00.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(DIALOGS, handle)
    return tmp_path


def test_first_ordering_turns_are_read_with_their_annotations(data_dir: Path, menu: Menu) -> None:
    turns = {t.dialog_id: t for t in load_turns(data_dir, menu)}
    assert turns["dlg-1"].text == "A flat latte with oat milk"
    assert turns["dlg-1"].expected == [Line("Latte", 1, (("milk-options", "oat"),))]
    assert turns["dlg-2"].expected == [Line("Cortado", 2, (("caffeine", "decaf"),))]
    assert turns["dlg-3"].off_menu == ["Chamomile"]
    assert turns["dlg-4"].expected == [Line("Mocha", 1, (("hot-or-iced", "iced"),))]
    assert turns["dlg-5"].expected == [Line("Cappuccino", 1, (("milk-options", "whole"),))]


def test_defaults_count_as_unsaid(menu: Menu) -> None:
    turn = Turn("d", "a cappuccino", [Line("Cappuccino", 1, (("milk-options", "whole"),))])
    assert score(turn, [Line("Cappuccino", 1)], menu) == (True, True)
    assert score(turn, [Line("Cappuccino", 1, (("milk-options", "oat"),))], menu) == (True, False)
    assert score(turn, [Line("Cappuccino", 2)], menu) == (False, False)


def test_lines_are_compared_per_cup(menu: Menu) -> None:
    wanted = [Line("Latte", 1, (("caffeine", "decaf"),)), Line("Latte", 1)]
    turn = Turn("d", "one decaf latte and one regular", wanted)
    split_differently = [Line("Latte", 1), Line("Latte", 1, (("caffeine", "decaf"),))]
    assert score(turn, split_differently, menu) == (True, True)
    assert score(turn, [Line("Latte", 2)], menu) == (True, False)


def test_offline_run_prints_the_rates_and_the_misses(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taskmaster.main(["--offline", "--data", str(data_dir), "--lexicon", str(COPPER_KETTLE)])
    out = capsys.readouterr().out
    assert "first ordering turns: 6" in out
    assert "left out, items not on the menu: 1 {'chamomile': 1}" in out
    # dlg-6's annotation names a milk nobody said: items right, options wrong.
    assert "items and quantities right: 5/5 = 100.0%" in out
    assert "options right (of those):   4/5 = 80.0%" in out
    assert "- [options] 'a latte'" in out


@contextmanager
def fake_assistant(with_identity: bool, broken: bool = False) -> Iterator[dict[str, Any]]:
    """Loopback merchant + REST channel: the menu, optional sign-in, a cart per message."""
    seen: dict[str, Any] = {"tokens": [], "senders": []}
    menu_items = json.loads(COPPER_KETTLE.read_text())["items"]
    for item in menu_items:  # the merchant API's shape: groups have `id`, not `group`
        for group in item["options"]:
            group["id"] = group.pop("group")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self._answer(200, {"merchant_id": "copper-kettle", "items": menu_items})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path in ("/identity/sign-in", "/identity/sign-up"):
                if not with_identity:
                    self._answer(404, {"detail": "Not Found"})
                    return
                self._answer(200, {"token": f"t-{body['customer_id']}", "expires_in": 60})
                return
            seen["tokens"].append(self.headers.get("Authorization"))
            seen["senders"].append(body["sender"])
            if broken:
                self._answer(500, {"error": "the assistant fell over"})
                return
            line = {"name": "Latte", "quantity": 1, "options": [{"group": "Milk", "choice": "Oat"}]}
            self._answer(200, [{"text": "Added."}, {"custom": {"cart": {"lines": [line]}}}])

        def _answer(self, status: int, data: Any) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("with_identity", [True, False])
def test_online_it_signs_in_when_it_can_and_reads_the_cart(
    data_dir: Path, capsys: pytest.CaptureFixture[str], with_identity: bool
) -> None:
    with fake_assistant(with_identity) as seen:
        url = seen["url"]
        taskmaster.main(["--data", str(data_dir), "--rasa-url", url, "--merchant-url", url])
    out = capsys.readouterr().out
    assert len(set(seen["senders"])) == 5, "one fresh conversation per turn"
    if with_identity:
        assert seen["tokens"] == [f"Bearer t-{sender}" for sender in seen["senders"]]
    else:
        assert seen["tokens"] == [None] * 5
    # The fake always answers one oat-milk Latte: right only for dlg-1.
    assert "items and quantities right: 2/5 = 40.0%" in out
    assert "options right (of those):   1/2 = 50.0%" in out


def test_a_failing_assistant_costs_misses_not_the_run(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_assistant(with_identity=False, broken=True) as seen:
        url = seen["url"]
        taskmaster.main(["--data", str(data_dir), "--rasa-url", url, "--merchant-url", url])
    out = capsys.readouterr().out
    assert "items and quantities right: 0/5 = 0.0%" in out
    assert "turns that failed (counted as misses): 5" in out


def test_offline_defaults_to_the_sandbox_catalogue(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taskmaster.main(["--offline", "--data", str(data_dir)])
    out = capsys.readouterr().out
    assert "first ordering turns: 6" in out
    assert "items and quantities right: 5/5 = 100.0%" in out
