"""Orderly's sandbox merchant platform: a small HTTP service with a real database.

The assistant's actions reach it only through their merchant adapter; the HTTP contract
is docs/merchant-api.md. Run it with `python -m merchant`; build it in-process with
`merchant.app.create_app(settings)`.
"""
