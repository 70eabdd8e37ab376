"""A real HTTP server on loopback that serves a lexicon the way the action server does.

Tests change what it answers (status, body, delay) to exercise LexiconSource and the
Rasa component over real sockets, not a mocked client.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How often serve_forever checks for shutdown: short, so each test's teardown is quick.
POLL_SECONDS = 0.02


@dataclass
class LexiconServer:
    """What the server answers to `GET <url>`, and how often it was asked."""

    url: str = ""
    status: int = 200
    body: bytes = b""
    delay_seconds: float = 0.0
    hits: int = 0
    # When set, sent as the ETag; a request naming it in If-None-Match is answered 304.
    etag: str = ""
    not_modified: int = 0

    def serve(self, data: Any, status: int = 200) -> None:
        """Answer with `data` (JSON-encoded unless already bytes) from now on."""
        self.body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.status = status


@contextmanager
def serve_lexicon(data: Any) -> Iterator[LexiconServer]:
    """Start a server on a free loopback port answering `data`; stop it on exit."""
    state = LexiconServer()
    state.serve(data)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            state.hits += 1
            time.sleep(state.delay_seconds)
            if state.etag and self.headers.get("If-None-Match") == state.etag:
                state.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", state.etag)
                self.end_headers()
                return
            try:
                self.send_response(state.status)
                if state.etag:
                    self.send_header("ETag", state.etag)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as timeout tests make it do

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/lexicon"
    threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
