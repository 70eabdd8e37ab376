"""Orderly's dialogue: the Rasa domain and the custom NLU components (`bot/nlu`)."""
