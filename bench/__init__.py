"""Benchmarks (not tests): run with `make bench`; each prints figures and ratios."""
