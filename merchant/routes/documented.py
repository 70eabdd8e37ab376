"""The error responses a route declares, so its OpenAPI shows what a caller may get back."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from contracts.merchant_api import ErrorBody

# Every route that reads a body, a path or a query may answer 422 invalid_request (and a
# body over the size limit 413); every customer endpoint 401 without a valid credential.
VALIDATION = (422,)
WITH_BODY = (413, 422)
CUSTOMER = (401, 422)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status with the one error body."""
    return {
        status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
        for status in sorted(set(statuses))
    }
