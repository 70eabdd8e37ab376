"""The staff screen (`/staff`): a plain HTML page with its script and style, no build step.

The page signs staff in (`POST /identity/staff/sign-in`), follows the store's live feed
and presses the transition routes, all with the staff token it keeps in this tab only.
Served with a strict content security policy: only this platform's own script and style.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
PAGE_DIR = Path(__file__).resolve().parent.parent / "staff_page"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _file(name: str, media_type: str) -> FileResponse:
    return FileResponse(PAGE_DIR / name, media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/staff")
def staff_page() -> FileResponse:
    return _file("index.html", "text/html; charset=utf-8")


@router.get("/staff/staff.js")
def staff_script() -> FileResponse:
    return _file("staff.js", "text/javascript; charset=utf-8")


@router.get("/staff/staff.css")
def staff_style() -> FileResponse:
    return _file("staff.css", "text/css; charset=utf-8")
