"""Benchmarks: `python -m bench` runs each module's run() and prints its figures."""
