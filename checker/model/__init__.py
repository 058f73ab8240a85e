"""Learned models: features, fitting (`checker train`), and their numpy application on the scan path."""
