"""Rasa's calls to the action server, at a fraction of their cost, with the same outcome.

**Connections.** Rasa 3.6 opens a new aiohttp session, so a new TCP connection, for every
action call (`EndpointConfig.request`), and closes it after; under load that was 6% of
the Rasa server's busy time. Each endpoint now keeps one session per event loop. Its idle
connections are dropped after `KEEP_ALIVE_SECONDS`, well inside the keep-alive of the
action server (Sanic: 5 s) and HAProxy, so a call never lands on a connection the server
side is closing.

**Turn ids.** Every call carries the current turn's id (``X-Orderly-Turn``,
contracts/telemetry.py), set by the channel that received the message, so the action
server's and the merchant's log lines of a turn carry the same id as Rasa's.

**Reply checks.**
Rasa 3.6 validates every action server reply with ``jsonschema.validate(reply, schema)``.
Profiling a paid order under load (py-spy, 8 concurrent customers) found two costs:

- ``validate`` first checks the *schema itself* against the JSON Schema metaschema,
  every time (36% of the Rasa server's busy time). A validator is now built once.
- Each event is then checked against a ``oneOf`` of all 23 event schemas (about 2 ms
  for a reply of six events). The branches are told apart by the ``event`` constant,
  so an event of type X satisfies the ``oneOf`` exactly when it satisfies branch X:
  each event is checked against its own branch only.

Only a reply that passes the quick check is accepted on it; anything else is checked
again by the full validator, so a bad reply raises the same `ValidationError` with the
same message as before.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

from contracts.telemetry import turn_headers

KEEP_ALIVE_SECONDS = 2.0

_installed = False


class ReplyValidator:
    """The action reply schema, checked in full or per event type."""

    def __init__(self, schema: dict[str, Any]) -> None:
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        self.full: Validator = validator_class(schema)
        event_schema = schema["properties"]["events"]["items"]
        common = {key: value for key, value in event_schema.items() if key != "oneOf"}
        self.by_event_type: dict[str, Validator] = {}
        for branch in event_schema["oneOf"]:
            event_type = branch["properties"]["event"]["const"]
            self.by_event_type[event_type] = validator_class({**common, "allOf": [branch]})
        envelope = copy.deepcopy(schema)
        envelope["properties"]["events"]["items"] = {}
        self.envelope: Validator = validator_class(envelope)

    def first_error(self, reply: Any) -> ValidationError | None:
        if self._quickly_valid(reply):
            return None
        error: ValidationError | None = best_match(self.full.iter_errors(reply))
        return error

    def _quickly_valid(self, reply: Any) -> bool:
        if not self.envelope.is_valid(reply):
            return False
        events = reply.get("events") if isinstance(reply, dict) else None
        for event in events or ():
            event_type = event.get("event") if isinstance(event, dict) else None
            validator = self.by_event_type.get(event_type) if isinstance(event_type, str) else None
            if validator is None or not validator.is_valid(event):
                return False
        return True


class _KeptSession:
    """`async with endpoint.session()` yields the kept session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_: object) -> None:
        return None


async def _send_turn_id(
    _session: aiohttp.ClientSession, _context: Any, request: aiohttp.TraceRequestStartParams
) -> None:
    """Add the current turn's id to a request about to be sent (aiohttp's request hook)."""
    request.headers.update(turn_headers())


def _turn_tracing() -> aiohttp.TraceConfig:
    tracing = aiohttp.TraceConfig()
    tracing.on_request_start.append(_send_turn_id)  # type: ignore[arg-type]  # aiosignal typing
    return tracing


def _kept_session(endpoint: EndpointConfig) -> _KeptSession:
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = getattr(
        endpoint, "_orderly_session", None
    )
    if kept is None or kept[0] is not loop or kept[1].closed:
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(**endpoint.basic_auth) if endpoint.basic_auth else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            trace_configs=[_turn_tracing()],
        )
        kept = (loop, session)
        endpoint._orderly_session = kept
    return _KeptSession(kept[1])


def install() -> None:
    """Patch `RemoteAction._validate_action_result` and `EndpointConfig.session` once."""
    global _installed
    if _installed:
        return
    EndpointConfig.session = _kept_session
    replies = ReplyValidator(RemoteAction.action_response_format_spec())

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = replies.first_error(result)
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = validate_action_result
    _installed = True
