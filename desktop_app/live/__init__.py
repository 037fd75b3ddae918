"""Live transcription: reconnecting streams and the live session (recording + engine + text)."""
