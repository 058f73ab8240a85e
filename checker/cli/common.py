"""Options shared by commands, and building an Analyzer from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

PacksOpt = Annotated[list[Path] | None, typer.Option("--packs", help="Also load the rule pack(s) in this folder (repeatable).")]
DisableOpt = Annotated[list[str] | None, typer.Option("--disable", help="Disable a rule, by id or name, or a whole pack (repeatable).")]


def configured_analyzer(paths: list[str], packs: list[Path] | None = None, disable: list[str] | None = None):  # type: ignore[no-untyped-def]
    """An Analyzer with the nearest config's packs, disabled rules and severity overrides (found
    upward from the inputs' common folder; see checker.config), the command-line flags on top."""
    import os

    from checker.analyze import Analyzer
    from checker.config import load_rules, settings_for

    files = [os.path.abspath(p) for p in paths if p != "-"]
    anchor = Path(os.path.commonpath(files)) if files else Path.cwd()
    settings = settings_for(anchor).merged(packs=tuple(packs or ()), disable=tuple(disable or ()))
    return Analyzer(ruleset=load_rules(settings))
