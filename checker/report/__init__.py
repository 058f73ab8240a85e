"""Reporters: one module per format. Only reporters and the CLI write output.

A `ci` run is rendered by the reporter its format names in CI_REPORTERS: one registry, every
reporter called the same way, `render(result, *, exit_zero)` -> the text to write. Modules are
imported only when their format is asked for."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

# format -> (module, function): each function takes (result, *, exit_zero) or (result) alone
CI_REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("checker.report.text", "render"),
    "github": ("checker.report.github", "render"),
    "sarif": ("checker.report.sarif", "render"),
    "junit": ("checker.report.junit", "render"),
    "json": ("checker.report.ci_json", "render_json"),
    "jsonl": ("checker.report.ci_json", "render_jsonl"),
}
_TAKE_EXIT_ZERO = frozenset({"text", "github", "json"})  # reporters whose verdict line honours --exit-zero


def render_ci(result: Any, fmt: str, *, exit_zero: bool = False) -> str:
    """The report of a `ci` run in format `fmt` (a key of CI_REPORTERS)."""
    module, name = CI_REPORTERS[fmt]
    reporter: Callable[..., str] = getattr(import_module(module), name)
    return reporter(result, exit_zero=exit_zero) if fmt in _TAKE_EXIT_ZERO else reporter(result)
