"""`checker scan` and `checker explain`."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from checker.cli.app import app
from checker.cli.common import DisableOpt, PacksOpt, configured_analyzer
from checker.errors import CheckerError, Errors
from checker.ingest import DEFAULT_MAX_BYTES
from checker.ingest.fetch import DEADLINE_SECONDS
from checker.suppress import apply_suppressions


class ScanFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class InputFormat(str, Enum):
    auto = "auto"
    text = "text"
    html = "html"
    markdown = "markdown"


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files to scan (HTML, Markdown or text); '-' reads standard input.")],
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="text (a readable report), json (one report; a list for several inputs), jsonl (one report per line) or html (one page's self-contained report).")] = ScanFormat.text,
    input_format: Annotated[InputFormat, typer.Option("--input-format", help="How to read the inputs; auto uses the file extension and content.")] = InputFormat.auto,
    packs: PacksOpt = None,
    disable: DisableOpt = None,
    claims: Annotated[bool, typer.Option("--claims/--no-claims", help="Show the claims table (text format).")] = True,
    cautions: Annotated[bool, typer.Option("--cautions/--no-cautions", help="Show the cautions table (text format).")] = True,
    max_bytes: Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse inputs larger than this (default 50 MB).")] = DEFAULT_MAX_BYTES,
    allow_private: Annotated[bool, typer.Option("--allow-private", help="Fetch URLs from loopback, private and link-local addresses too (your own intranet); refused by default.")] = False,
    fetch_deadline: Annotated[float, typer.Option("--fetch-deadline", min=0.1, help="Seconds allowed for fetching each URL, redirects included.")] = DEADLINE_SECONDS,
    compact: Annotated[bool, typer.Option("--compact", help="One line per finding (text format).")] = False,
) -> None:
    """Scan clinic pages (files, '-' for stdin, or http/https URLs) and explain what is wrong with their treatment claims."""
    from checker.report.json import to_dict

    analyzer = configured_analyzer([p for p in paths if "://" not in p], packs, disable)
    analyzer.max_bytes = max_bytes
    analyzer.allow_private, analyzer.fetch_deadline = allow_private, fetch_deadline
    fmt = None if input_format is InputFormat.auto else input_format.value
    failed = 0
    reports = []
    console = None
    if format is ScanFormat.text:
        from rich.console import Console

        console = Console(highlight=False)
    for path in paths:
        try:
            report = analyzer.check_file(path, format=fmt)
        except CheckerError as exc:
            failed += 1
            typer.echo(f"checker: error: {exc}", err=True)
            error = {"schema": "checker.report/1", "source": path, "error": exc.detail}
            if format is ScanFormat.jsonl:
                typer.echo(json.dumps(error, ensure_ascii=False))
            elif format is ScanFormat.json:
                reports.append(error)  # every input keeps its place in the list
            continue
        # inline suppression comments count here as in `ci` and `audit`: one file, one score
        report = apply_suppressions(report, weights_of=analyzer.rule_weights).report
        if format is ScanFormat.text:
            from checker.report.console import render

            render(report, console, show_claims=claims, show_cautions=cautions, compact=compact)  # type: ignore[arg-type]
        elif format is ScanFormat.jsonl:
            typer.echo(json.dumps(to_dict(report), ensure_ascii=False))
        elif format is ScanFormat.html:
            from checker.report.html import render as render_html

            if len(paths) > 1:
                raise CheckerError(Errors.E613, key="--format")
            typer.echo(render_html(report), nl=False)
        else:
            reports.append(to_dict(report))
    if format is ScanFormat.json and reports:
        payload = reports[0] if len(paths) == 1 else reports
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        raise typer.Exit(2)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The text to read; '-' reads standard input.")],
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="text or json.")] = ScanFormat.text,
    input_format: Annotated[InputFormat, typer.Option("--input-format")] = InputFormat.text,
) -> None:
    """Show how the pipeline read a text: sentences, entities, qualifiers with their scope, claims."""
    from checker.explain import explain_text

    if text == "-":
        text = sys.stdin.read()
    fmt = "text" if input_format is InputFormat.auto else input_format.value
    data = explain_text(text, format=fmt)
    if format is not ScanFormat.text:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for i, s in enumerate(data["sentences"], 1):
        console.print(Text(f"[{i}] {s['text']}", style="bold"))
        for e in s["entities"]:
            extra = f" status={e['status']}" if "status" in e else ""
            neg = " NEGATED" if e["negated"] else ""
            console.print(f"    entity     {e['label']:<17} {e['text']!r} → {e['key']}{extra}{neg}", markup=False)
        for q in s["qualifiers"]:
            console.print(f"    qualifier  {q['category']:<17} {q['trigger']!r} governs {q['scope']!r}", markup=False)
        for c in s["claims"]:
            console.print(Text(
                f"    CLAIM      {c['modality']}: {c['intervention'] or '—'} ({c['intervention_source']}) "
                f"{c['effect']} → {c['target']} [{c['status']}, {c['condition_source']}]", style="green"))
            if c.get("syntax"):
                console.print(f"               via {' · '.join(c['syntax'])}", markup=False)
        if s.get("tokens"):
            console.print("    parse      " + " ".join(f"{t['text']}/{t['tag']}/{t['lemma']}/{t['dep']}>{t['head']}" for t in s["tokens"]),
                          markup=False, soft_wrap=True)
        for cat in s["cautions"]:
            console.print(Text(f"    caution    {cat}", style="cyan"))
