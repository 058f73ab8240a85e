"""The audit journal: an append-only JSONL file of finished pages, the audit's only state.

Line 1 is a header with the audit's configuration; every other line is one page's record. The
writer appends whole lines and flushes after each batch, so after kill -9 every line but possibly
a torn last one is intact; it also fsyncs at most once a second (and on close), so a power cut
loses at most the last second of work, which a resume redoes. Reading stops at the first line that
is not a complete JSON record; resuming cuts the file there and appends. The final tables are
built from the journal, so a page is never lost and, keyed by path with the last record
winning, never counted twice. A journal whose header is torn holds nothing done: a resume starts over.

One audit at a time writes to an output folder: `OutputLock` holds an exclusive flock on a lock
file in it for the whole run, and writes the holder's PID there so a second run can name it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from checker.errors import ConfigError, Errors, InputError

try:
    import fcntl
except ImportError:  # not on POSIX: no lock
    fcntl = None  # type: ignore[assignment]

FORMAT = "checker.audit-journal/1"
LOCK = ".audit.lock"


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a page's record sits in the journal, with what ordering and selection need."""

    offset: int
    length: int
    status: str
    score: int | None


@dataclass
class JournalIndex:
    config: dict[str, Any] | None
    entries: dict[str, Entry]  # path -> its last complete record
    good_end: int  # byte offset just past the last complete line
    rules: dict[str, dict[str, str]]  # rule id -> {"why", "source"}, shared by the records


def scan(path: Path) -> JournalIndex:
    """Index a journal without keeping its records in memory."""
    entries: dict[str, Entry] = {}
    config = None
    rules: dict[str, dict[str, str]] = {}
    offset = 0
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn last line
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                break  # a torn line: it and what follows are dropped, and those pages checked again
            if config is None:
                if not isinstance(record, dict) or record.get("journal") != FORMAT:
                    raise InputError(Errors.E803, path=str(path))
                config = record.get("config", {})
                rules = record.get("rules", {})
            else:
                try:
                    page = record["page"]
                    entries[record["path"]] = Entry(offset, len(raw), page["status"], page.get("score"))
                except (KeyError, TypeError):
                    break  # a line cut to something that still parses: torn as well
            offset += len(raw)
    return JournalIndex(config, entries, offset, rules)


class OutputLock:
    """An exclusive flock on OUT/.audit.lock, held until `release` (or the process ends, even by
    kill -9: the kernel drops it, and the file left behind locks again). A second audit on the
    same folder gets a ConfigError naming the holder's PID. The file is removed on release."""

    def __init__(self, out: Path) -> None:
        self.path = out / LOCK
        self._fd: int | None = None
        if fcntl is None:
            return
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise ConfigError(Errors.E620.format(pid=holder), path=str(out)) from None
            try:
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)  # the holder removed the file as we locked it: lock the current one
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)  # while still locked, so no one locks a removed file
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_record(fh: BinaryIO, entry: Entry) -> dict[str, Any]:
    fh.seek(entry.offset)
    return orjson.loads(fh.read(entry.length))


def iter_records(path: Path, entries: dict[str, Entry], order: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The records of `order` (paths), read one at a time."""
    with open(path, "rb") as fh:
        for key in order:
            yield read_record(fh, entries[key])


class JournalWriter:
    """Appends record lines (encoded by the workers: see checker.audit.worker.finished)."""

    SYNC_SECONDS = 1.0

    def __init__(self, path: Path, *, config: dict[str, Any], resume_at: int | None,
                 rules: dict[str, dict[str, str]] | None = None) -> None:
        self.path = path
        self._synced = 0.0
        if resume_at is None:
            self._fh: BinaryIO = open(path, "wb")
            header = {"journal": FORMAT, "config": config, "rules": rules or {}}
            self.append([orjson.dumps(header) + b"\n"])
        else:
            self._fh = open(path, "r+b")
            self._fh.truncate(resume_at)
            self._fh.seek(resume_at)

    def append(self, lines: list[bytes]) -> None:
        """Whole lines, each ending in a newline; in the file (not only in a buffer) on return."""
        if not lines:
            return
        self._fh.write(b"".join(lines))
        self._fh.flush()
        now = time.monotonic()
        if now - self._synced >= self.SYNC_SECONDS:
            os.fsync(self._fh.fileno())
            self._synced = now

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
