"""Every action of the assistant, built once with the merchant backend and settings.

``python -m actions`` wires the configured backend in here; tests pass a fake one.
"""

from __future__ import annotations

from rasa_sdk import Action

from actions.answers import ActionAnswer, ActionRequestCancel
from actions.base import MerchantAction
from actions.cart_actions import (
    ActionBookStay,
    ActionReadback,
    ActionShowCart,
    ActionStartOver,
    ActionUpdateCart,
)
from actions.checkout import ActionPayWithPin
from actions.choosing import ActionChooseMerchant, ActionListMerchants
from actions.handoff import ActionHandoff
from actions.menu import (
    ActionBreakfastHours,
    ActionExplainCombo,
    ActionShowMenu,
    ActionTellPrice,
)
from actions.merchants.backend import MerchantBackend
from actions.nearby import ActionListStores, ActionPickNearestStore, ActionSavePlace
from actions.orders import ActionOrderStatus
from actions.pickup import ActionSetPickup
from actions.repeat import ActionRepeat
from actions.session import ActionSessionStart
from actions.settings import Settings
from actions.who_sells import ActionWhoSells

MERCHANT_ACTIONS: tuple[type[MerchantAction], ...] = (
    ActionSessionStart,
    ActionUpdateCart,
    ActionShowCart,
    ActionStartOver,
    ActionAnswer,
    ActionReadback,
    ActionPayWithPin,
    ActionShowMenu,
    ActionTellPrice,
    ActionExplainCombo,
    ActionBreakfastHours,
    ActionListStores,
    ActionPickNearestStore,
    ActionSavePlace,
    ActionSetPickup,
    ActionOrderStatus,
    ActionRequestCancel,
    ActionHandoff,
    ActionRepeat,
    ActionBookStay,
    ActionChooseMerchant,
    ActionListMerchants,
    ActionWhoSells,
)


def build_actions(backend: MerchantBackend, settings: Settings) -> dict[str, Action]:
    """The actions by name, each holding the one backend."""
    actions: list[Action] = [cls(backend, settings) for cls in MERCHANT_ACTIONS]
    return {action.name(): action for action in actions}
