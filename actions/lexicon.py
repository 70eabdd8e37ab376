"""The vocabulary the NLU matches against, built from the merchant's live catalogue.

The Rasa server's ``MenuEntityExtractor`` fetches it from the action server
(``GET /lexicon``), so a newly plugged-in merchant backend is understood without
retraining and without the NLU knowing the backend's API.
"""

from __future__ import annotations

import asyncio
from typing import Any

from actions.merchants.backend import MerchantBackend


async def build_lexicon(backend: MerchantBackend, merchant_id: str) -> dict[str, Any]:
    """Items with their aliases and option groups (a combo's drink is its `drink` group,
    whose choice ids are skus), and stores with theirs."""
    menu, stores = await asyncio.gather(
        backend.menu(merchant_id, include_unavailable=True), backend.stores(merchant_id)
    )
    return {
        "merchant_id": merchant_id,
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "aliases": list(item.aliases),
                "options": [
                    {
                        "group": group.id,
                        "name": group.name,
                        "default": group.default,
                        "choices": [
                            {"id": choice.id, "name": choice.name, "aliases": list(choice.aliases)}
                            for choice in group.choices
                        ],
                    }
                    for group in item.options
                ],
            }
            for item in menu.items
        ],
        "stores": [{"id": s.id, "name": s.name, "aliases": list(s.aliases)} for s in stores],
    }
