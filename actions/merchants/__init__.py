"""Merchant backends: the interface and the adapter chosen by configuration."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import cast

from actions.merchants.backend import MerchantBackend
from actions.merchants.cache import CachedMenuBackend
from actions.settings import Settings


@lru_cache(maxsize=1)
def configured_backend() -> MerchantBackend:
    """The backend named by ``ORDERLY_MERCHANT_BACKEND`` ("module:Class"), built once,
    with its menu cached for ``ORDERLY_MENU_CACHE_SECONDS`` (actions/merchants/cache.py)."""
    settings = Settings.from_env()
    module_name, _, class_name = settings.merchant_backend.partition(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    backend = cast(MerchantBackend, backend_class(settings))
    if settings.menu_cache_seconds > 0:
        backend = cast(MerchantBackend, CachedMenuBackend(backend, settings.menu_cache_seconds))
    return backend
