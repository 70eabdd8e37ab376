"""How Orderly's processes start: the stack (`make run`/`make serve`), the scaled
topology, model training, and the Rasa process with Orderly's patches installed."""
