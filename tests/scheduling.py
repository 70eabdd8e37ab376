"""Which pytest-xdist worker runs what, with ``--dist loadscope`` (make test, make test-fast).

loadscope sends whole modules to a worker, so a module's fixtures start once. Two things
it cannot know cost minutes with two workers:

- Its queue is ordered by test count, so modules of a few long tests (the voice and
  widget conversations, the scaled stack) were sent late, and one worker sat idle at the end.
  Here the modules that took longest in a measured run (``MEASURED_SECONDS``) go first,
  longest first; the rest follow in loadscope's order.
- Modules that share an expensive fixture go to one worker as one unit (``TOGETHER``), one
  after the other, so the fixture (package- or session-scoped) starts once, not once per
  worker that happens to draw one of them.

The table is a measurement, not a rule: a module missing from it, or one that grew, only
balances less well. ``tests/test_scheduling.py`` checks every module named here exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

# Sent after everything else, whatever it costs: the payment model (400 s here) places
# hundreds of orders that fill the morning's pickup slots of its worker's stack, and tests
# that ran after it on that stack found breakfast over ("only served at breakfast").
RUN_LAST = ("tests/e2e/test_payment_model.py",)
# (The two scaled-stack files are not one unit: after the fault tests' killed and
# restarted replica, the notification tests on the same stack failed.)
# Seconds per module (20 s or more) on one worker, from `pytest -n 2 --dist loadscope` of
# eab9e72 with other work on the machine (load average 7-11): only the relative sizes
# matter. The first module of a worker that uses the stack carries its start (about 100 s).
MEASURED_SECONDS = {
    "tests/voice/test_voice_e2e.py": 324,
    "tests/scale/test_faults.py": 290,
    "tests/actions/test_edits_by_place_and_quantifier.py": 199,
    "tests/e2e/test_booking_over_rest.py": 164,
    "tests/merchant/test_merchant_trust.py": 159,
    "tests/voice/test_voice_channel_ws.py": 138,
    "tests/e2e/test_ordering.py": 120,
    "tests/nlu/test_edits_heard_by_the_model.py": 96,
    "tests/widget/test_widget_screens.py": 94,
    "tests/actions/test_stores_nearby.py": 93,
    "tests/actions/test_edits_as_said.py": 89,
    "tests/ecosystem/test_wyoming_assist.py": 88,
    "tests/nlu/test_bookings_heard_by_the_model.py": 84,
    "tests/widget/test_widget_follows_the_voice.py": 83,
    "tests/merchant/test_merchant_store_side.py": 76,
    "tests/merchant/test_merchant_options.py": 73,
    "tests/scale/test_k8s.py": 66,
    "tests/actions/test_edits_named_by_option_or_in_one_breath.py": 66,
    "tests/clients/test_shell_session.py": 65,
    "tests/actions/test_near_misses_in_orders.py": 63,
    "tests/e2e/test_order_news_on_every_client.py": 62,
    "tests/stories/test_rasa_stories.py": 62,
    "tests/actions/test_complaints.py": 60,
    "tests/voice/test_voice_access_pin.py": 59,
    "tests/voice/test_voice_state_aware.py": 54,
    "tests/actions/test_yes_that_restates_the_question.py": 52,
    "tests/merchant/test_merchant_server.py": 52,
    "tests/nlu/test_slot_offers_heard_by_the_model.py": 51,
    "tests/actions/test_many_merchants.py": 50,
    "tests/actions/test_nameless_corrections.py": 50,
    "tests/actions/test_order_verbs_never_remove.py": 49,
    "tests/scale/test_action_calls.py": 48,
    "tests/merchant/test_merchant_identity.py": 43,
    "tests/merchant/test_merchant_store_network.py": 40,
    "tests/widget/test_widget_order_news.py": 40,
    "tests/merchant/test_merchant_payments.py": 39,
    "tests/merchant/test_merchant_sign_in_throttle.py": 39,
    "tests/merchant/test_merchant_pickup_slots.py": 38,
    "tests/merchant/test_merchant_orders.py": 38,
    "tests/merchant/test_merchant_pins.py": 36,
    "tests/merchant/test_merchant_bookings.py": 36,
    "tests/voice/test_voice_engines.py": 35,
    "tests/nlu/test_corrections_heard_by_the_model.py": 35,
    "tests/scale/test_notification_fanout.py": 33,
    "tests/actions/test_complaints_heard.py": 33,
    "tests/merchant/test_merchant_packs.py": 32,
    "tests/widget/test_widget_modules.py": 30,
    "tests/nlu/test_status_questions_heard_by_the_model.py": 29,
    "tests/actions/test_pickup_slots_dialogue.py": 27,
    "tests/nlu/test_option_named_edits_heard_by_the_model.py": 26,
    "tests/merchant/test_merchant_money_properties.py": 26,
    "tests/merchant/test_merchant_notifications.py": 24,
    "tests/actions/test_phrasing.py": 23,
    "tests/nlu/test_order_parser.py": 22,
    "tests/actions/test_composed_orders.py": 22,
    "tests/ecosystem/test_socketio_webchat.py": 21,
    "tests/merchant/test_merchant_own_pin.py": 21,
    "tests/actions/test_booking_dialogue.py": 21,
    "tests/launch/test_demo_staff.py": 21,
}

# Modules run one after the other on one worker, and why.
TOGETHER = {
    # The trained model loaded in process per merchant (tests/nlu/heard_by_the_model.py's
    # session-scoped `agents`): loaded once, 20-40 s per merchant, not once per worker.
    "trained model": (
        "tests/nlu/test_bookings_heard_by_the_model.py",
        "tests/nlu/test_corrections_heard_by_the_model.py",
        "tests/nlu/test_edits_heard_by_the_model.py",
        "tests/nlu/test_merchants_heard_by_the_model.py",
        "tests/nlu/test_option_named_edits_heard_by_the_model.py",
        "tests/nlu/test_slot_offers_heard_by_the_model.py",
        "tests/nlu/test_status_questions_heard_by_the_model.py",
        "tests/nlu/test_yes_that_restates_heard_by_the_model.py",
    ),
}
_GROUP_OF = {module: group for group, modules in TOGETHER.items() for module in modules}


def unit_of(nodeid: str) -> str:
    """The unit a test is sent in: its group, else loadscope's (its module, or its class)."""
    module = nodeid.split("::", 1)[0]
    return _GROUP_OF.get(module) or nodeid.rsplit("::", 1)[0]


def cost(unit: str) -> float:
    """Measured seconds of a unit (a group's modules added up); 0 when never measured,
    below that for the units of ``RUN_LAST``."""
    modules = TOGETHER.get(unit, (unit.split("::", 1)[0],))
    if any(module in RUN_LAST for module in modules):
        return -1.0
    return float(sum(MEASURED_SECONDS.get(module, 0) for module in modules))


def longest_first(units: Iterable[str]) -> list[str]:
    """``units`` by measured cost, longest first; unmeasured ones keep their order, after
    them; ``RUN_LAST`` at the very end."""
    return sorted(units, key=cost, reverse=True)


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class LongestFirstScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """loadscope with the units of ``unit_of``, sent longest first."""

        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            # The queue is complete at the first assignment (schedule() builds it first).
            if not self.ordered:
                for unit in longest_first(list(self.workqueue)):
                    self.workqueue.move_to_end(unit)
                self.ordered = True
            super()._assign_work_unit(node)

    return LongestFirstScheduling(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadscope":
        return None
    return make_scheduler(config, log)
