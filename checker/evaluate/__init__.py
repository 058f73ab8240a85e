"""Measuring the checker: the labelled corpus, metrics, the evaluation harness (`checker eval`), external data."""
