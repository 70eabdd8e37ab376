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
                "sizes": [size.name for size in item.sizes],
                "combo_drinks": [sku for sku, _ in item.combo.drink_choices] if item.combo else [],
            }
            for item in menu.items
        ],
        "stores": [{"id": s.id, "name": s.name, "aliases": list(s.aliases)} for s in stores],
    }
