"""Tests of the Whisper engine (faster-whisper) against the real base model and real files."""
