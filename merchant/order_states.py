"""An order's states and the one table of what moves it between them.

docs/design/merchant-model.md §4: placed -> paid -> accepted -> preparing -> ready ->
collected; cancelled before payment, refunded when the customer cancels a paid order or the
store rejects one, uncollected when a ready order waits past the window. merchant.ordering
applies the table (`transition`); the staff screen draws its buttons from it.
"""

from __future__ import annotations

PLACED, PAID, CANCELLED, REFUNDED = "placed", "paid", "cancelled", "refunded"
ACCEPTED, PREPARING, READY = "accepted", "preparing", "ready"
COLLECTED, UNCOLLECTED = "collected", "uncollected"
# At the store and not finished: what the staff screen lists.
OPEN_STATES = (PAID, ACCEPTED, PREPARING, READY)
# Paid and not ready yet: the kitchen's queue, which delays an as-soon-as-possible order.
QUEUED = (PAID, ACCEPTED, PREPARING)
# Holding a place in a pickup slot (merchant/pickup_slots.py): every paid order, made or not,
# since the counter's work for it was done or promised; a placed one only while its
# confirmation can still pay; a cancelled or refunded one never.
HOLDS_SLOT = (PAID, ACCEPTED, PREPARING, READY, COLLECTED, UNCOLLECTED)

# What may happen to an order: each action, the states it may start from and where each
# leads. The customer pays and cancels; staff accept, reject, start, mark ready and
# collected; `expire` is the platform marking a ready order uncollected after the window.
# Keyed by action, not by state alone, because who may act matters: from `accepted` the
# store may still reject (and refund), but the customer may no longer cancel.
TRANSITIONS: dict[str, dict[str, str]] = {
    "pay": {PLACED: PAID},
    "cancel": {PLACED: CANCELLED, PAID: REFUNDED},
    "accept": {PAID: ACCEPTED},
    "reject": {PAID: REFUNDED, ACCEPTED: REFUNDED},
    "start": {ACCEPTED: PREPARING},
    # A counter may skip "preparing" for an order that takes a minute.
    "ready": {ACCEPTED: READY, PREPARING: READY},
    "collected": {READY: COLLECTED},
    "expire": {READY: UNCOLLECTED},
}
STAFF_ACTIONS = ("accept", "reject", "start", "ready", "collected")
# What the customer does in a conversation, which tells them the outcome there and then: their
# `order_events` rows are born delivered, so no notification repeats them. Everything else
# (the store's actions, the platform's `expire`) reaches them as a notification.
CUSTOMER_ACTIONS = ("pay", "cancel")
# "Order 1001 is preparing; it cannot be {done}."
DONE = {
    "pay": "paid",
    "cancel": "cancelled",
    "accept": "accepted",
    "reject": "rejected",
    "start": "started",
    "ready": "marked ready",
    "collected": "marked collected",
    "expire": "marked uncollected",
}
