"""Benchmarks that print numbers; run each as ``python -m bench.<name>`` from the repository root.

Results worth keeping are recorded in docs/benchmarks.md.
"""
