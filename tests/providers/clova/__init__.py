"""Tests of the clova engines against their local emulators."""
