"""NAVER Cloud CLOVA engines: Speech Recognition (CSR), CLOVA Speech long/short form, real-time gRPC."""
