"""Capture a process's logs as the services write them (contracts.telemetry), then put the
test process's logging back as it was."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from contracts.telemetry import DETACHED_LOGGERS, configure_logging


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    def raw(self) -> list[str]:
        return [line for line in self._stream.getvalue().splitlines() if line]

    def records(self) -> list[dict[str, Any]]:
        """Every line, parsed: a line that is not one JSON object fails the test here."""
        return [json.loads(line) for line in self.raw()]


@contextmanager
def json_logs(service: str, level: str = "INFO") -> Iterator[JsonLines]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    detached = {
        name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate)
        for name in DETACHED_LOGGERS
    }
    stream = io.StringIO()
    with warnings.catch_warnings():
        # An earlier test may have left logging believing it captures warnings after
        # pytest put the original showwarning back; then configure_logging's capture
        # would do nothing. Start from no capture, as a new process does.
        logging.captureWarnings(False)
        configure_logging(service, level, stream)
        try:
            yield JsonLines(stream)
        finally:
            logging.captureWarnings(False)
            root.handlers[:], _ = saved
            root.setLevel(saved[1])
            for name, (handlers, propagate) in detached.items():
                logging.getLogger(name).handlers[:] = handlers
                logging.getLogger(name).propagate = propagate
            structlog.reset_defaults()
