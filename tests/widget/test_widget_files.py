"""The widget channel: the Rasa server itself serves the widget's files, and only those."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from rasa.shared.exceptions import RasaException

from channels.widget import WIDGET_DIR, WidgetInput, widget_files
from launch.stack import Stack

ENTRY = "orderly-widget.js"


def widget_url(stack: Stack, path: str = "") -> str:
    return f"{stack.config.rasa_url}/webhooks/widget{path}"


@pytest.mark.slow
def test_the_demo_page_and_every_module_it_needs_are_served(running_stack: Stack) -> None:
    demo = httpx.get(widget_url(running_stack, "/demo"))
    assert demo.status_code == 200 and demo.headers["content-type"].startswith("text/html")
    assert "data-orderly-widget" in demo.text and f'src="{ENTRY}"' in demo.text

    listing = httpx.get(widget_url(running_stack)).json()
    assert listing["status"] == "ok"
    assert {ENTRY, "pcm-capture-worklet.js", "orderly-widget.css", "demo.html"} <= set(
        listing["files"]
    )
    for name in listing["files"]:
        served = httpx.get(widget_url(running_stack, f"/{name}"))
        assert served.status_code == 200, name
        assert served.content == (WIDGET_DIR / name).read_bytes()
        if name.endswith(".js"):  # browsers refuse modules and worklets of any other type
            assert served.headers["content-type"].startswith("text/javascript"), name


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/nothing.js", "/%2E%2E%2Fcredentials.yml", "/..%2F..%2Fcredentials.yml", "/x.py"]
)
def test_anything_else_is_a_clear_404(running_stack: Stack, path: str) -> None:
    refused = httpx.get(widget_url(running_stack, path))
    assert refused.status_code == 404
    error = refused.json()["error"]
    assert error["code"] == "not_found" and ENTRY in error["message"]
    assert "rest.SecureRestInput" not in refused.text


def test_only_known_file_types_directly_in_the_folder_are_servable(tmp_path: Path) -> None:
    for name in ("demo.html", "app.js", "style.css", "notes.md", "secrets.env", "server.py"):
        (tmp_path / name).write_text("x")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "deep.js").write_text("x")
    assert sorted(widget_files(tmp_path)) == ["app.js", "demo.html", "style.css"]


def test_a_folder_without_the_widget_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(RasaException, match="has no demo.html"):
        WidgetInput.from_credentials({"folder": str(tmp_path)})
    channel = WidgetInput.from_credentials(None)
    assert isinstance(channel, WidgetInput) and ENTRY in channel.files
