"""Fixtures for the ecosystem tests: the widget tests' Chromium (Playwright on Debian's
browser) and the stock clients the ecosystem uses, against the running assistant."""

from __future__ import annotations

from tests.widget.conftest import browser, launch_browser, playwright, speech_file

__all__ = ["browser", "launch_browser", "playwright", "speech_file"]
