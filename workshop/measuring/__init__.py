"""Loads and what they cost: the load generator, the benchmark and its baseline, soak and profile."""
