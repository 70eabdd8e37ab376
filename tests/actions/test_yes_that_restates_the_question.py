"""A yes that restates what the money question proposes is a yes (actions/consent.py).

A blind round: to "Cancel order 1009 (¥14.00) and refund ¥14.00?" the customer typed the
button's own words, "yes, cancel it", and was told "Sorry, I need a clear yes or no": DIET
split it between `affirm` (0.78, under the 0.8 threshold) and `cancel_order` (0.21), and
put some such answers ("yeah cancel it") under `cancel_order` first, which asked again.
Both readings agree at that question. Other sentences here, with the splits the trained
model gives them; the unsafe forms still move no money.
"""

from __future__ import annotations

import pytest

from tests.actions.sandbox_talk import SandboxTalk


async def statuses(talk: SandboxTalk) -> list[str]:
    """The status of every order the customer placed at the sandbox merchant."""
    return [order.status for order in await talk.talk.backend.orders(talk.talk.sender)]


async def paid(talk: SandboxTalk) -> None:
    await talk.say("a chicken congee and a soy milk")
    await talk.say("that's all", "checkout")
    await talk.say("yes", "affirm")
    assert await statuses(talk) == ["paid"]


async def asked_to_cancel(talk: SandboxTalk) -> None:
    await paid(talk)
    reply = await talk.say("oh, I have to cancel my order", "cancel_order")
    assert "Cancel order" in reply and talk.talk.question == "cancel", reply


@pytest.mark.parametrize(
    ("text", "intent", "ranking"),
    [
        # affirm alone is under the threshold; with the cancel it restates, it is sure.
        ("yes cancel my order", "affirm", {"affirm": 0.55, "cancel_order": 0.44}),
        ("yes please cancel", "affirm", {"affirm": 0.7, "cancel_order": 0.25}),
        # the restated action heard first, said after a yes
        ("yeah cancel it", "cancel_order", {"cancel_order": 0.97, "affirm": 0.01}),
        ("sure cancel it please", "cancel_order", {"cancel_order": 0.56, "affirm": 0.42}),
        ("yep, call off that order", "cancel_order", {"cancel_order": 0.99}),
    ],
)
async def test_a_yes_that_restates_the_cancel_refunds_the_order(
    golden_crumb: SandboxTalk, text: str, intent: str, ranking: dict[str, float]
) -> None:
    await asked_to_cancel(golden_crumb)
    reply = await golden_crumb.say(text, intent, ranking[intent], ranking)
    assert await statuses(golden_crumb) == ["refunded"] and "is cancelled" in reply, reply


async def test_a_yes_that_restates_the_payment_pays(golden_crumb: SandboxTalk) -> None:
    await golden_crumb.say("two youtiao")
    await golden_crumb.say("that's everything", "checkout")
    reply = await golden_crumb.say(
        "yes, go on and pay for it", "affirm", 0.62, {"affirm": 0.62, "checkout": 0.37}
    )
    assert "Paid ¥8.00" in reply and await statuses(golden_crumb) == ["paid"], reply


@pytest.mark.parametrize(
    ("text", "intent", "ranking"),
    [
        ("yeah no, cancel it", "cancel_order", {"cancel_order": 0.96}),
        ("yes wait cancel it", "cancel_order", {"cancel_order": 0.87, "affirm": 0.11}),
        ("yes, cancel it, I guess", "affirm", {"affirm": 0.95, "cancel_order": 0.05}),
        ("no, don't cancel it", "cancel_order", {"cancel_order": 0.71, "deny": 0.24}),
        ("yes, cancel it... actually no", "affirm", {"affirm": 0.6, "cancel_order": 0.39}),
        # no yes said: a request is not an answer to the question
        ("cancel it", "cancel_order", {"cancel_order": 0.99}),
        # the one threshold holds for the two readings together
        ("yes, cancel it", "affirm", {"affirm": 0.5, "cancel_order": 0.2, "deny": 0.3}),
    ],
)
async def test_an_unsure_or_withdrawn_yes_that_restates_the_cancel_refunds_nothing(
    golden_crumb: SandboxTalk, text: str, intent: str, ranking: dict[str, float]
) -> None:
    await asked_to_cancel(golden_crumb)
    reply = await golden_crumb.say(text, intent, ranking[intent], ranking)
    assert await statuses(golden_crumb) == ["paid"] and "is cancelled" not in reply, reply


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("yes, pay it, hold on", {"affirm": 0.6, "checkout": 0.39}),
        ("yes pay for it I suppose", {"affirm": 0.6, "checkout": 0.39}),
        ("yes, pay it", {"affirm": 0.5, "checkout": 0.2, "deny": 0.3}),
    ],
)
async def test_an_unsure_or_withdrawn_yes_that_restates_the_payment_pays_nothing(
    golden_crumb: SandboxTalk, text: str, ranking: dict[str, float]
) -> None:
    await golden_crumb.say("two youtiao")
    await golden_crumb.say("that's everything", "checkout")
    reply = await golden_crumb.say(text, "affirm", ranking["affirm"], ranking)
    assert "paid" not in await statuses(golden_crumb) and "Paid" not in reply, reply
