"""Tests of the offline Whisper engine."""
