"""Benchmarks and the synthetic event generator (not part of the installed package)."""
