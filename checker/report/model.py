"""What a `ci` run hands its reporters: the gate's verdict per page and per finding, and the
options every reporter is called with. `checker.ci` builds these; reporters only read them, so
neither reporters nor this module import from `checker.ci`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checker.scoring import NOT_ASSESSED
from checker.suppress import UnusedSuppression
from checker.types import Finding, Report, Severity

if TYPE_CHECKING:
    from checker.engine.loader import Rule

# Pseudo-rules: what the gate itself reports, in every output format.
UNUSED_RULE, UNUSED_NAME = "CHK001", "unused-suppression"
MIN_SCORE_RULE, MIN_SCORE_NAME = "CHK002", "under-min-score"


@dataclass(frozen=True)
class ReportOptions:
    """What a reporter may need besides the result; every reporter takes all of it."""

    exit_zero: bool = False  # --exit-zero: the verdict line says a failed gate was ignored
    cwd: Path | None = None  # the folder report paths are relative to (SARIF's %SRCROOT%); None: the working folder


@dataclass(frozen=True)
class CheckedFinding:
    finding: Finding
    fingerprint: str
    line: int  # 1-based, in the source file
    column: int
    end_line: int
    end_column: int  # exclusive, like SARIF's endColumn
    baselined: bool
    blocking: bool

    @property
    def status(self) -> str:
        return "suppressed" if self.finding.suppressed else "baselined" if self.baselined else "new"


@dataclass(frozen=True)
class PageResult:
    path: str  # as reported: relative to the working folder, posix separators
    report: Report  # findings carry `suppressed`; the score ignores suppressed findings
    findings: tuple[CheckedFinding, ...]
    unused: tuple[UnusedSuppression, ...]
    fail_on: Severity
    min_score: int | None
    under_min_score: bool

    @property
    def blocking(self) -> tuple[CheckedFinding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def unused_block(self) -> bool:
        """Unused suppressions count as low-severity findings of the pseudo-rule CHK001."""
        return bool(self.unused) and self.fail_on == "low"

    @property
    def failed(self) -> bool:
        return bool(self.blocking) or self.under_min_score or self.unused_block

    @property
    def score_message(self) -> str:
        if self.report.band == NOT_ASSESSED:
            return f"page is not assessed (language {self.report.language.code}) and --fail-not-assessed is set"
        return f"page score {self.report.score}/100 ({self.report.band}) is under min-score {self.min_score}"


@dataclass(frozen=True)
class FileError:
    path: str
    message: str


@dataclass(frozen=True)
class Skipped:
    """A named file that its config excludes: reported, never dropped silently."""

    display: str
    reason: str


@dataclass(frozen=True)
class CiResult:
    pages: tuple[PageResult, ...]
    errors: tuple[FileError, ...]
    skipped: tuple[Skipped, ...]
    rules: tuple[Rule, ...]  # the Rule objects in use (union over configs), sorted by id
    fail_on: Severity  # the run-wide threshold when every page shares one (else the CLI's or "high")
    min_score: int | None
    baseline: bool  # a baseline was applied
    report_unused: bool

    @property
    def failed(self) -> bool:
        return any(p.failed for p in self.pages)

    def exit_code(self, *, exit_zero: bool = False) -> int:
        if self.errors:
            return 2
        return 1 if self.failed and not exit_zero else 0
