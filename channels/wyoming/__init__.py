"""The Wyoming channel: Home Assistant voice satellites order through the same dialogue.

Register it in ``credentials.yml`` as ``channels.wyoming.WyomingInput`` (settings:
``channels.wyoming.settings``); link a device with ``python -m launch link-device``.
"""

from channels.wyoming.channel import WyomingInput

__all__ = ["WyomingInput"]
