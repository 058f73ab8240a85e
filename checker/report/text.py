"""Plain text for CI logs and editors: one `file:line:col: severity RULE message [name]` line per
new finding, then one summary line. Suppressed and baselined findings are only counted; files
that could not be read are counted here and named on standard error by the CLI."""

from __future__ import annotations

from typing import TextIO

from checker.report.model import MIN_SCORE_NAME, MIN_SCORE_RULE, UNUSED_NAME, UNUSED_RULE, CiResult, ReportOptions


def finding_lines(result: CiResult) -> list[str]:
    lines = []
    for page in result.pages:
        rows: list[tuple[int, int, str]] = []
        for c in page.findings:
            if c.status == "new":
                f = c.finding
                rows.append((c.line, c.column, f"{f.severity} {f.rule} {one_line(f.message)} [{f.name}]"))
        for u in page.unused:
            rows.append((u.line, u.column, f"low {UNUSED_RULE} {u.message} [{UNUSED_NAME}]"))
        if page.under_min_score:
            rows.append((1, 1, f"high {MIN_SCORE_RULE} {page.score_message} [{MIN_SCORE_NAME}]"))
        lines += [f"{page.path}:{line}:{col}: {text}" for line, col, text in sorted(rows, key=lambda r: (r[0], r[1]))]
    for skip in result.skipped:
        lines.append(f"{skip.display}: skipped: {skip.reason}")
    return lines


def summary(result: CiResult, *, exit_zero: bool = False) -> str:
    """One line: what was checked, what blocks, what was set aside, and the verdict."""
    findings = [c for p in result.pages for c in p.findings]
    new = sum(c.status == "new" for c in findings)
    blocking = sum(c.blocking for c in findings)
    suppressed = sum(c.status == "suppressed" for c in findings)
    baselined = sum(c.status == "baselined" for c in findings)
    parts = [f"{len(result.pages)} page{'s' * (len(result.pages) != 1)} checked",
             f"{new} finding{'s' * (new != 1)} ({blocking} at or above {result.fail_on})"]
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    if result.baseline:
        parts.append(f"{baselined} baselined")
    unused = sum(len(p.unused) for p in result.pages)
    if result.report_unused:
        parts.append(f"{unused} unused suppression{'s' * (unused != 1)}")
    low_scores = sum(p.under_min_score for p in result.pages)
    if result.min_score is not None or low_scores:
        parts.append(f"{low_scores} under min-score")
    if result.skipped:
        parts.append(f"{len(result.skipped)} skipped")
    if result.errors:
        parts.append(f"{len(result.errors)} unreadable")
    code = result.exit_code(exit_zero=exit_zero)
    verdict = "error" if code == 2 else "failed" if result.failed else "passed"
    if result.failed and exit_zero and code == 0:
        verdict = "failed (ignored: --exit-zero)"
    return f"checker: {', '.join(parts)}: {verdict}"


def render(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    for line in finding_lines(result):
        stream.write(line + "\n")
    stream.write(summary(result, exit_zero=options.exit_zero) + "\n")


def one_line(text: str) -> str:
    return " ".join(text.split())
