"""Qt-free domain: transcripts, options, errors, progress."""
