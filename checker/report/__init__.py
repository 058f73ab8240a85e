"""Reporters: one module per format. Only reporters and the CLI write output.

A `ci` run is rendered by the reporter its format names in CI_REPORTERS: one registry, every
reporter called the same way, `render(result, stream, *, options)`, writing to a text stream
(bandit's pattern). `options` is a ReportOptions; a reporter uses what applies to its format.
Modules are imported only when their format is asked for."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from checker.report.model import CiResult, ReportOptions


class CiReporter(Protocol):
    def __call__(self, result: CiResult, stream: TextIO, *, options: ReportOptions) -> None: ...


# format -> (module, function); every function is a CiReporter
CI_REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("checker.report.text", "render"),
    "github": ("checker.report.github", "render"),
    "sarif": ("checker.report.sarif", "render"),
    "junit": ("checker.report.junit", "render"),
    "json": ("checker.report.ci_json", "render_json"),
    "jsonl": ("checker.report.ci_json", "render_jsonl"),
}


def ci_reporter(fmt: str) -> CiReporter:
    """The reporter for format `fmt` (a key of CI_REPORTERS)."""
    module, name = CI_REPORTERS[fmt]
    reporter: CiReporter = getattr(import_module(module), name)
    return reporter


def render_ci(result: CiResult, fmt: str, stream: TextIO, *, options: ReportOptions) -> None:
    """Write the report of a `ci` run in format `fmt` to `stream`."""
    ci_reporter(fmt)(result, stream, options=options)
