"""Orderly's dialogue: Rasa configuration and custom NLU components."""
