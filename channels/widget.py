"""``WidgetInput``: serves the web chat widget's static files from the Rasa server itself.

Registered in ``credentials.yml`` as ``channels.widget.WidgetInput``, so a user who
runs the assistant also serves the widget and needs no separate web server:

- ``GET /webhooks/widget/orderly-widget.js`` and the other files of ``clients/widget/``
  (one ``<script type="module">`` tag embeds the widget; see ``clients/widget/README.md``);
- ``GET /webhooks/widget/demo``: the demo page.

The widget talks to the assistant over the voice channel's websocket
(``/webhooks/voice/ws``), so this channel never receives messages itself. Only the
files found in the widget folder at start-up are served: a request can never name a
path outside it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

WIDGET_DIR = Path(__file__).resolve().parent.parent / "clients" / "widget"
DEMO_PAGE = "demo.html"
# JavaScript must be served as such: browsers refuse modules and AudioWorklets otherwise.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Revalidate on every load, so a page never mixes files of two widget versions.
CACHE_CONTROL = "no-cache"


class WidgetInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        folder = Path((credentials or {}).get("folder") or WIDGET_DIR)
        if not (folder / DEMO_PAGE).is_file():
            raise RasaException(f"The widget folder {folder} has no {DEMO_PAGE}.")
        return cls(folder)

    def __init__(self, folder: Path = WIDGET_DIR) -> None:
        self.files = widget_files(folder)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_files", __name__)

        @widget.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "files": sorted(self.files)})

        @widget.route("/demo", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            return await self._serve(DEMO_PAGE)

        @widget.route("/<name:str>", methods=["GET"])
        async def static_file(request: Request, name: str) -> HTTPResponse:
            if not name:  # ``/webhooks/widget/`` with its trailing slash
                return await health(request)
            return await self._serve(name)

        return widget

    async def _serve(self, name: str) -> HTTPResponse:
        path = self.files.get(name)
        if path is None:
            known = ", ".join(sorted(self.files))
            return response.json(
                {"error": {"code": "not_found", "message": f"No widget file {name!r}; {known}."}},
                status=404,
            )
        return await response.file(
            path,
            mime_type=CONTENT_TYPES[path.suffix],
            # Cross-origin embedding needs CORS headers: Rasa adds them for the
            # origins given to ``rasa run --cors`` (``make serve`` allows any).
            headers={"Cache-Control": CACHE_CONTROL},
        )


def widget_files(folder: Path) -> Mapping[str, Path]:
    """The servable files of ``folder`` by name (no subfolders, known types only)."""
    return {
        path.name: path
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in CONTENT_TYPES
    }
