"""Benchmark runner: ``ic run``, ``ic validate``, ``ic smoke`` and the run manifest."""
