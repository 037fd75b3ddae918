"""Whisper through faster-whisper (CTranslate2): the default offline engine."""
