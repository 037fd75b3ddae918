"""Generated from protos/nest.proto by scripts/gen-protos (CLOVA Speech real-time gRPC).

Do not edit: run scripts/gen-protos, and commit the result together with the .proto change.
"""
