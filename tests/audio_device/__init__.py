"""Tests that record from a real capture device (a PulseAudio null sink in CI)."""
