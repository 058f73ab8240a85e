"""The per-user cache folder: data checker can rebuild at any time, kept to start faster.

`$XDG_CACHE_HOME/checker` (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
`~/.cache/checker`. Reading and writing never raise: a missing, unreadable or unwritable cache
is the same as an empty one, and the caller rebuilds what it needed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

KEEP = 4  # files of one kind kept (a file per lexicon: tests and custom lexicons make new ones)


def cache_dir() -> Path | None:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "checker"
    try:
        return Path.home() / ".cache" / "checker"
    except RuntimeError:  # no home directory to be found
        return None


def read(name: str) -> bytes | None:
    where = cache_dir()
    if where is None:
        return None
    try:
        return (where / name).read_bytes()
    except (OSError, ValueError):
        return None


def write(name: str, data: bytes, *, prune: str = "") -> bool:
    """Write atomically (a concurrent reader sees the old file or the new one, never half of one);
    then, if `prune` is a glob, delete all but the KEEP newest files it matches (this one among them).
    False on any failure."""
    where = cache_dir()
    if where is None:
        return False
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, where / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if prune:
            _prune(where, prune, keep=name)
        return True
    except (OSError, ValueError):
        return False


def _prune(where: Path, pattern: str, keep: str) -> None:
    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    others = sorted((p for p in where.glob(pattern) if p.name != keep), key=mtime, reverse=True)
    for old in others[KEEP - 1:]:
        old.unlink(missing_ok=True)
