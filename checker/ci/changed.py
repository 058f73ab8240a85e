"""Files changed since a git revision: committed since the merge base (`REV...HEAD`), plus staged,
unstaged and untracked (not ignored) files. Deleted files are left out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from checker.errors import CheckerError, Errors

_OPTION = "--changed-since"


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CheckerError(Errors.E810, key=_OPTION) from None


def _names(out: str) -> list[str]:
    return [n for n in out.split("\0") if n]


def changed_files(rev: str, *, cwd: Path) -> set[Path]:
    """Absolute paths of the existing files changed since `rev`. CheckerError (exit 2) when `cwd`
    is not in a git work tree or `rev` is not a commit."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise CheckerError(Errors.E811.format(folder=cwd), key=_OPTION)
    root = Path(top.stdout.strip())
    if rev.startswith("-") or _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root).returncode != 0:
        raise CheckerError(Errors.E812.format(rev=rev), key=_OPTION)
    names: set[str] = set()
    for args in (
        ["diff", "--name-only", "-z", f"{rev}...HEAD", "--"],  # committed since the merge base
        ["diff", "--name-only", "-z", "HEAD", "--"],  # staged and unstaged
        ["ls-files", "--others", "--exclude-standard", "-z"],  # untracked
    ):
        done = _git(args, root)
        if done.returncode != 0:
            raise CheckerError(Errors.E813.format(command=" ".join(args[:2]), reason=done.stderr.strip() or done.returncode), key=_OPTION)
        names.update(_names(done.stdout))
    return {p for p in ((root / n).resolve() for n in names) if p.is_file()}
