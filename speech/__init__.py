"""Speech engines behind small interfaces: recognition, synthesis, endpointing, resampling.

Nothing here knows about Rasa or websockets: the voice channel (``channels.voice``)
wires these parts into a pipeline. Engines are chosen by name in configuration and
imported only when chosen, so a missing optional engine costs nothing.
"""
