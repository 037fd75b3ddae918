"""Audio input: decoding any media to 16 kHz mono 16-bit PCM, probing, silence splitting.

Everything here works on ``bytes`` of little-endian signed 16-bit mono samples at
:data:`SAMPLE_RATE`, delivered as a stream of chunks so long files never sit in memory.
"""

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_WIDTH
