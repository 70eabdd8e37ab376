"""A TCP relay between the browser and Rasa that a test can cut, like a lost Wi-Fi link.

Closing the browser's socket from inside the page would be a clean close the widget
asked for; cutting the wire underneath is what a real dropped connection looks like
to it (close code 1006, no goodbye), and the relay lets a test keep it down for as
long as it needs to see the widget notice.
"""

from __future__ import annotations

import contextlib
import socket
import threading

CONNECT_TIMEOUT_S = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A page served through the relay has the relay's origin, and only configured origins
# may use the websocket: the running stack (tests/conftest.py) allows this port's.
RELAY_PORT = _free_port()
CHUNK_BYTES = 64 * 1024


class SeverableLink:
    def __init__(self, host: str, port: int, listen_port: int = 0) -> None:
        """Relay to ``host:port``; ``listen_port`` 0 picks a free one.

        A page served through the relay has the relay's origin: Rasa must allow it
        (the running stack allows :data:`RELAY_PORT`).
        """
        self._target = (host, port)
        self._server = socket.create_server(("127.0.0.1", listen_port))
        self.port = int(self._server.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._up = threading.Event()
        self._up.set()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until :meth:`restore`."""
        self._up.clear()
        with self._lock:
            dropped = list(self._open)
            self._open.clear()
        for sock in dropped:
            _close(sock)

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._server.close()
        self.cut()

    def __enter__(self) -> SeverableLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # the relay was closed
            if not self._up.is_set():
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=CONNECT_TIMEOUT_S)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(CHUNK_BYTES):
                sink.sendall(data)
        except OSError:
            pass  # cut, or the other side went away
        finally:
            with self._lock:
                self._open.difference_update((source, sink))
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
