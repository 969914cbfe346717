"""Synthetic Czech data: the demo registry's sample files and the benchmark dataset.

Everything here is seeded and deterministic, so regenerated files are byte-identical.
"""
