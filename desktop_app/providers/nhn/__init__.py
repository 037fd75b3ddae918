"""NHN Cloud Speech to Text v2.0."""

ENGINES = ("provider",)  # modules that register an engine, in listing order
