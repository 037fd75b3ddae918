"""The offline Vosk engine: Korean model, partial text for live use."""

ENGINES = ("provider",)  # modules that register an engine, in listing order
