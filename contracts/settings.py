"""One way to configure every Orderly service: pydantic ``BaseSettings`` read from ``ORDERLY_*``.

Each service declares its own settings class next to its code (``merchant/settings.py``,
``actions/settings.py``, ``channels/voice/settings.py``). This module holds only what they
share, so that no service imports another's internals:

- **Names.** Field ``pin_max_attempts`` is read from ``ORDERLY_PIN_MAX_ATTEMPTS``. A class may
  change the prefix (``env_prefix = "ORDERLY_VOICE_"``), name another variable with
  ``Field(env="DATABASE_URL")``, or keep a field out of the environment with ``Field(env=())``.
  Names are case-insensitive; a blank value counts as unset. A list is written
  ``a, b, c`` (commas or spaces) or as JSON; other structured values as JSON.
- **One reading of the environment**, ``from_env``. Building settings in code
  (``Settings(port=9099)``, tests, the voice channel's ``credentials.yml`` section) never
  reads the process environment, so tests are hermetic and the precedence is written down:
  values given to ``from_env`` < the environment.
- **One error.** Any bad value raises ``SettingsError`` naming the variable and the field
  (``ORDERLY_MERCHANT_PORT must be a whole number, got 'eighty' (port)``). A secret's value
  is never echoed.
- **Secrets** are declared ``Field(..., repr=False)``: ``repr``, ``str`` and log lines of a
  settings object leave them out.

- **The environment is read here and in the other settings modules only**
  (``tests/settings/test_environment_reads.py`` greps for it). A launcher hands its own
  environment to a child process with :func:`child_environment`.

``docs/configuration.md`` lists every variable; ``tests/settings/test_configuration_doc.py``
keeps it in step with the classes (``python -m tests.settings.test_configuration_doc``
rewrites its tables).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseSettings, ValidationError, validator
from pydantic.fields import (
    SHAPE_FROZENSET,
    SHAPE_LIST,
    SHAPE_SEQUENCE,
    SHAPE_SET,
    SHAPE_TUPLE_ELLIPSIS,
    ModelField,
)

S = TypeVar("S", bound="OrderlySettings")
LOCAL_HOST = "127.0.0.1"

_SEQUENCE_SHAPES = (SHAPE_LIST, SHAPE_SET, SHAPE_FROZENSET, SHAPE_SEQUENCE, SHAPE_TUPLE_ELLIPSIS)


class SettingsError(ValueError):
    """A setting holds a value the service cannot use; the message names it."""


class OrderlySettings(BaseSettings):
    """Base of every service's settings: ``ORDERLY_`` prefix, frozen, unknown names refused."""

    class Config:
        env_prefix = "ORDERLY_"
        case_sensitive = False
        frozen = True
        extra = "forbid"

        @classmethod
        def customise_sources(
            cls, init_settings: Any, env_settings: Any, file_secret_settings: Any
        ) -> tuple[Any, ...]:
            # The environment is read by `from_env` alone (see the module docstring).
            return (init_settings,)

    def __init__(
        __pydantic_self__, _variables: Mapping[str, str] | None = None, **values: Any
    ) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            explained = _explain(type(__pydantic_self__), error, values, _variables or {})
            raise SettingsError(explained) from None

    @classmethod
    def from_env(cls: type[S], environ: Mapping[str, str] | None = None, **values: Any) -> S:
        """Settings from ``values`` (e.g. a ``credentials.yml`` section), each overridden by its
        environment variable when that is set and not blank; defaults fill the rest.

        ``environ`` defaults to the process environment; tests pass a dict.
        """
        found = _read_environment(cls, os.environ if environ is None else environ)
        variables = {name: variable for name, (variable, _) in found.items()}
        return cls(_variables=variables, **{**values, **{n: v for n, (_, v) in found.items()}})

    def replace(self: S, **changes: Any) -> S:
        """A copy with ``changes``, validated like the original (unlike ``copy(update=...)``)."""
        return type(self)(**{**self.dict(), **changes})

    @classmethod
    def variables(cls, name: str) -> list[str]:
        """The environment variables of field ``name``, first match wins (none: code only)."""
        return [n.upper() for n in cls.__fields__[name].field_info.extra["env_names"]]

    @classmethod
    def markdown_table(cls) -> str:
        """Every setting of the class as a Markdown table, for ``docs/configuration.md``."""
        rows = ["| variable | default | meaning |", "|---|---|---|"]
        for name, field in cls.__fields__.items():
            variables = " or ".join(f"`{v}`" for v in cls.variables(name))
            label = variables or f"`{name}` (not from the environment)"
            meaning = field.field_info.description or ""
            rows.append(f"| {label} | {_shown_default(field)} | {meaning} |")
        return "\n".join(rows) + "\n"


