"""Return Zero (RTZR / VITO): batch and streaming engines."""

ENGINES = ("batch", "stream")  # modules that register an engine, in listing order
