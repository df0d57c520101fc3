"""Dev-time tools and benchmarks: test-call synthesis, evaluation, calibration, speed.

Not part of the installed package: run from a checkout (``python benchmarks/X.py`` or
``python -m benchmarks.X``); tests import ``benchmarks.synthesis`` from the repository root.
"""
