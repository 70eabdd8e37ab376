"""The one error type business rules raise; the app turns it into the documented error body.

Every refusal carries a stable machine `code` (the assistant branches on it) and a
`message` a person can read aloud. Messages never include a submitted PIN.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A refusal with an HTTP status, a code from docs/merchant-api.md and a readable message.

    `headers` go on the response (`WWW-Authenticate`, `Retry-After`), not in the body.
    """

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body: `{"error": {"code", "message", "field"?, ...extra}}`."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        error.update(self.extra)
        return {"error": error}


def not_found(code: str, message: str, *, field: str | None = None) -> ApiError:
    return ApiError(404, code, message, field=field)


def conflict(code: str, message: str, **extra: Any) -> ApiError:
    return ApiError(409, code, message, **extra)


def invalid(code: str, message: str, *, field: str | None = None) -> ApiError:
    return ApiError(422, code, message, field=field)


def unauthorized(message: str, reason: str) -> ApiError:
    """401: no credential, or one that does not verify. `reason` says which, for clients."""
    return ApiError(
        401,
        "unauthorized",
        message,
        headers={"WWW-Authenticate": 'Bearer realm="orderly"'},
        reason=reason,
    )


def forbidden(message: str) -> ApiError:
    """403: a verified caller asked to act for another customer."""
    return ApiError(403, "forbidden", message)
