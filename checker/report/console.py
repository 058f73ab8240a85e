"""The terminal report (rich): score and band first, then findings, claims and cautions."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checker.types import Report

_SEV_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
_BAND_STYLE = {"high": "bold green", "mixed": "bold yellow", "low": "bold red", "very low": "bold white on red"}


def render(report: Report, console: Console, *, show_claims: bool = True, show_cautions: bool = True) -> None:
    page = report.page
    head = Text.assemble(
        (f"{report.source}", "bold"), "  ",
        (f"score {report.score}/100", _BAND_STYLE.get(report.band, "bold")), "  ",
        (f"credibility: {report.band}", _BAND_STYLE.get(report.band, "bold")),
        f"   {len(report.findings)} findings · {len(report.claims)} claims · {len(report.cautions)} cautions · {report.word_count} words",
    )
    parts: list = [head]
    for note in report.notes:
        parts.append(Text(f"note: {note}", style="italic yellow"))
    if report.score < 50:
        parts.append(Text("A score under 50 means a reader should not trust this page's treatment claims.", style="italic"))
    console.print(Panel(Group(*parts), expand=True))

    if report.findings:
        console.print(Text("Findings", style="bold underline"))
        for f in report.findings:
            line, col = page.position(f.start)
            title = Text.assemble(
                (f"{line}:{col}", "dim"), "  ", (f"{f.severity.upper():6}", _SEV_STYLE[f.severity]), " ",
                (f"{f.rule} {f.name}", "bold"), (f"  [{f.pack}]", "dim"),
                (f"  {f.explanation.contribution:+.1f} pts", "dim"),
            )
            console.print(title)
            if f.match:
                console.print(Text("    “" + " ".join(f.match.split())[:160] + "”", style="italic"))
            console.print(Text(f"    {f.message}"))
            console.print(Text(f"    why: {f.explanation.why}", style="dim"))
            for m in f.explanation.modifiers:
                console.print(Text(f"    note: {m}", style="dim"))
            console.print(Text(f"    source: {f.explanation.source}", style="dim blue"))
    else:
        console.print(Text("No findings.", style="green"))

    if show_claims and report.claims:
        table = Table(title="Claims found", title_justify="left", show_lines=False, expand=True)
        for col, kw in (("line", {"style": "dim", "no_wrap": True}), ("modality", {}), ("intervention", {}),
                        ("effect", {}), ("condition / body part", {}), ("status", {})):
            table.add_column(col, **kw)
        for c in report.claims:
            table.add_row(str(page.position(c.start)[0]), c.modality, c.intervention or "—", c.effect,
                          c.condition or c.body_part or "—", c.condition_status.replace("_", " "))
        console.print(table)
    if show_cautions and report.cautions:
        table = Table(title="Cautions credited", title_justify="left", expand=True)
        table.add_column("line", style="dim", no_wrap=True)
        table.add_column("category")
        table.add_column("sentence")
        for c in report.cautions:
            table.add_row(str(page.position(c.start)[0]), c.category, " ".join(c.sentence.split())[:140])
        console.print(table)
