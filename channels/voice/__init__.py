"""The voice channel: speech in over a websocket, the same Rasa dialogue, speech out.

Register it in ``credentials.yml`` as ``channels.voice.VoiceInput`` (settings:
``channels.voice.settings``); the protocol is described in ``docs/voice-protocol.md``.
"""

from channels.voice.channel import VoiceInput

__all__ = ["VoiceInput"]
