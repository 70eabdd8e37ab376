"""Merchant backends: the interface and the adapter chosen by configuration."""

from __future__ import annotations

import importlib
from typing import cast

from actions.merchants.backend import MerchantBackend
from actions.merchants.cache import CachedMenuBackend
from actions.settings import Settings


def configured_backend(settings: Settings) -> MerchantBackend:
    """The backend named by ``settings.merchant_backend`` (``ORDERLY_MERCHANT_BACKEND``,
    "module:Class"), built with the settings, its menu cached for
    ``settings.menu_cache_seconds`` (actions/merchants/cache.py)."""
    module_name, _, class_name = settings.merchant_backend.partition(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    backend = cast(MerchantBackend, backend_class(settings))
    if settings.menu_cache_seconds > 0:
        backend = cast(MerchantBackend, CachedMenuBackend(backend, settings.menu_cache_seconds))
    return backend
