"""A command-line voice client for Orderly's voice channel (``docs/voice-protocol.md``).

It speaks the documented protocol with a plain websocket library and imports
nothing from the server, so it doubles as a reference client: ``python -m
clients.voice_client --help``.
"""
