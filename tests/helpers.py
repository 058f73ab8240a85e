"""Texts and helpers shared by the CLI tests (fixtures live in conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

CLEAN = "The clinic opens at nine on weekdays. Parking is free behind the building.\n"
SAFE = "Stem cell therapy is FDA registered.\n"  # UNR001 fda-registered-misdirection, high
HYPE = "Our new sign-up form makes booking easy. Completely safe hours every Friday!\n"  # UNP004 no-risk, medium only


def run_cli(monkeypatch, capsys, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `checker ARGS` in this process: (exit code, stdout, stderr)."""
    from checker.cli import main

    monkeypatch.setattr(sys, "argv", ["checker", *args])
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return (code if isinstance(code, int) else (0 if code is None else 2)), out, err


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
