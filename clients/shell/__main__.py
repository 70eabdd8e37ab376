"""``python -m clients.shell``: chat with the running assistant from a terminal.

Parses the arguments, signs in (``clients.sign_in``: by itself, with a per-user customer
made on first run, or with ``--customer``/``--token``), then runs `ChatShell`: read a line,
turn a button number into its payload, send it over the REST channel, draw the reply. A
reply that asks for a secret makes the next read hidden. ``/pin`` sets the customer's
payment PIN with hidden prompts (never by voice, never through the assistant). Meanwhile
`NotificationListener` prints news of the customer's orders ("Your order is ready!") as it
comes, above the prompt, and the turns the customer takes on their other devices (the voice
client, the widget): a question asked there can be answered here.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import threading
from collections.abc import Sequence
from contextlib import closing

import httpx
from rich.console import Console
from rich.text import Text

from clients.location import NEAR_HELP, near_argument
from clients.settings import ClientSettings
from clients.shell.messages import BotMessage, Button, choices, secure_input_request
from clients.shell.notifications import NotificationListener, Unasked
from clients.shell.render import render_reply, secure_input_note
from clients.shell.transport import (
    DEFAULT_TIMEOUT_SECONDS,
    AssistantError,
    RestTransport,
)
from clients.shell.user_input import UserInput, open_user_input
from clients.sign_in import (
    Credentials,
    CredentialsRefused,
    GivenToken,
    SignIn,
    SignInError,
    TokenSource,
    local_credentials,
    set_pin,
)
from contracts.bot_messages import SecureInput

QUIT = "/quit"
RESTART = "/restart"
SET_PIN = "/pin"
PIN_RULE = re.compile(r"^[0-9]{4,8}$")


class ChatShell:
    """One conversation loop; remembers only the last reply's buttons and secret request."""

    def __init__(
        self,
        transport: RestTransport,
        console: Console,
        user_input: UserInput,
        merchant_url: str,
    ) -> None:
        self._transport = transport
        self._merchant_url = merchant_url
        self._console = console
        self._input = user_input
        self._choices: list[Button] = []
        self._secret: SecureInput | None = None
        # The listener's thread prints too: one reply or notification is drawn at a time.
        self._printing = threading.Lock()

    def run(self) -> int:
        """Talk until ``/quit``, Ctrl-D or Ctrl-C; returns the process exit status."""
        self._console.print(
            Text.assemble(
                f"Orderly shell, talking to {self._transport.server} as ",
                (self._transport.tokens.customer_id, "bold"),
                f". Type {QUIT} to leave, {RESTART} to start over, {SET_PIN} to set your "
                "payment PIN.",
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
        if text == SET_PIN and secret is None:
            self._set_pin()
            return True
        if text == RESTART:
            self._console.print("(starting a new conversation)", style="dim")
        elif secret is None:
            text = self._button_payload(text)
        self._send(text)
        return True

    def _set_pin(self) -> None:
        """Choose the payment PIN: hidden prompts, the password again, the PIN twice."""
        tokens = self._transport.tokens
        self._console.print(
            "Set your payment PIN (4 to 8 digits); payments over the no-PIN limits ask for "
            "it. Nothing you type here is shown.",
            style="yellow",
        )
        if isinstance(tokens, SignIn):
            password: str | None = tokens.credentials.password
        else:
            password = self._input.read_secret("Password> ")
        pin = self._input.read_secret("New PIN> ")
        again = self._input.read_secret("New PIN again> ")
        if not password or pin is None or again is None:
            self._console.print("No PIN was set.", style="red")
        elif not PIN_RULE.match(pin.strip()):
            self._console.print("A PIN is 4 to 8 digits; no PIN was set.", style="red")
        elif pin.strip() != again.strip():
            self._console.print("The two PINs differ; no PIN was set.", style="red")
        else:
            try:
                set_pin(self._merchant_url, tokens.token(), password, pin.strip())
            except SignInError as error:
                self._console.print(Text(str(error), style="red"))
            else:
                self._console.print("Your payment PIN is set.", style="green")

    def _button_payload(self, text: str) -> str:
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(self._choices):
            return self._choices[int(text) - 1].payload
        return text

    def _send(self, text: str) -> None:
        try:
            reply = self._transport.send(text)
        except AssistantError as error:
            # Keep the buttons and any pending secret request: the user will simply retry.
            self._console.print(Text(str(error), style="red"))
            return
        self._show(reply)

    def _show(self, reply: Sequence[BotMessage]) -> None:
        with self._printing:
            for renderable in render_reply(reply):
                self._console.print(renderable)
        self._choices = choices(reply)
        self._secret = secure_input_request(reply)

    def show_unasked(self, unasked: Unasked) -> None:
        """A notification is drawn like a reply, but it changes neither the buttons a number
        chooses nor a pending secret request (it asks nothing). A turn taken on another
        device is drawn with what was said there; its question is the open one now, so its
        buttons are the ones a number chooses, and no secret is expected here (a PIN is
        asked for on the device that is paying)."""
        with self._printing:
            for renderable in render_reply(unasked.news):
                self._console.print(renderable)
            for turn in unasked.turns:
                # A choice made there (its payload, "/affirm") is shown as here: by its title.
                titles = {button.payload: button.title for button in self._choices}
                said = "(your PIN)" if turn.masked else titles.get(turn.said, turn.said)
                if said:
                    self._console.print(Text(f"on your other device> {said}", style="dim"))
                if turn.pin_asked_there:
                    self._console.print(
                        Text("Your PIN is asked for on your other device, the one paying.")
                    )
                for renderable in render_reply(turn.reply):
                    self._console.print(renderable)
                self._choices = choices(turn.reply)
                self._secret = None


def server_url(value: str) -> str:
    """An argparse type: a base URL with an http(s) scheme, like ``http://127.0.0.1:5005``."""
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL ({error})") from error
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL like http://127.0.0.1:5005")
    return value


def parse_args(
    argv: Sequence[str] | None = None, settings: ClientSettings | None = None
) -> argparse.Namespace:
    """The command line; ``--help`` documents every option. Defaults come from ``settings``
    (``ORDERLY_RASA_PORT``, ``ORDERLY_MERCHANT_URL``...: clients/settings.py)."""
    settings = settings or ClientSettings.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m clients.shell",
        description="Chat with the Orderly assistant over Rasa's REST channel.",
        epilog=f"Type a button's number to choose it, {QUIT} to leave, {RESTART} to start "
        f"over, {SET_PIN} to set your payment PIN.",
    )
    parser.add_argument(
        "--server",
        type=server_url,
        default=settings.rasa_url,
        help="base URL of the running Rasa server (default: %(default)s)",
    )
    parser.add_argument(
        "--merchant",
        type=server_url,
        default=settings.merchant_url,
        help="the merchant platform that signs you in (default: %(default)s)",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--customer",
        help="sign in as this sandbox customer (asks for its password; a new id is "
        "signed up with the password you give). Default: your own customer, made on the "
        "first run and kept under var/identity/",
    )
    who.add_argument("--token", help="a customer token from elsewhere (no sign-in)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for each reply (default: %(default)s)",
    )
    parser.add_argument("--near", type=near_argument, metavar="LAT,LON", help=NEAR_HELP)
    parser.set_defaults(identity_dir=settings.identity_dir)
    args = parser.parse_args(argv)
    if args.customer is not None and not args.customer.strip():
        parser.error("--customer must not be empty")
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = parse_args(argv)
    console = Console()
    try:
        tokens = token_source(args)
        tokens.token()  # sign in now: a wrong password is better said before the first order
    except CredentialsRefused as error:
        console.print(Text(str(error), style="red"))
        return 1
    except SignInError as error:  # not reachable yet: each message tries again
        console.print(Text(str(error), style="red"))
    user_input = open_user_input(console)
    transport = RestTransport(args.server, tokens, timeout=args.timeout, location=args.near)
    with closing(transport):
        shell = ChatShell(transport, console, user_input, args.merchant)
        listener = NotificationListener(
            args.server, tokens, shell.show_unasked, device=transport.device
        ).start()
        try:
            return shell.run()
        finally:
            listener.stop()


def token_source(args: argparse.Namespace) -> TokenSource:
    if args.token:
        return GivenToken(args.token)
    if args.customer:
        password = getpass.getpass(f"Sandbox password for {args.customer}: ")
        return SignIn(args.merchant, Credentials(args.customer.strip(), password))
    return SignIn(args.merchant, local_credentials(args.merchant, args.identity_dir))


if __name__ == "__main__":
    sys.exit(main())
