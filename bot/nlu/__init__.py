"""Custom NLU for Orderly: the live-menu, speech-robust entity extractor."""
