"""docs/merchant-api.md and the platform's OpenAPI describe the same operations, every one
with a typed body for its answer and for each error it declares."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from merchant.app import create_app
from merchant.settings import Settings

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "merchant-api.md"
# "`POST /orders/{id}/cancel`", "`GET /payments?order_id=1001`": an operation the doc describes.
MENTION = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)")
PARAMETER = re.compile(r"\{[^}]*\}")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("openapi"), jwt_secret="s" * 40, service_token="t" * 40
    )
    return dict(create_app(settings).openapi())


def operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def shape(path: str) -> str:
    """``/orders/{order_id}`` and ``/orders/{id}`` are the same operation."""
    return PARAMETER.sub("{}", path.rstrip("/"))


def test_the_document_describes_exactly_the_operations_the_platform_serves(
    openapi: dict[str, Any],
) -> None:
    served = {(method, shape(path)) for method, path, _ in operations(openapi)}
    documented = {(method, shape(path)) for method, path in MENTION.findall(DOCUMENT.read_text())}
    assert served - documented == set(), "served but not in docs/merchant-api.md"
    assert documented - served == set(), "in docs/merchant-api.md but not served"


def test_every_answer_and_every_declared_error_has_a_typed_body(openapi: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in operations(openapi):
        responses = operation["responses"]
        assert any(status.startswith("2") for status in responses), (method, path)
        for status, response in responses.items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            wanted = "ErrorBody" if status.startswith(("4", "5")) else None
            ref = schema.get("$ref", "")
            if not ref or (wanted and not ref.endswith(f"/{wanted}")):
                untyped.append(f"{method} {path} {status}")
    assert untyped == []


def test_customer_endpoints_declare_the_refusal_of_a_missing_credential(
    openapi: dict[str, Any],
) -> None:
    public = {"/health", "/merchants", "/identity/sign-in", "/identity/sign-up"}
    customer = [
        (method, path, operation)
        for method, path, operation in operations(openapi)
        if path not in public and not path.startswith("/merchants/")
    ]
    assert customer and all("401" in operation["responses"] for _, _, operation in customer)
