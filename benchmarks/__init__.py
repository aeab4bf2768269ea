"""Benchmarks: run one with python -m benchmarks.<name>; not part of the tests."""
