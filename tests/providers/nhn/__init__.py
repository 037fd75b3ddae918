"""Tests of the nhn engines against their local emulators."""
