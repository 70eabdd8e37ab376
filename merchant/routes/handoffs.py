"""Hand-offs to a person: stored so staff (and tests) can see what the assistant escalated."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from merchant import models
from merchant.responses import Body, handoff_body
from merchant.runtime import RuntimeDependency
from merchant.schemas import HandoffRequest

router = APIRouter(tags=["handoffs"])
log = logging.getLogger(__name__)

HANDOFF_ID_BYTES = 8
OPEN = "open"


@router.post("/handoffs", status_code=201)
def create_handoff(request: HandoffRequest, runtime: RuntimeDependency) -> Body:
    handoff = models.Handoff(
        id=f"h_{secrets.token_hex(HANDOFF_ID_BYTES)}",
        customer_id=request.customer_id,
        reason=request.reason,
        transcript=list(request.transcript),
        status=OPEN,
        created_at=runtime.clock.now(),
    )
    with runtime.database.sessions.begin() as session:
        session.add(handoff)
    log.info("hand-off %s opened for %s", handoff.id, handoff.customer_id)
    return handoff_body(handoff)


@router.get("/handoffs")
def list_handoffs(
    customer_id: Annotated[str, Query(min_length=1, max_length=128)],
    runtime: RuntimeDependency,
) -> Body:
    query = (
        select(models.Handoff)
        .where(models.Handoff.customer_id == customer_id)
        .order_by(models.Handoff.created_at.desc(), models.Handoff.id)
    )
    with runtime.database.sessions.begin() as session:
        return {"handoffs": [handoff_body(handoff) for handoff in session.scalars(query)]}
