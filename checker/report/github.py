"""GitHub Actions workflow commands: one annotation per new finding, shown on the pull request's
diff. high -> error, medium -> warning, low -> notice. Suppressed and baselined findings are
not annotated (they are counted in the closing summary line)."""

from __future__ import annotations

from typing import TextIO

from checker.report.model import MIN_SCORE_NAME, MIN_SCORE_RULE, UNUSED_NAME, UNUSED_RULE, CiResult, ReportOptions
from checker.report.text import summary

LEVEL = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message, as GitHub's toolkit does (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus `:` and `,`, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, *, file: str, line: int | None = None, col: int | None = None,
               end_line: int | None = None, end_column: int | None = None, title: str | None = None) -> str:
    props = [("file", file), ("line", line), ("col", col), ("endLine", end_line), ("endColumn", end_column), ("title", title)]
    body = ",".join(f"{k}={escape_property(str(v))}" for k, v in props if v is not None)
    return f"::{level} {body}::{escape_data(message)}"


def render(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    lines = []
    for page in result.pages:
        for c in page.findings:
            if c.status != "new":
                continue
            f = c.finding
            lines.append(annotation(
                LEVEL[f.severity], f.message, file=page.path, line=c.line, col=c.column,
                end_line=c.end_line, end_column=c.end_column, title=f"{f.rule} {f.name}",
            ))
        for u in page.unused:
            lines.append(annotation("notice", u.message, file=page.path, line=u.line, col=u.column,
                                    title=f"{UNUSED_RULE} {UNUSED_NAME}"))
        if page.under_min_score:
            lines.append(annotation("error", page.score_message, file=page.path, title=f"{MIN_SCORE_RULE} {MIN_SCORE_NAME}"))
    for err in result.errors:
        lines.append(annotation("error", err.message, file=err.path, title="checker: cannot read file"))
    lines.append(summary(result, exit_zero=options.exit_zero))
    stream.writelines(line + "\n" for line in lines)
