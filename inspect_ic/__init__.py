"""Instrumental Choices benchmark on Inspect AI.

Seven terminal tasks x eight variants that measure whether tool-using agents take
instrumental shortcuts when an official workflow exists (arXiv 2605.06490).
"""

__version__ = "0.1.0"
BENCHMARK_VERSION = "1"
