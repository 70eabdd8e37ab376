"""The customer's notifications: `POST /notifications/claim`, a long poll.

The channel holding a customer's connection calls it with that customer's own token (or the
service token naming the customer) and says each change it gets through the dialogue
(docs/merchant-api.md "Notifications"). A staff token is refused here (401), as a customer
token is on the staff routes.

Like the staff feed it looks at `order_events` rather than in-process signals, so it sees
changes made by any platform process; `ORDERLY_NOTIFICATION_POLL_SECONDS` apart.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from contracts.merchant_api import OrderNotifications
from merchant.notifications import claim
from merchant.responses import Body, notification_body
from merchant.routes.caller import CallerDependency
from merchant.routes.documented import CUSTOMER, errors
from merchant.runtime import Runtime, RuntimeDependency

router = APIRouter(tags=["notifications"])


@router.post("/notifications/claim", response_model=OrderNotifications, responses=errors(*CUSTOMER))
async def claim_notifications(
    request: Request,
    caller: CallerDependency,
    runtime: RuntimeDependency,
    wait: float = Query(
        default=0.0,
        ge=0.0,
        description="seconds to wait for a change when there is none yet (at most "
        "`ORDERLY_NOTIFICATION_WAIT_SECONDS`; 0 answers at once)",
    ),
) -> Body:
    """The caller's changes not yet told, now marked delivered (see OrderNotifications)."""
    settings = runtime.settings
    deadline = time.monotonic() + min(wait, settings.notification_wait_seconds)
    while True:
        # A client gone while it waited must not take changes it can no longer be told.
        if await request.is_disconnected():
            return {"notifications": []}
        claimed = await run_in_threadpool(_claim, runtime, caller.customer_id)
        if claimed or time.monotonic() >= deadline:
            return {"notifications": claimed}
        await asyncio.sleep(settings.notification_poll_seconds)


def _claim(runtime: Runtime, customer_id: str) -> list[Body]:
    with runtime.database.sessions.begin() as session:
        return [notification_body(event) for event in claim(session, runtime, customer_id)]
