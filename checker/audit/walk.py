"""Finding the inputs of an audit: a recursive, sorted walk with include/exclude globs.

Every regular file under the given folders becomes one `Input`, including the ones the audit will
not read (they carry the reason they are skipped), so nothing is silently dropped. Only hidden
folders (a name starting with '.') are pruned unless `hidden=True`, and the audit's own output
folder is never walked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from checker.errors import InputError

DEFAULT_INCLUDE: tuple[str, ...] = ("*.html", "*.htm", "*.md", "*.markdown", "*.txt")


@dataclass(frozen=True, slots=True)
class Input:
    path: str  # as the user will read it: the given folder joined with the relative path
    size: int
    skip: str | None = None  # why the audit does not read it; None: read it


def _matches(patterns: Sequence[str], rel: str) -> str | None:
    """The first pattern matching a relative posix path: patterns with a '/' match the whole
    path, others the file name (both case-insensitively, as file systems often are)."""
    name = rel.rsplit("/", 1)[-1].lower()
    low = rel.lower()
    for pattern in patterns:
        p = pattern.lower()
        if fnmatchcase(low if "/" in p else name, p):
            return pattern
    return None


def classify(rel: str, size: int, *, include: Sequence[str], exclude: Sequence[str], max_bytes: int) -> str | None:
    """Why a file is skipped, or None when it is to be read."""
    hit = _matches(exclude, rel)
    if hit is not None:
        return f"excluded by --exclude {hit!r}"
    if _matches(include, rel) is None:
        return "not an included file type (--include " + " ".join(include) + ")"
    if size == 0:
        return "empty file (0 bytes)"
    if size > max_bytes:
        return f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)"
    return None


def iter_inputs(
    roots: Sequence[str | os.PathLike[str]], *, include: Sequence[str] = DEFAULT_INCLUDE, exclude: Sequence[str] = (),
    max_bytes: int, hidden: bool = False, skip_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[Input]:
    """Yield every file under `roots` once, in a deterministic order. A root may also be a file."""
    seen_paths: set[str] = set()
    skip_real = {os.path.realpath(d) for d in skip_dirs}
    for root in roots:
        root_s = os.fspath(root)
        if not os.path.exists(root_s):
            raise InputError("no such file or directory", path=root_s)
        if not os.path.isdir(root_s):
            path = os.path.normpath(root_s)
            if path not in seen_paths:
                seen_paths.add(path)
                size = _size(path)
                yield Input(path, size, classify(Path(path).name, size, include=include, exclude=exclude, max_bytes=max_bytes)
                            if size >= 0 else None)
            continue
        visited: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root_s, followlinks=True):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in visited:  # a symlink loop or a second link to a folder
                dirnames[:] = []
                continue
            visited.add((st.st_dev, st.st_ino))
            dirnames[:] = sorted(
                d for d in dirnames
                if (hidden or not d.startswith(".")) and os.path.realpath(os.path.join(dirpath, d)) not in skip_real
            )
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                path = os.path.normpath(full)
                if path in seen_paths:
                    continue
                if not os.path.isfile(full):  # sockets, fifos, broken links: accounted for below
                    if os.path.islink(full):
                        seen_paths.add(path)
                        yield Input(path, -1, None)  # reading it reports the broken link as an error
                    continue
                seen_paths.add(path)
                rel = os.path.relpath(full, root_s).replace(os.sep, "/")
                size = _size(full)
                yield Input(path, size, classify(rel, size, include=include, exclude=exclude, max_bytes=max_bytes)
                            if size >= 0 else None)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1  # unreadable: the reader reports why
