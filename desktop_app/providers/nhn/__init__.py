"""NHN Cloud Speech to Text v2.0."""
