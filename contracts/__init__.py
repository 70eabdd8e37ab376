"""What crosses a process boundary, defined once and imported by both sides.

Every Orderly process (merchant platform, action server, Rasa with its channels, the
clients) may import from here; nothing here imports any of them.
"""
