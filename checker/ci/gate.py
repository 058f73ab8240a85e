"""The ci run: collect files, check each with the rules its config asks for, apply suppressions
and the baseline, and decide which findings block. Returns data; reporters and the CLI print it.

A finding blocks when it is not suppressed, not covered by the baseline, and at or above the
page's fail-on severity. A page also fails when its score is under min-score; with a baseline,
only if it also has a new finding (an old page that did not change does not start failing)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker.ci.baseline import Entry, build_entries, fingerprint, load_baseline
from checker.ci.changed import changed_files
from checker.ci.files import Target, collect_files
from checker.config import ConfigResolver, Settings, load_rules
from checker.errors import CheckerError
from checker.report.model import CheckedFinding, CiResult, FileError, PageResult
from checker.scoring import NOT_ASSESSED, UNJUDGED_BANDS
from checker.suppress import apply_suppressions
from checker.types import Finding, Report, Severity, severity_rank

if TYPE_CHECKING:
    from checker.engine.loader import Rule


@dataclass(frozen=True)
class CiOptions:
    """Command-line choices; None / empty means "as the config says"."""

    fail_on: Severity | None = None
    min_score: int | None = None
    packs: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    config: Path | None = None  # use this config file for every path instead of discovering one
    isolated: bool = False  # ignore config files altogether
    baseline: Path | None = None
    changed_since: str | None = None
    report_unused_suppressions: bool = False
    fail_not_assessed: bool = False  # a page checker cannot read (not English) fails instead of passing


def baseline_entries(result: CiResult) -> list[Entry]:
    """Every unsuppressed finding of a run, for --write-baseline."""
    return build_entries(
        (c.finding.rule, c.finding.match, p.path) for p in result.pages for c in p.findings if not c.finding.suppressed
    )


def _positions(report: Report, f: Finding) -> tuple[int, int, int, int]:
    page = report.page
    line, column = page.position(f.start)
    if f.end > f.start:
        end_line, last = page.position(f.end - 1)  # the last character, so a span never jumps a segment
        end_column = last + 1
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
    else:
        end_line, end_column = line, column
    return line, column, end_line, end_column


class _Analyzers:
    """One Analyzer per distinct rule configuration (the spaCy pipeline itself is shared)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, object] = {}

    def for_settings(self, settings: Settings):  # type: ignore[no-untyped-def]
        key = settings.ruleset_key
        if key not in self._by_key:
            from checker.analyze import Analyzer

            self._by_key[key] = Analyzer(ruleset=load_rules(settings))
        return self._by_key[key]

    def rules(self) -> tuple:
        by_id: dict[str, Rule] = {}
        for analyzer in self._by_key.values():
            for rule in analyzer.ruleset.rules:  # type: ignore[attr-defined]
                by_id.setdefault(rule.id, rule)
        return tuple(by_id[k] for k in sorted(by_id))


def settings_resolver(options: CiOptions):  # type: ignore[no-untyped-def]
    """path -> Settings: the nearest config (or --config) with the command-line flags on top."""
    resolver = ConfigResolver(explicit=options.config, isolated=options.isolated)
    merged: dict[Path | None, Settings] = {}

    def settings_of(path: Path) -> Settings:
        base = resolver.settings_for(path)
        if base.path not in merged:
            merged[base.path] = base.merged(
                packs=options.packs, disable=options.disable, severity=options.severity,
                fail_on=options.fail_on, min_score=options.min_score,
            )
        return merged[base.path]

    return settings_of


def run_ci(paths: list[str], options: CiOptions, *, cwd: Path | None = None) -> CiResult:
    """Check `paths` (files or folders) and decide the gate. Raises CheckerError for usage and
    configuration errors; a file that cannot be read becomes a FileError and the run goes on."""
    from checker.ingest import load_page

    cwd = (cwd or Path.cwd()).resolve()
    settings_of = settings_resolver(options)
    targets, skipped = collect_files(paths, settings_of=settings_of, cwd=cwd)
    if options.changed_since is not None:
        changed = changed_files(options.changed_since, cwd=cwd)
        targets = [t for t in targets if t.path in changed]
    remaining: Counter[str] | None = load_baseline(options.baseline) if options.baseline is not None else None
    analyzers = _Analyzers()
    pages: list[PageResult] = []
    errors: list[FileError] = []
    for target in targets:
        analyzer = analyzers.for_settings(target.settings)
        try:
            page = load_page(target.path, max_bytes=analyzer.max_bytes)
        except CheckerError as exc:
            errors.append(FileError(target.display, exc.detail))
            continue
        report = analyzer.check_page(replace(page, source=target.display))
        pages.append(_gate_page(target, report, analyzer.rule_weights, remaining, options.report_unused_suppressions,
                                options.fail_not_assessed))
    fail_ons = {t.settings.fail_on for t in targets}
    min_scores = {t.settings.min_score for t in targets}
    return CiResult(
        pages=tuple(pages), errors=tuple(errors), skipped=tuple(skipped), rules=analyzers.rules(),
        fail_on=fail_ons.pop() if len(fail_ons) == 1 else (options.fail_on or "high"),
        min_score=min_scores.pop() if len(min_scores) == 1 else options.min_score,
        baseline=remaining is not None, report_unused=options.report_unused_suppressions,
    )


def _gate_page(target: Target, report: Report, weights: dict[str, float], remaining: Counter[str] | None,
               report_unused: bool, fail_not_assessed: bool = False) -> PageResult:
    suppressed = apply_suppressions(report, weights_of=weights)
    report = suppressed.report
    threshold = severity_rank(target.settings.fail_on)
    checked = []
    for f in report.findings:
        fp = fingerprint(f.rule, f.match, target.display)
        baselined = False
        if remaining is not None and not f.suppressed and remaining[fp] > 0:
            remaining[fp] -= 1
            baselined = True
        blocking = not f.suppressed and not baselined and severity_rank(f.severity) >= threshold
        checked.append(CheckedFinding(f, fp, *_positions(report, f), baselined=baselined, blocking=blocking))
    min_score = target.settings.min_score
    # a page with nothing to judge (no claims, or not in English) is never under a score
    under = min_score is not None and report.band not in UNJUDGED_BANDS and report.score < min_score
    if report.band == NOT_ASSESSED and fail_not_assessed:
        under = True
    if under and remaining is not None:  # with a baseline, only a page with something new fails on score
        under = any(c.status == "new" for c in checked)
    return PageResult(
        path=target.display, report=report, findings=tuple(checked),
        unused=suppressed.unused if report_unused else (), fail_on=target.settings.fail_on,
        min_score=min_score, under_min_score=under,
    )
