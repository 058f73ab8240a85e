"""Finding the inputs of an audit: a recursive, sorted walk with include/exclude globs.

Every path under the given folders becomes one `Input`, including the ones the audit will not
read (they carry the reason they are skipped, or the error met), so nothing is silently dropped:
FIFOs, sockets and devices (also behind symlinks) are skipped rows, never opened; a folder that
cannot be listed, a broken link or a file gone since its folder was listed are error rows. Only hidden
folders (a name starting with '.') are pruned unless `hidden=True`, and the audit's own output
folder is never walked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.config import DEFAULT_INCLUDE  # one list of page types for ci and audit
from checker.errors import Errors, InputError
from checker.globs import glob_match


@dataclass(frozen=True, slots=True)
class Input:
    path: str  # as the user will read it: the given folder joined with the relative path
    size: int  # -1: unknown (not a regular file, or it cannot be stat'ed)
    skip: str | None = None  # why the audit does not read it; None: read it
    error: str | None = None  # why it cannot be read at all, found by the walk (an error row)


def _matches(patterns: Sequence[str], rel: str, *, folders: bool = False) -> str | None:
    """The first pattern matching a relative posix path (or, with folders, one of its folders),
    in the one glob dialect `ci` uses too (checker.globs)."""
    return glob_match(patterns, rel, folders=folders)


def classify(rel: str, size: int, *, include: Sequence[str], exclude: Sequence[str], max_bytes: int) -> str | None:
    """Why a file is skipped, or None when it is to be read."""
    hit = _matches(exclude, rel, folders=True)
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
    """Yield every path under `roots` once, in a deterministic order. A root may also be a file.
    A folder that cannot be read is one error input; a path that is not a regular file (FIFO,
    socket, device, also behind a symlink) a skipped one; a path gone since it was listed an error."""
    seen_paths: set[str] = set()
    skip_real = {os.path.realpath(d) for d in skip_dirs}
    for root in roots:
        root_s = os.fspath(root)
        try:
            root_is_dir = stat.S_ISDIR(os.stat(root_s).st_mode)
        except OSError as exc:
            raise InputError(Errors.E305.format(reason=_stat_problem(root_s, exc)), path=root_s) from None
        if not root_is_dir:
            path = os.path.normpath(root_s)
            if path not in seen_paths:
                seen_paths.add(path)
                yield _entry(path, Path(path).name, include=include, exclude=exclude, max_bytes=max_bytes)
            continue
        visited: set[tuple[int, int]] = set()
        unreadable: list[OSError] = []
        walker = os.walk(root_s, followlinks=True, onerror=unreadable.append)
        while True:
            step = next(walker, None)
            for err in unreadable:  # os.walk met a folder it could not list: one row for the folder
                path = os.path.normpath(err.filename or root_s)
                if path not in seen_paths:
                    seen_paths.add(path)
                    yield Input(path, -1, error=f"cannot read this folder: {err.strerror or err}")
            unreadable.clear()
            if step is None:
                break
            dirpath, dirnames, filenames = step
            try:
                st = os.stat(dirpath)
            except OSError:  # removed since it was listed: its contents are not met
                dirnames[:] = []
                continue
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
                seen_paths.add(path)
                rel = os.path.relpath(full, root_s).replace(os.sep, "/")
                yield _entry(path, rel, include=include, exclude=exclude, max_bytes=max_bytes)


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


def special_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _stat_problem(path: str, exc: OSError) -> str:
    """Why a path cannot be stat'ed, in words: a broken link, a link loop, a vanished file..."""
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link (its target does not exist)" if os.path.islink(path) else "no such file or directory"
    return exc.strerror or str(exc)


def _entry(path: str, rel: str, *, include: Sequence[str], exclude: Sequence[str], max_bytes: int) -> Input:
    """One path the walk met, stat'ed (following links) but never opened. --exclude comes first."""
    hit = _matches(exclude, rel, folders=True)
    excluded = f"excluded by --exclude {hit!r}" if hit is not None else None
    try:
        st = os.stat(path)
    except OSError as exc:
        if excluded:
            return Input(path, -1, excluded)
        reason = _stat_problem(path, exc)
        if exc.errno == errno.ENOENT and not os.path.lexists(path):
            reason = "no such file (removed after the folder was listed)"
        return Input(path, -1, error=reason)
    if not stat.S_ISREG(st.st_mode):
        return Input(path, -1, excluded or f"not a regular file: {special_kind(st.st_mode)}")
    return Input(path, st.st_size, classify(rel, st.st_size, include=include, exclude=exclude, max_bytes=max_bytes))


def read_regular(path: str, max_bytes: int) -> bytes:
    """A regular file's bytes, never blocking on what is not one: opened with O_NONBLOCK (a FIFO
    opens at once) and checked with fstat on the opened descriptor before any read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.EACCES:
            raise InputError(Errors.E304, path=path) from None
        if exc.errno == errno.ENOENT and not os.path.lexists(path):
            raise InputError(Errors.E311, path=path) from None
        raise InputError(Errors.E305.format(reason=_stat_problem(path, exc)), path=path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(Errors.E310.format(kind=special_kind(st.st_mode)), path=path)
        if st.st_size > max_bytes:
            raise InputError(Errors.E303.format(size=st.st_size, limit=max_bytes), path=path)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(Errors.E305.format(reason=exc.strerror or exc), path=path) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise InputError(Errors.E306.format(limit=max_bytes), path=path)
    return data
