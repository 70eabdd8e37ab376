"""Hand-offs to a person: stored so staff (and tests) can see what the assistant escalated.

Each hand-off belongs to its customer: only they (or the service acting for them) can open,
list or read it. `POST /handoffs` honours an `Idempotency-Key`, so a retried request opens
one hand-off, not two.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.merchant_api import Handoff, Handoffs
from merchant import idempotency, models
from merchant.errors import not_found
from merchant.responses import Body, handoff_body
from merchant.routes.caller import CallerDependency
from merchant.routes.documented import CUSTOMER, errors
from merchant.routes.headers import IdempotencyKey
from merchant.runtime import RuntimeDependency
from merchant.schemas import HandoffRequest

router = APIRouter(tags=["handoffs"])
log = logging.getLogger(__name__)

HANDOFF_ID_BYTES = 8
OPEN = "open"


@router.post(
    "/handoffs",
    status_code=201,
    response_model=Handoff,
    responses=errors(403, 409, 413, *CUSTOMER),
)
def create_handoff(
    request: HandoffRequest,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    caller.refuse_other(request.customer_id, "open hand-offs")

    def operation(session: Session) -> tuple[int, Body]:
        handoff = models.Handoff(
            id=f"h_{secrets.token_hex(HANDOFF_ID_BYTES)}",
            customer_id=caller.customer_id,
            reason=request.reason,
            transcript=list(request.transcript),
            status=OPEN,
            created_at=runtime.clock.now(),
        )
        session.add(handoff)
        session.flush()
        log.info("hand-off %s opened for %s", handoff.id, handoff.customer_id)
        return 201, handoff_body(handoff)

    outcome = idempotency.run_once(
        runtime.database,
        runtime.clock,
        scope=idempotency.HANDOFFS,
        key=idempotency.customer_key(caller.customer_id, idempotency_key),
        request_fingerprint=idempotency.fingerprint(request.dict()),
        operation=operation,
    )
    return JSONResponse(outcome.body, status_code=outcome.status_code)


@router.get(
    "/handoffs",
    response_model=Handoffs,
    responses=errors(403, *CUSTOMER),
)
def list_handoffs(
    caller: CallerDependency,
    runtime: RuntimeDependency,
    customer_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
) -> Body:
    """The caller's hand-offs, newest first (`customer_id`, if given, must be the caller)."""
    caller.refuse_other(customer_id, "list hand-offs")
    query = (
        select(models.Handoff)
        .where(models.Handoff.customer_id == caller.customer_id)
        .order_by(models.Handoff.created_at.desc(), models.Handoff.id)
    )
    with runtime.database.sessions.begin() as session:
        return {"handoffs": [handoff_body(handoff) for handoff in session.scalars(query)]}


@router.get(
    "/handoffs/{handoff_id}",
    response_model=Handoff,
    responses=errors(404, *CUSTOMER),
)
def get_handoff(
    handoff_id: Annotated[str, Path(max_length=64)],
    caller: CallerDependency,
    runtime: RuntimeDependency,
) -> Body:
    with runtime.database.sessions.begin() as session:
        handoff = session.get(models.Handoff, handoff_id)
        if handoff is None or handoff.customer_id != caller.customer_id:
            raise not_found("unknown_handoff", "There is no such hand-off.", field="handoff_id")
        return handoff_body(handoff)
