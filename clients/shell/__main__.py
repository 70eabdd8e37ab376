"""``python -m clients.shell``: chat with the running assistant from a terminal.

Parses the arguments, then runs `ChatShell`: read a line, turn a button number into its
payload, send it over the REST channel, draw the reply. A reply that asks for a secret makes
the next read hidden.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from collections.abc import Sequence
from contextlib import closing

import httpx
from rich.console import Console
from rich.text import Text

from clients.shell.messages import BotMessage, Button, SecureInput, choices, secure_input_request
from clients.shell.render import render_reply, secure_input_note
from clients.shell.transport import (
    DEFAULT_SERVER,
    DEFAULT_TIMEOUT_SECONDS,
    AssistantError,
    RestTransport,
)
from clients.shell.user_input import UserInput, open_user_input

QUIT = "/quit"
RESTART = "/restart"


class ChatShell:
    """One conversation loop; remembers only the last reply's buttons and secret request."""

    def __init__(
        self, transport: RestTransport, sender: str, console: Console, user_input: UserInput
    ) -> None:
        self._transport = transport
        self._sender = sender
        self._console = console
        self._input = user_input
        self._choices: list[Button] = []
        self._secret: SecureInput | None = None

    def run(self) -> int:
        """Talk until ``/quit``, Ctrl-D or Ctrl-C; returns the process exit status."""
        self._console.print(
            Text.assemble(
                f"Orderly shell, talking to {self._transport.server} as ",
                (self._sender, "bold"),
                f". Type {QUIT} to leave, {RESTART} to start over.",
            )
        )
        try:
            while self._turn():
                pass
        except KeyboardInterrupt:
            self._console.print()
        self._console.print("Bye.")
        return 0

    def _turn(self) -> bool:
        """Read and send one input; ``False`` when the user is done."""
        secret = self._secret
        if secret is not None:
            self._console.print(secure_input_note(secret), style="yellow", markup=False)
            text = self._input.read_secret()
        else:
            text = self._input.read_line()
        if text is None:
            return False
        text = text.strip()
        if not text:
            return True
        if text == QUIT:
            return False
        if text == RESTART:
            self._console.print("(starting a new conversation)", style="dim")
        elif secret is None:
            text = self._button_payload(text)
        self._send(text)
        return True

    def _button_payload(self, text: str) -> str:
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(self._choices):
            return self._choices[int(text) - 1].payload
        return text

    def _send(self, text: str) -> None:
        try:
            reply = self._transport.send(self._sender, text)
        except AssistantError as error:
            # Keep the buttons and any pending secret request: the user will simply retry.
            self._console.print(Text(str(error), style="red"))
            return
        self._show(reply)

    def _show(self, reply: Sequence[BotMessage]) -> None:
        for renderable in render_reply(reply):
            self._console.print(renderable)
        self._choices = choices(reply)
        self._secret = secure_input_request(reply)


def default_sender() -> str:
    """``shell-<username>``: stable across restarts, so the assistant finds earlier orders."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        user = "user"
    return "shell-" + (re.sub(r"[^A-Za-z0-9_.-]", "-", user) or "user")


def server_url(value: str) -> str:
    """An argparse type: a base URL with an http(s) scheme, like ``http://127.0.0.1:5005``."""
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL ({error})") from error
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL like {DEFAULT_SERVER}")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line; ``--help`` documents every option."""
    parser = argparse.ArgumentParser(
        prog="python -m clients.shell",
        description="Chat with the Orderly assistant over Rasa's REST channel.",
        epilog=f"Type a button's number to choose it, {QUIT} to leave, {RESTART} to start over.",
    )
    parser.add_argument(
        "--server",
        type=server_url,
        default=DEFAULT_SERVER,
        help="base URL of the running Rasa server (default: %(default)s)",
    )
    parser.add_argument(
        "--sender",
        default=default_sender(),
        help="conversation id sent to the assistant; keep it the same to see your earlier "
        "orders after a restart (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for each reply (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if not args.sender.strip():
        parser.error("--sender must not be empty")
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    console = Console()
    with closing(RestTransport(args.server, timeout=args.timeout)) as transport:
        return ChatShell(transport, args.sender, console, open_user_input(console)).run()


if __name__ == "__main__":
    sys.exit(main())
