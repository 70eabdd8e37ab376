"""Reading what the user types: with line editing at a terminal, plain lines from a pipe.

Secrets (the payment PIN, a password) are read apart from ordinary lines: never echoed,
never added to the line-editing history, never printed back.
"""

from __future__ import annotations

import getpass
import sys
from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout
from rich.console import Console

PROMPT = "you> "
SECRET_PROMPT = "PIN> "


class UserInput(Protocol):
    """Where the shell's input comes from; each read returns ``None`` when the user is done."""

    def read_line(self) -> str | None:
        """One ordinary line, or ``None`` at end of input (Ctrl-D)."""
        ...

    def read_secret(self, prompt: str = SECRET_PROMPT) -> str | None:
        """One hidden line, or ``None`` at end of input."""
        ...


class TerminalInput:
    """A person at a terminal: prompt_toolkit line editing with history kept in memory only."""

    def __init__(self) -> None:
        self._session: PromptSession[str] = PromptSession(history=InMemoryHistory())

    def read_line(self) -> str | None:
        try:
            # What another thread prints meanwhile (news of an order) goes above the prompt.
            # Only here: around getpass, the patched output swallows its prompt.
            with patch_stdout(raw=True):
                return self._session.prompt(PROMPT)
        except EOFError:
            return None

    def read_secret(self, prompt: str = SECRET_PROMPT) -> str | None:
        # getpass, not the session: the session would add the PIN to its history.
        try:
            return getpass.getpass(prompt)
        except EOFError:
            return None


class PipedInput:
    """Lines from a pipe or a file (scripts, tests); echoes ordinary lines into the transcript."""

    def __init__(self, stream: TextIO, console: Console) -> None:
        self._stream = stream
        self._console = console

    def read_line(self) -> str | None:
        line = self._next_line()
        if line is not None:
            self._console.print(f"{PROMPT}{line}", markup=False, highlight=False)
        return line

    def read_secret(self, prompt: str = SECRET_PROMPT) -> str | None:
        if self._stream.isatty():
            try:
                return getpass.getpass(prompt)
            except EOFError:
                return None
        line = self._next_line()
        if line is not None:
            self._console.print(f"{prompt}(hidden)", markup=False, highlight=False)
        return line

    def _next_line(self) -> str | None:
        line = self._stream.readline()
        return line.rstrip("\r\n") if line else None


def open_user_input(console: Console) -> UserInput:
    """Line editing when a person is at the terminal, plain lines otherwise."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return TerminalInput()
    return PipedInput(sys.stdin, console)
