"""The one glob dialect of `--include`/`--exclude` in `ci` and `audit`, gitignore-style: `*` and
`?` stay within a path segment, `**` crosses segments (`**/x`, `dir/**`), a pattern without `/`
matches a name at any depth, a leading `/` anchors it at the root. Matching ignores case (git's
`core.ignorecase`): saved pages come as `.HTM` as often as `.html`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import PurePosixPath


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as an anchored regex over posix relative paths."""
    pat = pattern.strip().replace(os.sep, "/")
    anchored = pat.startswith("/")
    pat = pat.strip("/")
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("/**", i) and i + 3 == len(pat):  # `dir/**`: the folder and all under it
            out.append("(?:/.*)?")
            i += 3
        elif pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (end := _class_end(pat, i)) != -1:
            body = pat[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out)
    if "/" not in pat and not anchored:
        body = "(?:.*/)?" + body
    return re.compile(body + r"\Z", re.IGNORECASE)


def _class_end(pat: str, i: int) -> int:
    """Index of the `]` closing the character class opened at pat[i], or -1."""
    j = i + 1
    if pat[j:j + 1] == "!":
        j += 1
    if pat[j:j + 1] == "]":
        j += 1
    return pat.find("]", j)


def glob_match(patterns: Iterable[str], rel: str, *, folders: bool = False) -> str | None:
    """The first pattern that matches `rel` (or, with folders=True, one of its parent folders)."""
    candidates = [rel]
    if folders:
        parts = PurePosixPath(rel).parts
        candidates += ["/".join(parts[:n]) for n in range(1, len(parts))]
    for pattern in patterns:
        rx = glob_regex(pattern)
        if any(rx.match(c) for c in candidates):
            return pattern
    return None
