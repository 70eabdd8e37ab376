"""Programs people use to talk to the assistant: the terminal shell, the voice client, the widget.

Clients speak to a running Rasa server over its public channels only; they import nothing
from the dialogue, the actions or the channels' internals.
"""
