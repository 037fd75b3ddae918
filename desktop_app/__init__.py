"""Sori: desktop transcription for people who work with Korean speech."""

__version__ = "0.1.0"
APP_NAME = "Sori"
APP_ID = "sori"
