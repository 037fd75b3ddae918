"""The offline Vosk engine: Korean model, partial text for live use."""
