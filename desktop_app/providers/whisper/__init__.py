"""Whisper through faster-whisper (CTranslate2): the default offline engine."""

ENGINES = ("provider",)  # modules that register an engine, in listing order
