"""CI mode: gate content in pipelines. `run_ci` checks files and decides the gate; suppressions,
baselines, changed files and file selection each live in their own module."""

from __future__ import annotations

from checker.ci.gate import CiOptions, baseline_entries, run_ci
from checker.report.model import CheckedFinding, CiResult, FileError, PageResult

__all__ = ["CheckedFinding", "CiOptions", "CiResult", "FileError", "PageResult", "baseline_entries", "run_ci"]