def local_url(port: int, path: str = "", scheme: str = "http") -> str:
    """Where a service on this machine answers: the default of every ``*_url`` setting that
    follows a port setting (``ORDERLY_MERCHANT_PORT`` -> ``http://127.0.0.1:8088``)."""
    return f"{scheme}://{LOCAL_HOST}:{port}{path}"


def url_of_port(url_field: str, port_field: str, path: str = "") -> Any:
    """A validator: ``url_field`` left blank means this machine's ``port_field`` (declared
    before it), so moving a service with its port setting moves every caller's URL too."""

    def follow_the_port(cls: type, value: str, values: dict[str, Any]) -> str:
        port = values.get(port_field)
        if not value and isinstance(port, int):
            return local_url(port, path)
        return value.rstrip("/")

    return validator(url_field, always=True, allow_reuse=True)(follow_the_port)


def child_environment(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with ``overrides``, for a child process a launcher starts."""
    return {**os.environ, **(overrides or {})}


def _is_secret(field: ModelField) -> bool:
    return field.field_info.repr is False


def _read_environment(
    cls: type[OrderlySettings], environ: Mapping[str, str]
) -> dict[str, tuple[str, Any]]:
    """Field name -> (variable, value) for every field whose variable is set and not blank."""
    case_sensitive = cls.__config__.case_sensitive
    by_name = {(k if case_sensitive else k.lower()): (k, v) for k, v in environ.items()}
    found: dict[str, tuple[str, Any]] = {}
    for name, field in cls.__fields__.items():
        for env_name in field.field_info.extra["env_names"]:
            variable, raw = by_name.get(env_name, (env_name, ""))
            value: Any = raw.strip()
            if not value:
                continue
            if field.is_complex():
                value = _structured(field, variable, value)
            found[name] = (variable, value)
            break
    return found


def _structured(field: ModelField, variable: str, value: str) -> Any:
    """A list from `a, b, c` or JSON; anything else structured from JSON."""
    if field.shape in _SEQUENCE_SHAPES and not value.startswith("["):
        return value.replace(",", " ").split()
    try:
        return json.loads(value)
    except ValueError:
        raise SettingsError(f"{variable} must be JSON ({field.name}).") from None


def _explain(
    cls: type[OrderlySettings],
    error: ValidationError,
    values: Mapping[str, Any],
    variables: Mapping[str, str],
) -> str:
    """One sentence per bad value: "ORDERLY_X must be ..., got '...' (field)."."""
    sentences = []
    for item in error.errors():
        name = str(item["loc"][0])
        field = cls.__fields__.get(name)
        reason = _reason(item)
        if name in variables:
            subject, suffix = variables[name], f" ({name})"
        else:
            subject, suffix = name, ""
        got = ""
        if field is not None and not _is_secret(field) and name in values:
            got = f", got {values[name]!r}"
        sentences.append(f"{subject} {reason}{got}{suffix}.")
    return " ".join(sentences)


def _reason(item: Mapping[str, Any]) -> str:
    kind, context = str(item["type"]), item.get("ctx") or {}
    if kind == "type_error.integer":
        return "must be a whole number"
    if kind == "type_error.float":
        return "must be a number"
    if kind == "type_error.bool":
        return "must be true or false"
    if kind in ("value_error.datetime", "type_error.datetime"):
        return "must be an ISO 8601 time such as 2026-11-24T08:00:00+08:00"
    if kind == "value_error.number.not_ge":
        limit = context.get("limit_value")
        return "must not be negative" if limit == 0 else f"must be at least {limit}"
    if kind == "value_error.number.not_gt":
        limit = context.get("limit_value")
        return "must be positive" if limit == 0 else f"must be more than {limit}"
    if kind == "value_error.number.not_le":
        return f"must be at most {context.get('limit_value')}"
    if kind == "value_error.extra":
        return "is not a known setting"
    if kind == "value_error.missing":
        return "must be set"
    message = str(item["msg"])
    return message if message.startswith("must") else f"is invalid: {message}"


def _shown_default(field: ModelField) -> str:
    default = field.default
    if default is None or default in ("", {}, [], ()):
        return "unset"
    if isinstance(default, tuple):
        return "`" + ", ".join(str(part) for part in default) + "`"
    if isinstance(default, Path):
        return f"`{default}`"
    return f"`{json.dumps(default) if isinstance(default, bool) else default}`"
