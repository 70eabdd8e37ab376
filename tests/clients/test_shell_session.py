"""``python -m clients.shell`` as a user runs it: piped input, and at a pseudo-terminal.

The server (conftest.py) replays Rasa-shaped replies; the real Rasa stack is exercised by the
end-to-end tests in tests/e2e.
"""

from __future__ import annotations

import json
import os
import re
import select
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.tokens import mint_token

REPO_ROOT = Path(__file__).resolve().parents[2]
PIN = "482916"
LARGE = '/inform{"size": "large"}'
READBACK = {
    "order_id": "1001",
    "lines": [
        {
            "sku": "latte",
            "name": "Latte",
            "quantity": 1,
            "options": [{"group": "Size", "choice": "Large", "price": 300, "default": False}],
            "unit_price": 2650,
            "line_total": 2650,
        }
    ],
    "total": 2650,
    "currency": "CNY",
    "store": {"id": "gc-peoples-square", "name": "People's Square"},
    "pickup": "as soon as possible",
}


def run_shell(
    server: str, typed: str, *args: str, data_dir: str | None = None, merchant: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The shell as `make shell` runs it; the canned server also signs it in."""
    merchant = merchant or server
    return subprocess.run(
        [sys.executable, "-m", "clients.shell", "--server", server, "--merchant", merchant, *args],
        input=typed,
        capture_output=True,
        check=False,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "COLUMNS": "100", "ORDERLY_DATA_DIR": data_dir or tempfile.mkdtemp()},
        timeout=60,
    )


def breakfast_conversation(canned_rasa: Any) -> None:
    """Ask for a latte, pick a size by number, confirm, and pay with a PIN."""

    def answer(body: dict[str, Any]) -> tuple[int, bytes]:
        message = body["message"]
        if message == "a latte please":
            return canned_rasa.reply(
                {"text": "Which size?"},
                {
                    "text": "Choose one:",
                    "buttons": [
                        {"title": "Medium", "payload": '/inform{"size": "medium"}'},
                        {"title": "Large", "payload": LARGE},
                    ],
                },
            )
        if message == LARGE:
            return canned_rasa.reply(
                {"text": "One large latte, ¥26.50. Please type your payment PIN."},
                {"custom": {"readback": READBACK}},
                {"custom": {"secure_input": {"purpose": "payment_pin", "digits": 6}}},
            )
        if message == PIN:
            order = {"id": "1001", "status": "paid", "total": 2650, "lines": READBACK["lines"]}
            order |= {"store_name": "People's Square", "pickup_time": "2026-11-24T08:30:00+08:00"}
            return canned_rasa.reply({"text": "Paid, thank you!"}, {"custom": {"order": order}})
        return canned_rasa.reply({"text": f"(echo) {message}"})

    canned_rasa.answer = answer


def test_a_breakfast_order_from_menu_choice_to_hidden_pin(canned_rasa) -> None:
    breakfast_conversation(canned_rasa)
    result = run_shell(canned_rasa.url, f"a latte please\n2\n{PIN}\n/quit\n")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Orderly shell, talking to" in out and "as shell-" in out
    assert "Orderly: Which size?" in out
    assert "1) Medium  2) Large" in out
    assert "Please confirm order 1001" in out
    assert "Enter your 6-digit payment PIN (typing is hidden)" in out
    assert "Orderly: Paid, thank you!" in out
    assert "Order 1001" in out and re.search(r"Status\s+paid", out)
    assert out.rstrip().endswith("Bye.")
    # The choice "2" went out as the Large button's payload; the PIN went out as a message.
    assert canned_rasa.received == [
        {"message": "a latte please"},
        {"message": LARGE},
        {"message": PIN},
    ]
    # ...but the PIN was never shown; the canned replies do not contain it either.
    assert PIN not in json.dumps(READBACK)
    assert PIN not in out and PIN not in result.stderr


def test_commands_numbers_and_intent_shortcuts(canned_rasa) -> None:
    breakfast_conversation(canned_rasa)
    typed = "hello\n3\n/greet\n\n/restart\n/quit\nnever sent\n"
    result = run_shell(canned_rasa.url, typed)

    assert result.returncode == 0, result.stderr
    # No buttons were offered, so "3" is just text; the blank line is not sent;
    # "/greet" goes to Rasa as-is; /restart starts over; /quit ends the session.
    assert [body["message"] for body in canned_rasa.received] == [
        "hello",
        "3",
        "/greet",
        "/restart",
    ]
    assert "(starting a new conversation)" in result.stdout
    assert "Orderly: (echo) /greet" in result.stdout


def test_end_of_input_ends_the_session_cleanly(canned_rasa) -> None:
    result = run_shell(canned_rasa.url, "hello\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("Bye.")
    assert canned_rasa.senders[0].startswith("shell-")


def test_the_shell_signs_in_by_itself_as_its_own_unguessable_customer(
    canned_rasa, tmp_path
) -> None:
    first = run_shell(canned_rasa.url, "hello\n", data_dir=str(tmp_path))
    second = run_shell(canned_rasa.url, "hello again\n", data_dir=str(tmp_path))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    [saved] = (tmp_path / "identity").iterdir()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    credentials = json.loads(saved.read_text())
    customer = credentials["customer_id"]
    assert re.fullmatch(r"shell-[A-Za-z0-9_.-]+-[0-9a-f]{8}", customer)
    # The first run signed up, the second signed in, as the same customer and password.
    assert [(s["customer_id"], s["sign_up"]) for s in canned_rasa.sign_ins] == [
        (customer, False),
        (customer, True),
        (customer, False),
    ]
    assert canned_rasa.senders == [customer, customer]
    assert credentials["password"] not in first.stdout + second.stdout
    assert customer in first.stdout  # "talking to ... as <customer>"
    # Another user (another data folder) is another customer.
    run_shell(canned_rasa.url, "hi\n", data_dir=str(tmp_path / "other"))
    assert canned_rasa.sign_ins[-1]["customer_id"] != customer


def test_pin_sets_the_payment_pin_with_hidden_prompts(canned_rasa, tmp_path) -> None:
    typed = f"/pin\n{PIN}\n{PIN}\n/pin\n{PIN}\n1234\n/pin\n12\n12\n/quit\n"
    result = run_shell(canned_rasa.url, typed, data_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    [saved] = (tmp_path / "identity").iterdir()
    customer = json.loads(saved.read_text())["customer_id"]
    assert canned_rasa.pins == [(customer, PIN)]  # only the first: then a mismatch, too short
    out = " ".join(result.stdout.split())
    assert "Your payment PIN is set." in out
    assert "The two PINs differ" in out and "A PIN is 4 to 8 digits" in out
    assert PIN not in result.stdout and canned_rasa.received == []  # never to the assistant


def test_pin_with_a_given_token_asks_for_the_password(canned_rasa) -> None:
    canned_rasa.passwords["alice"] = "alices-password"
    given = mint_token("alice")
    canned_rasa.valid_tokens[given] = "alice"
    typed = f"/pin\nwrong-password\n{PIN}\n{PIN}\n/pin\nalices-password\n{PIN}\n{PIN}\n"
    result = run_shell(canned_rasa.url, typed, "--token", given)
    out = " ".join(result.stdout.split())
    assert "That password is not right" in out and "Your payment PIN is set." in out
    assert canned_rasa.pins == [("alice", PIN)]
    assert "alices-password" not in result.stdout and PIN not in result.stdout


def test_an_expired_token_is_renewed_and_the_message_still_goes(canned_rasa, tmp_path) -> None:
    said = []

    def answer(body: dict[str, Any]) -> tuple[int, bytes]:
        said.append(body["message"])
        if body["message"] == "first":
            canned_rasa.expire_tokens()  # the token runs out between two messages
        return canned_rasa.reply({"text": f"(echo) {body['message']}"})

    canned_rasa.answer = answer
    result = run_shell(canned_rasa.url, "first\nsecond\n/quit\n", data_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert said == ["first", "second"]
    # Signed up on the first run, then signed in again for the fresh token (the news
    # listener may renew it too, depending on when it next polls): never a second sign-up.
    sign_ups = [s["sign_up"] for s in canned_rasa.sign_ins]
    assert sign_ups[:3] == [False, True, False] and sign_ups.count(True) == 1, sign_ups
    assert "(echo) second" in result.stdout


def test_a_wrong_password_is_reported_before_the_first_message(canned_rasa, tmp_path) -> None:
    canned_rasa.passwords["alice"] = "alices-password"
    result = subprocess.run(
        [sys.executable, "-m", "clients.shell", "--server", canned_rasa.url,
         "--merchant", canned_rasa.url, "--customer", "alice"],
        input="guess\n", capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
        env={**os.environ, "ORDERLY_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1
    assert "refused the password for alice" in " ".join(result.stdout.split())
    assert canned_rasa.received == []


def test_a_server_that_is_down_is_reported_and_the_shell_goes_on(
    canned_rasa, closed_port_url
) -> None:
    typed = "hello\nstill there?\n/quit\n"
    result = run_shell(closed_port_url, typed, merchant=canned_rasa.url)
    assert result.returncode == 0
    expected = f"The assistant is not reachable at {closed_port_url}; is `make serve` running?"
    assert result.stdout.count(expected) == 2
    assert "Traceback" not in result.stdout + result.stderr
    # With the sign-in service down too, the shell says so and still goes on.
    both_down = run_shell(closed_port_url, typed)
    assert both_down.returncode == 0
    assert both_down.stdout.count("The sign-in service is not reachable") == 3
    assert "Traceback" not in both_down.stdout + both_down.stderr


def test_a_broken_reply_is_reported_and_the_shell_goes_on(canned_rasa) -> None:
    canned_rasa.answer = lambda _body: (502, b"Bad Gateway")
    result = run_shell(canned_rasa.url, "hello\n/quit\n")
    assert result.returncode == 0
    assert "failed (HTTP 502)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_help_documents_how_the_shell_signs_in() -> None:
    result = run_shell("http://127.0.0.1:5005", "", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())  # argparse wraps to the terminal width
    assert "--customer CUSTOMER sign in as this sandbox customer" in help_text
    assert "--token TOKEN" in help_text
    assert "--sender" not in help_text


def test_a_server_that_is_not_a_url_is_refused_before_starting() -> None:
    result = run_shell("localhost:5005", "")
    assert result.returncode == 2
    assert "is not a URL like http://127.0.0.1:5005" in result.stderr


UP_ARROW = "\x1b[A"
ESCAPE_SEQUENCE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")  # colours, cursor moves
PROMPT = "you>"  # prompt_toolkit draws the trailing space as a cursor move
WAIT_SECONDS = 30.0


class Terminal:
    """The shell's side of a pty: everything it wrote so far, and a way to type."""

    def __init__(self, server: str) -> None:
        import pty  # POSIX only; imported here so the module still loads elsewhere

        # No cursor-position requests: nothing on this pty would answer them.
        env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "100", "TERM": "xterm"}
        env["ORDERLY_DATA_DIR"] = tempfile.mkdtemp()
        argv = [sys.executable, "-m", "clients.shell", "--server", server, "--merchant", server]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child becomes the shell, or dies: it must never run pytest on
            try:
                os.chdir(REPO_ROOT)
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)
        self.screen = b""
        self.cursor = 0  # in visible(): where the next wait_for starts looking

    def wait_for(self, text: str) -> None:
        """Read output until ``text`` appears after the previous text waited for."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (found := self.visible().find(text.encode(), self.cursor)) < 0:
            seen = self.visible()[self.cursor :]
            assert time.monotonic() < deadline, f"no {text!r} in {seen!r}"
            if select.select([self.fd], [], [], 0.1)[0]:
                self.screen += os.read(self.fd, 65536)
        self.cursor = found + len(text)

    def visible(self) -> bytes:
        return ESCAPE_SEQUENCE.sub(b"", self.screen)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_status(self) -> int:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:  # the shell closed the terminal
                    pass
        os.kill(self.pid, 9)
        raise AssertionError("the shell did not exit")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals need a POSIX system")
def test_at_a_terminal_the_pin_is_not_echoed_nor_recalled_from_history(canned_rasa) -> None:
    breakfast_conversation(canned_rasa)
    terminal = Terminal(canned_rasa.url)
    try:
        terminal.wait_for(PROMPT)
        terminal.type("a latte please\r")
        terminal.wait_for("1) Medium  2) Large")
        terminal.wait_for(PROMPT)
        terminal.type("2\r")
        terminal.wait_for("(typing is hidden)")
        terminal.wait_for("PIN> ")
        terminal.type(PIN + "\r")
        terminal.wait_for("Paid, thank you!")
        terminal.wait_for(PROMPT)
        # Recalling the previous entry must give the last ordinary line, never the PIN.
        terminal.type(UP_ARROW + "\r")
        terminal.wait_for(PROMPT)
        terminal.type("/quit\r")
        assert terminal.exit_status() == 0
    finally:
        os.close(terminal.fd)

    messages = [body["message"] for body in canned_rasa.received]
    assert messages == ["a latte please", LARGE, PIN, "2"]
    assert PIN.encode() not in terminal.screen


READY_NEWS = [
    {"recipient_id": "someone", "text": "Your order is ready! Order 1001 (a Latte, ¥26.50) is "
     "ready to collect; pickup at People's Square at 08:30. Your pickup code is 427."},
    {"recipient_id": "someone", "custom": {"notification": True, "order": {
        "id": "1001", "status": "ready", "total": 2650, "lines": READBACK["lines"],
        "store_name": "People's Square", "pickup_time": "2026-11-24T08:30:00+08:00",
        "pickup_code": "427"}}},
]  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals need a POSIX system")
def test_news_of_the_order_is_printed_while_the_shell_waits_and_keeps_the_buttons(
    canned_rasa,
) -> None:
    breakfast_conversation(canned_rasa)
    terminal = Terminal(canned_rasa.url)
    try:
        terminal.wait_for(PROMPT)
        terminal.type("a latte please\r")
        terminal.wait_for("1) Medium  2) Large")
        terminal.wait_for(PROMPT)
        canned_rasa.news.append(READY_NEWS)  # the store pressed "ready" meanwhile
        terminal.wait_for("Your order is ready!")
        terminal.wait_for("Your pickup code is 427.")
        terminal.type("2\r")  # still the reply's second button, not anything in the news
        terminal.wait_for("Please type your payment PIN.")
        assert canned_rasa.received[-1]["message"] == LARGE
        terminal.wait_for("PIN> ")  # getpass flushes what was typed before it asked
        terminal.type("\x04")
        terminal.exit_status()
    finally:
        os.close(terminal.fd)


def test_a_turn_taken_on_another_device_is_printed_and_its_buttons_answer_it_here(
    canned_rasa,
) -> None:
    """The voice client read the order back; the shell shows it and pays it with "1"."""
    canned_rasa.answer = lambda _body: canned_rasa.reply({"text": "Paid ¥26.50."})
    readback = [
        {"text": "Shall I pay ¥26.50 for order 1001? Please say yes or no."},
        {
            "buttons": [
                {"title": "Yes, pay", "payload": "/affirm"},
                {"title": "No, change it", "payload": "/deny"},
            ],
            "custom": {"readback": READBACK, "expect": "pay"},
        },
    ]
    terminal = Terminal(canned_rasa.url)
    try:
        terminal.wait_for(PROMPT)
        turn = {"device": "the-speaker-01", "channel": "voice", "said": "that's all"}
        canned_rasa.news.append({"turns": [{**turn, "messages": readback}]})
        terminal.wait_for("on your other device> that's all")
        terminal.wait_for("1) Yes, pay  2) No, change it")
        terminal.type("1\r")
        terminal.wait_for("Paid ¥26.50.")
        assert canned_rasa.received[-1]["message"] == "/affirm"
        terminal.wait_for(PROMPT)
        terminal.type("\x04")
        terminal.exit_status()
    finally:
        os.close(terminal.fd)
