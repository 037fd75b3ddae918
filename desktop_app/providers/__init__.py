"""Speech engines: the Provider contract, the registry, and one module per engine."""
