"""The FastAPI application factory and the handlers that shape every error body.

Error bodies follow docs/merchant-api.md: `{"error": {"code", "message", "field"?}}`.
Validation errors are rebuilt from scratch because FastAPI's default body echoes the
submitted input, which could contain a PIN.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from contracts.telemetry import metrics_reply
from merchant.body_limit import BodyLimit
from merchant.clock import Clock
from merchant.db import Database
from merchant.errors import ApiError
from merchant.routes import (
    accounts,
    catalogue,
    handoffs,
    identity,
    notifications,
    orders,
    payments,
    places,
    staff,
    staff_page,
    stays,
)
from merchant.runtime import Runtime
from merchant.seed import seed_packs
from merchant.settings import PLATFORM_TIMEZONE, Settings
from merchant.sign_in_throttle import SignInThrottle
from merchant.telemetry import Observed

log = logging.getLogger(__name__)

# Where FastAPI says a bad value came from; the field name is what follows.
REQUEST_PARTS = ("body", "query", "path", "header")
PIN_FIELD = "pin"
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
THROWAWAY_SECRET_BYTES = 32


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: open the database, create missing tables, write every merchant pack.

    The `Runtime` (settings, clock, database) is on `app.state.runtime`; tests move time
    with `app.state.clock.advance(...)` (the same clock).
    """
    settings = _with_signing_key(settings or Settings.from_env())
    database = Database(
        settings.resolved_database_url(),
        sqlite_busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
    )
    database.create_schema()
    seed_packs(database, settings.packs_dir)
    runtime = Runtime(
        settings=settings,
        clock=Clock(PLATFORM_TIMEZONE, settings.fixed_now),
        database=database,
        sign_in_throttle=SignInThrottle.from_settings(settings),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(title="Orderly sandbox merchant platform", version="1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.clock = runtime.clock
    routers = (
        catalogue,
        places,
        identity,
        accounts,
        orders,
        payments,
        handoffs,
        staff,
        staff_page,
        notifications,
        stays,
    )
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    # Throttles count by client: a trusted proxy (the Rasa server signing in demo
    # customers, a load balancer) names the client in X-Forwarded-For.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    app.add_middleware(Observed)  # outermost: it sees every answer, refusals included

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        status, body, content_type = metrics_reply(
            request.headers.get("authorization"), settings.metrics_token
        )
        return Response(body, status_code=status, media_type=content_type)

    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    log.info("merchant platform ready (database: %s)", database.url.get_backend_name())
    return app


def _with_signing_key(settings: Settings) -> Settings:
    """Settings with a JWT key: a throwaway one when none is configured, so a lone
    `python -m merchant` still works (its tokens then verify nowhere else)."""
    if settings.service_token is None:
        log.warning("ORDERLY_SERVICE_TOKEN is not set: only customer tokens are accepted")
    if settings.jwt_secret is not None:
        return settings
    log.warning(
        "ORDERLY_JWT_SECRET is not set: signing with a throwaway key; other services "
        "cannot verify these tokens (the launcher, python -m launch, sets one)"
    )
    return settings.replace(jwt_secret=secrets.token_urlsafe(THROWAWAY_SECRET_BYTES))


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse(error.body(), status_code=error.status_code, headers=error.headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_problem(detail) for detail in error.errors()] or [
        Problem(None, "The request is invalid.")
    ]
    first = problems[0]
    code = "invalid_pin" if first.field == PIN_FIELD else "invalid_request"
    refusal = ApiError(
        422,
        code,
        first.message,
        field=first.field,
        problems=[problem._asdict() for problem in problems],
    )
    return JSONResponse(refusal.body(), status_code=refusal.status_code)


class Problem(NamedTuple):
    field: str | None
    message: str


def _problem(detail: dict[str, Any]) -> Problem:
    """One validation problem, named by field, without the submitted value."""
    location: Sequence[Any] = detail.get("loc", ())
    names = [str(part) for part in location]
    if names and names[0] in REQUEST_PARTS:
        names = names[1:]
    kind = str(detail.get("type", ""))
    field = ".".join(names) or None
    if kind in ("json_invalid", "value_error.jsondecode"):
        return Problem(None, "The request body is not valid JSON.")
    if field is None:
        if kind == "value_error.missing":
            return Problem(None, "The request body is missing.")
        return Problem(None, "The request body must be a JSON object.")
    if field == PIN_FIELD:
        return Problem(field, "A PIN is 4 to 8 digits, sent as a string.")
    if kind == "value_error.missing":
        return Problem(field, f"Missing field {field}.")
    if kind == "value_error.extra":
        return Problem(field, f"Unknown field {field}: this request does not accept it.")
    # pydantic v1 messages describe the rule ("ensure this value has at most 128
    # characters"), never the value, so they are safe to pass on.
    return Problem(field, f"Invalid {field}: {detail.get('msg', 'not an accepted value')}.")


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = HTTP_CODES.get(error.status_code, "http_error")
    message = "There is no such resource." if error.status_code == 404 else str(error.detail)
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(
        {
            "error": {
                "code": "internal_error",
                "message": "The merchant platform failed.",
            }
        },
        status_code=500,
    )
