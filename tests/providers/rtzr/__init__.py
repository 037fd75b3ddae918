"""Tests of the rtzr engines against their local emulators."""
