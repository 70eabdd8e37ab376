"""Orderly's dialogue: Rasa configuration, custom NLU components, the launchers, and the
settings mechanism every service shares (``bot/settings.py``)."""
