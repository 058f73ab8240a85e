"""`checker rules`: list rules, show one, validate a user's pack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from checker.cli.app import app

rules_app = typer.Typer(help="List the rules, show one, or validate your own rule pack.", invoke_without_command=True)
app.add_typer(rules_app, name="rules")


def rule_dict(rule) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": rule.id, "name": rule.name, "pack": rule.pack, "kind": rule.kind, "severity": rule.severity,
        "confidence": rule.confidence, "message": rule.message, "rationale": rule.rationale.strip(),
        "references": list(rule.references), "taxonomy": rule.taxonomy, "aliases": list(rule.aliases),
        "match": rule.match.model_dump(), "path": rule.path,
    }


@rules_app.callback()
def list_rules(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    pack: Annotated[str | None, typer.Option("--pack", help="Only this pack.")] = None,
    packs: Annotated[list[Path] | None, typer.Option("--packs", help="Also load the pack(s) in this folder.")] = None,
) -> None:
    """List every rule (id, pack, severity, name)."""
    if ctx.invoked_subcommand:
        return
    from checker.engine import load_ruleset

    rs = load_ruleset(extra_pack_dirs=packs or ())
    rules = [r for r in rs.rules if pack is None or r.pack == pack]
    if format == "json":
        typer.echo(json.dumps([rule_dict(r) for r in rules], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rules)} rules", title_justify="left")
    for col in ("id", "pack", "severity", "kind", "name"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, r.pack, r.severity, r.kind, r.name)
    Console().print(table)


@rules_app.command("show")
def show(
    rule_id: Annotated[str, typer.Argument(help="Rule id or name, e.g. UNP001 or cure-reverse-claim.")],
    format: Annotated[str, typer.Option("--format", "-f")] = "text",
) -> None:
    """Show one rule: what it matches, why it matters, its sources."""
    from checker.engine import load_ruleset
    from checker.errors import CheckerError, Errors

    rule = load_ruleset().get(rule_id)
    if rule is None:
        raise CheckerError(Errors.E623.format(rule=rule_id))
    data = rule_dict(rule)
    if format == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{rule.id}  {rule.name}  [{rule.pack}]  severity={rule.severity}  confidence={rule.confidence}  kind={rule.kind}")
    typer.echo(f"\nmessage: {rule.message}\n\n{rule.rationale.strip()}\n\nreferences:")
    for ref in rule.references:
        typer.echo(f"  - {ref}")
    typer.echo(f"\nmatch: {json.dumps(data['match'], ensure_ascii=False)[:1500]}")
    typer.echo(f"file: {rule.path}")


@rules_app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="A rule pack folder: pack.yml plus one YAML file per rule.")],
    cases: Annotated[Path | None, typer.Option("--cases", help="Folder of case files (default: PATH/cases if present).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Validate a rule pack and run its cases. Exit 0: all pass; 1: a case failed; 2: a schema error."""
    from checker.engine.cases import validate_pack

    result = validate_pack(path, cases_dir=cases)
    if format == "json":
        typer.echo(json.dumps({
            "pack": result.pack, "path": result.path, "rules": list(result.rules), "cases_dir": result.cases_dir,
            "passed": sum(r.passed for r in result.results), "failed": len(result.failed),
            "failures": [{"case": r.case.id, "file": r.case.path, "reason": r.reason} for r in result.failed],
            "rules_without_cases": list(result.rules_without_cases),
        }, ensure_ascii=False, indent=2))
    else:
        for r in result.failed:
            typer.echo(f"FAIL {r.case.id} ({r.case.path}): {r.reason}")
        passed = len(result.results) - len(result.failed)
        where = f" from {result.cases_dir}" if result.cases_dir else " (no cases found)"
        typer.echo(f"pack {result.pack}: {len(result.rules)} rule(s) valid; {len(result.results)} case(s){where}: "
                   f"{passed} passed, {len(result.failed)} failed")
        if result.rules_without_cases:
            typer.echo(f"rules without cases: {', '.join(result.rules_without_cases)}")
    if not result.ok:
        raise typer.Exit(1)
