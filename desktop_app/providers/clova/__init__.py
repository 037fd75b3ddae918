"""NAVER Cloud CLOVA engines: Speech Recognition (CSR), CLOVA Speech long/short form, real-time gRPC."""

ENGINES = ("csr", "speech", "stream")  # modules that register an engine, in listing order
