"""`checker ci`: gate content in pipelines. Exit 0 clean, 1 the gate failed, 2 usage,
configuration or input error. See docs/ci.md."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import DisableOpt, PacksOpt
from checker.errors import CheckerError, Errors, located


class CiFormat(str, Enum):
    auto = "auto"
    text = "text"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class Level(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"


def resolve_format(fmt: CiFormat) -> str:
    """auto: GitHub annotations under GitHub Actions, plain text elsewhere."""
    if fmt is CiFormat.auto:
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt.value


def parse_severity(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or ():
        rule, sep, level = item.partition("=")
        if not sep or not rule.strip() or level.strip() not in {"high", "medium", "low"}:
            raise CheckerError(Errors.E610.format(item=item), key="--severity")
        out[rule.strip()] = level.strip()
    return out


@app.command()
def ci(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to check; folders are walked for .html, .htm, .md, .markdown and .txt files (or the config's include globs).")],
    format: Annotated[CiFormat, typer.Option("--format", "-f", help="text, json, jsonl, sarif, github (workflow annotations), junit, or auto: github under GitHub Actions, text elsewhere.")] = CiFormat.auto,
    fail_on: Annotated[Level | None, typer.Option("--fail-on", help="Fail on a new, unsuppressed finding at or above this severity [config fail-on, else high].")] = None,
    min_score: Annotated[int | None, typer.Option("--min-score", min=0, max=100, help="Also fail when a page scores under this (0-100) [config min-score].")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Report only: exit 0 even when the gate fails (errors still exit 2).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Use this .checker.toml / pyproject.toml for every path instead of the nearest one.")] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")] = False,
    packs: PacksOpt = None,
    disable: DisableOpt = None,
    severity: Annotated[list[str] | None, typer.Option("--severity", help="Override a rule's (or pack's) severity: RULE=high|medium|low (repeatable).")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Findings recorded in this baseline file do not fail the gate; only new ones do.")] = None,
    write_baseline: Annotated[Path | None, typer.Option("--write-baseline", help="Record every current unsuppressed finding in this baseline file and exit 0.")] = None,
    changed_since: Annotated[str | None, typer.Option("--changed-since", metavar="REV", help="Only check files changed since this git revision (committed, staged, unstaged or untracked).")] = None,
    report_unused_suppressions: Annotated[bool, typer.Option("--report-unused-suppressions", help="Report suppression comments that suppressed nothing (as CHK001 unused-suppression, severity low).")] = False,
    fail_not_assessed: Annotated[bool, typer.Option("--fail-not-assessed", help="Fail a page checker does not read (not in English) instead of passing it.")] = False,
) -> None:
    """Gate content in CI: exit 1 when a page has a new finding at or above --fail-on (or scores under --min-score)."""
    from checker.ci import CiOptions, run_ci

    if write_baseline is not None and changed_since is not None:
        raise CheckerError(Errors.E611,
                           key="--write-baseline")
    if config is not None and isolated:
        raise CheckerError(Errors.E612, key="--config")
    options = CiOptions(
        fail_on=fail_on.value if fail_on else None,  # type: ignore[arg-type]
        min_score=min_score, packs=tuple(packs or ()), disable=tuple(disable or ()),
        severity=parse_severity(severity), config=config, isolated=isolated,  # type: ignore[arg-type]
        baseline=baseline, changed_since=changed_since, report_unused_suppressions=report_unused_suppressions,
        fail_not_assessed=fail_not_assessed,
    )
    result = run_ci(paths, options)
    for err in result.errors:
        typer.echo(f"checker: error: {located(err.message, err.path)}", err=True)

    if write_baseline is not None:
        from checker import __version__
        from checker.ci import baseline_entries
        from checker.ci.baseline import write_baseline as write

        entries = baseline_entries(result)
        write(write_baseline, entries, tool_version=__version__)
        total = sum(e.count for e in entries)
        typer.echo(f"checker: wrote {write_baseline}: {total} finding{'s' * (total != 1)} "
                   f"({len(entries)} fingerprints) in {len(result.pages)} pages", err=True)
        raise typer.Exit(2 if result.errors else 0)

    from checker.report import render_ci
    from checker.report.model import ReportOptions

    fmt, report_options = resolve_format(format), ReportOptions(exit_zero=exit_zero)
    if output is not None:
        try:
            with output.open("w", encoding="utf-8") as stream:
                render_ci(result, fmt, stream, options=report_options)
        except OSError as exc:
            raise CheckerError(Errors.E801.format(reason=exc.strerror or exc), path=str(output)) from None
    else:
        render_ci(result, fmt, sys.stdout, options=report_options)
        sys.stdout.flush()
    raise typer.Exit(result.exit_code(exit_zero=exit_zero))
