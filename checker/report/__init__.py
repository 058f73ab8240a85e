"""Reporters: one module per format. Only reporters and the CLI write output."""
