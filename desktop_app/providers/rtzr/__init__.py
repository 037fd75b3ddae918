"""Return Zero (RTZR / VITO): batch and streaming engines."""
