"""JSON and JSON Lines for a ci run.

json: one document, schema "checker.ci/1": the run's settings and verdict, then every page as its
"checker.report/1" report (see checker.report.json) with ci fields added: the page's path,
fail_on, min_score, failed, under_min_score and unused_suppressions, and for each finding its
fingerprint, status (new | baselined | suppressed), blocking, end_line and end_column.
jsonl: one such page per line; unreadable files as {"source", "error"} lines and excluded named
files as {"source", "skipped"} lines."""

from __future__ import annotations

import json
from typing import Any, TextIO

from checker.report.json import SCHEMA as REPORT_SCHEMA
from checker.report.json import to_dict
from checker.report.model import UNUSED_NAME, UNUSED_RULE, CiResult, PageResult, ReportOptions

SCHEMA = "checker.ci/1"


def page_dict(page: PageResult) -> dict[str, Any]:
    data = to_dict(page.report)
    data.update(path=page.path, fail_on=page.fail_on, min_score=page.min_score, failed=page.failed,
                under_min_score=page.under_min_score)
    for item, c in zip(data["findings"], page.findings, strict=True):
        item.update(fingerprint=c.fingerprint, status=c.status, blocking=c.blocking,
                    end_line=c.end_line, end_column=c.end_column)
    data["unused_suppressions"] = [
        {"rule": UNUSED_RULE, "name": UNUSED_NAME, "line": u.line, "column": u.column, "directive": u.kind,
         "suppressed_rule": u.rule, "text": u.text, "message": u.message}
        for u in page.unused
    ]
    return data


def to_ci_dict(result: CiResult, *, exit_zero: bool = False) -> dict[str, Any]:
    from checker import __version__

    findings = [c for p in result.pages for c in p.findings]
    return {
        "schema": SCHEMA,
        "tool": {"name": "checker", "version": __version__},
        "fail_on": result.fail_on,
        "min_score": result.min_score,
        "exit_code": result.exit_code(exit_zero=exit_zero),
        "failed": result.failed,
        "counts": {
            "pages": len(result.pages),
            "new": sum(c.status == "new" for c in findings),
            "blocking": sum(c.blocking for c in findings),
            "suppressed": sum(c.status == "suppressed" for c in findings),
            "baselined": sum(c.status == "baselined" for c in findings),
            "unused_suppressions": sum(len(p.unused) for p in result.pages),
            "under_min_score": sum(p.under_min_score for p in result.pages),
            "errors": len(result.errors),
            "skipped": len(result.skipped),
        },
        "pages": [page_dict(p) for p in result.pages],
        "errors": [{"source": e.path, "error": e.message} for e in result.errors],
        "skipped": [{"source": s.display, "reason": s.reason} for s in result.skipped],
    }


def render_json(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    stream.write(json.dumps(to_ci_dict(result, exit_zero=options.exit_zero), ensure_ascii=False, indent=2) + "\n")


def render_jsonl(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    lines = [json.dumps(page_dict(p), ensure_ascii=False) for p in result.pages]
    lines += [json.dumps({"schema": REPORT_SCHEMA, "source": e.path, "error": e.message}, ensure_ascii=False)
              for e in result.errors]
    lines += [json.dumps({"schema": REPORT_SCHEMA, "source": s.display, "skipped": s.reason}, ensure_ascii=False)
              for s in result.skipped]
    stream.writelines(line + "\n" for line in lines)
