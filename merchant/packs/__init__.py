"""Merchant packs: a merchant described as data (docs/design/merchant-model.md §1).

`load_packs()` reads every pack under `packs/`; `load_pack(folder)` checks one
(`python -m merchant check-pack packs/x`).
"""

from merchant.packs.loader import DEFAULT_PACKS_DIR, PackError, Problem, load_pack, load_packs
from merchant.packs.schema import MerchantPack, StoreRow

__all__ = [
    "DEFAULT_PACKS_DIR",
    "MerchantPack",
    "PackError",
    "Problem",
    "StoreRow",
    "load_pack",
    "load_packs",
]
