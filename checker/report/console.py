"""The terminal report (rich): the score and how it adds up, then the page-level findings, the
findings in the text (by severity, then position; each rule's rationale once), claims and
cautions. `compact` prints one line per finding."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checker.claims import unproven_claims
from checker.scoring import NO_CLAIMS, NOT_ASSESSED
from checker.types import Claim, Finding, Report, severity_rank

_SEV_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
_BAND_STYLE = {"high": "bold green", "mixed": "bold yellow", "low": "bold red", "very low": "bold white on red",
               NO_CLAIMS: "bold blue", NOT_ASSESSED: "bold magenta"}
_TOP_ITEMS = 6  # the largest contributions shown under the score


def render(report: Report, console: Console, *, show_claims: bool = True, show_cautions: bool = True,
           compact: bool = False) -> None:
    active = [f for f in report.findings if not f.suppressed]
    page_level = sorted((f for f in active if f.scope == "page"), key=_order)
    in_text = sorted((f for f in active if f.scope != "page"), key=_order)
    suppressed = len(report.findings) - len(active)
    console.print(Panel(Group(*_head(report, suppressed)), expand=True))
    if compact:
        for f in [*page_level, *in_text]:
            console.print(Text.assemble((_where(report, f), "dim"), " ", (f"{f.severity:6}", _SEV_STYLE[f.severity]), " ",
                                        (f.rule, "bold"), f" {_one_line(f.message)} ", (f"{f.explanation.contribution:+.1f}", "dim")))
        return
    if page_level:
        console.print(Text("About the whole page", style="bold underline"))
        _findings(report, page_level, console)
    if in_text:
        console.print(Text("In the text", style="bold underline"))
        _findings(report, in_text, console)
    if not active and report.band != NOT_ASSESSED:
        console.print(Text("No findings.", style="green"))
    if show_claims and report.claims:
        _claims_table(report, console)
    if show_cautions and report.cautions:
        table = Table(title="Cautions credited", title_justify="left", expand=True)
        for col in ("line", "category", "sentence"):
            table.add_column(col, style="dim" if col == "line" else None, no_wrap=col == "line")
        for c in report.cautions:
            table.add_row(str(report.page.position(c.start)[0]), c.category, " ".join(c.sentence.split())[:140])
        console.print(table)


def _head(report: Report, suppressed: int) -> list[Text]:
    style = _BAND_STYLE.get(report.band, "bold")
    if report.band == NOT_ASSESSED:
        verdict = Text(f"not assessed ({report.language.code})", style=style)
    elif report.band == NO_CLAIMS:
        verdict = Text("no treatment claims: nothing to judge", style=style)
    else:
        verdict = Text.assemble((f"score {report.score}/100", style), "  ", (f"credibility: {report.band}", style))
    unproven = len(unproven_claims(report.claims))
    counts = (f"   {len(report.findings) - suppressed} findings{f' ({suppressed} suppressed)' if suppressed else ''} · "
              f"{len(report.claims)} claims ({unproven} made for uses not established or approved) · "
              f"{len(report.cautions)} cautions · {report.word_count} words")
    lines = [Text.assemble((report.source, "bold"), "  ", verdict, counts)]
    lines += [Text(f"note: {note}", style="italic yellow") for note in report.notes]
    if report.band not in {NO_CLAIMS, NOT_ASSESSED}:
        lines.append(_breakdown(report))
        if report.score < 50:
            lines.append(Text("A score under 50 means a reader should not trust this page's treatment claims.", style="italic"))
    return lines


def _breakdown(report: Report) -> Text:
    """base + the largest contributions (+ the rest) + cautions credited = score."""
    base = sum(i.points for i in report.breakdown if i.kind == "base")
    findings = sorted((i for i in report.breakdown if i.kind not in {"base", "caution"}), key=lambda i: i.points)
    credits = [i for i in report.breakdown if i.kind == "caution"]
    shown, rest = findings[:_TOP_ITEMS], findings[_TOP_ITEMS:]
    parts = [f"{base:g} base"] + [f"{i.points:+.1f} {i.label}" for i in shown]
    if rest:
        parts.append(f"{sum(i.points for i in rest):+.1f} {len(rest)} more")
    if credits:
        names = ", ".join(i.label.removeprefix("gives a ").removesuffix(" caution") for i in credits)
        parts.append(f"{sum(i.points for i in credits):+.1f} cautions ({names})")
    return Text("= " + "  ".join(parts) + f"  = {report.score}", style="dim")


def _findings(report: Report, findings: list[Finding], console: Console) -> None:
    explained: set[str] = set()
    for f in findings:
        console.print(Text.assemble(
            (_where(report, f), "dim"), "  ", (f"{f.severity.upper():6}", _SEV_STYLE[f.severity]), " ",
            (f"{f.rule} {f.name}", "bold"), (f"  [{f.pack}]", "dim"), (f"  {f.explanation.contribution:+.1f} pts", "dim")))
        if f.match:
            console.print(_indented("“" + " ".join(f.match.split())[:160] + "”", "italic"))
        console.print(_indented(_one_line(f.message)))
        for m in f.explanation.modifiers:
            console.print(_indented(f"note: {m}", "dim"))
        if f.rule not in explained:  # a rule's rationale and source once, at its first finding
            explained.add(f.rule)
            console.print(_indented("why: " + _one_line(f.explanation.why), "dim"))
            console.print(_indented(f"source: {f.explanation.source}", "dim blue"))


_PART_STYLE = {"intervention": "underline magenta", "effect": "bold underline red", "condition": "underline blue",
               "body_part": "underline green"}


def _claims_table(report: Report, console: Console) -> None:
    table = Table(title="Claims found (underlined: intervention, effect, condition or body part)", title_justify="left",
                  show_lines=False, expand=True)
    for col in ("line", "modality", "status", "the claim"):
        table.add_column(col, style="dim" if col == "line" else None, no_wrap=col == "line")
    for c in report.claims:
        table.add_row(str(report.page.position(c.start)[0]), c.modality, c.condition_status.replace("_", " "), _claim_words(report, c))
    console.print(table)


def _claim_words(report: Report, claim: Claim) -> Text:
    """The claim's words with its parts underlined, cut to a window around them; parts resolved
    from elsewhere are named after it ("→ this therapy = stem cell therapy")."""
    located = [(name, p.start, p.end or p.start) for name in _PART_STYLE
               if (p := claim.parts.get(name)) is not None and p.start is not None]
    lo = min((s for _, s, _ in located), default=claim.start)
    hi = max((e for _, _, e in located), default=claim.end)
    start, end = max(claim.start, lo - 40), min(claim.end, hi + 40)
    raw = report.page.text[start:end]
    text = Text(("…" if start > claim.start else "") + raw.replace("\n", " ") + ("…" if end < claim.end else ""))
    shift = 1 if start > claim.start else 0
    for name, part_start, part_end in located:
        text.stylize(_PART_STYLE[name], part_start - start + shift, part_end - start + shift)
    elsewhere = [f"{name.replace('_', ' ')}: {p.text} ({p.resolved})" for name in _PART_STYLE
                 if (p := claim.parts.get(name)) is not None and p.start is None]
    if claim.intervention_source == "anaphora" and claim.intervention:
        elsewhere.append(f"= {claim.intervention}")
    if elsewhere:
        text.append("  → " + "; ".join(elsewhere), style="dim")
    return text


def _indented(text: str, style: str = "") -> Padding:
    """A finding's detail line, indented under its title, wrapped lines included."""
    return Padding(Text(text, style=style), (0, 0, 0, 4), expand=False)


def _order(f: Finding) -> tuple[int, int, str]:
    return (-severity_rank(f.severity), f.start, f.rule)


def _where(report: Report, f: Finding) -> str:
    if f.scope == "page":
        return "page"
    line, col = report.page.position(f.start)
    return f"{line}:{col}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
