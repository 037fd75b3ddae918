"""Live transcription: assembling streamed results, reconnecting streams, the live session."""
