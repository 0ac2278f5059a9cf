"""Benchmarks: synthetic pages with exact ground truth, scorers, and peers measured side by side."""
