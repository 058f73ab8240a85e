"""Hardening of `checker audit` (issue 15): one audit per output folder, a torn journal resumed,
every path the walk meets accounted for (and nothing but regular files opened), a time budget
per page."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.audit import audit, read_tables
from checker.audit.engines import run_local
from checker.audit.journal import LOCK, OutputLock, scan
from checker.audit.walk import iter_inputs, read_regular
from checker.audit.worker import AnalyzerOptions, check_one, finished
from checker.errors import ConfigError, InputError

PAGE = "Our stem cell therapy cures arthritis. Book today.\n"


def pages(root: Path, n: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"p{i}.txt").write_text(f"{PAGE}Page {i}.\n")
    return root


def rows(out: Path) -> dict[str, tuple[str, str]]:
    table = read_tables(out)["pages"]
    return {Path(p).name: (s, r) for p, s, r in zip(table.path, table.status, table.reason)}


# ---- 1. one audit per output folder; a torn journal --------------------------------------------

def test_a_second_audit_on_the_same_out_is_refused_naming_the_holder(tmp_path):
    src, out = pages(tmp_path / "in"), tmp_path / "out"
    out.mkdir()
    with OutputLock(out):  # this process holds the folder, as a running audit would
        assert (out / LOCK).read_text().strip() == str(os.getpid())
        with pytest.raises(ConfigError, match=f"another audit \\(PID {os.getpid()}\\)"):
            audit([src], out=out, jobs=1)
        run = subprocess.run([sys.executable, "-m", "checker", "audit", str(src), "--out", str(out), "-q"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("checker: error:") and f"PID {os.getpid()}" in lines[0]
        assert not (out / "journal.jsonl").exists()  # the refused run touched nothing
    result = audit([src], out=out, jobs=1)  # released: the folder is free again
    assert result.complete and (result.total, result.ok) == (3, 3)


def test_a_torn_journal_tail_is_dropped_and_its_page_checked_again(tmp_path):
    src, out = pages(tmp_path / "in"), tmp_path / "out"
    audit([src], out=out, jobs=1)
    journal = out / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 4
    journal.write_bytes(b"".join(lines[:3]) + lines[3][:50])  # kill -9 in the middle of the last line
    assert len(scan(journal).entries) == 2
    result = audit([src], out=out, jobs=1, resume=True)
    assert result.complete and (result.total, result.ok, result.resumed) == (3, 3, 2)
    assert all(json.loads(line) for line in journal.read_bytes().splitlines())  # the torn bytes are gone
    # a last line cut to something that still parses as JSON is torn as well
    journal.write_bytes(b"".join(lines[:3]) + b'{"path": "x"}\n')
    assert len(scan(journal).entries) == 2 and scan(journal).good_end == len(b"".join(lines[:3]))


def test_a_journal_with_a_torn_header_resumes_from_scratch(tmp_path):
    src, out = pages(tmp_path / "in"), tmp_path / "out"
    out.mkdir()
    for torn in (b"", b'{"journal": "checker.au'):
        (out / "journal.jsonl").write_bytes(torn)
        result = audit([src], out=out, jobs=1, resume=True)
        assert result.complete and (result.total, result.ok, result.resumed) == (3, 3, 0)


# ---- 2. every path accounted for; nothing but regular files opened ------------------------------

@pytest.fixture
def odd_folder(tmp_path, monkeypatch):
    root = pages(tmp_path / "in", 2)
    os.mkfifo(root / "pipe.txt")
    (root / "to-pipe.txt").symlink_to(root / "pipe.txt")  # opening this blocked the audit forever
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.txt"))
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "devnull.txt").symlink_to("/dev/null")
    locked = root / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text(PAGE)
    locked.chmod(0)
    real_scandir = os.scandir

    def scandir(path=".", *args):  # root reads a mode-0 folder: make it fail as it does for anyone else
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)  # os.walk lists folders with os.scandir
    yield root
    locked.chmod(0o755)
    sock.close()


def test_every_path_the_walk_meets_gets_a_row(odd_folder, tmp_path):
    out = tmp_path / "out"
    start = time.monotonic()
    result = audit([odd_folder], out=out, jobs=1)
    assert time.monotonic() - start < 120
    got = rows(out)
    assert got["p0.txt"][0] == got["p1.txt"][0] == "ok"
    assert got["pipe.txt"] == ("skipped", "not a regular file: a FIFO (named pipe)")
    assert got["to-pipe.txt"] == ("skipped", "not a regular file: a FIFO (named pipe)")
    assert got["sock.txt"] == ("skipped", "not a regular file: a socket")
    assert got["devnull.txt"] == ("skipped", "not a regular file: a character device")
    assert got["loop.txt"][0] == "error" and "symbolic link loop" in got["loop.txt"][1]
    assert got["dangling.txt"] == ("error", "broken symbolic link (its target does not exist)")
    assert got["locked"] == ("error", "cannot read this folder: Permission denied")
    assert result.total == len(got) == 9 and result.complete
    summary = json.loads((out / "summary.json").read_text())
    assert summary["files"] == {"total": 9, "ok": 2, "skipped": 4, "error": 3, "pending": 0}


def test_exclude_comes_before_what_a_path_is(tmp_path):
    (tmp_path / "vendor").mkdir()
    os.mkfifo(tmp_path / "vendor" / "pipe.txt")
    (tmp_path / "vendor" / "gone.txt").symlink_to(tmp_path / "missing.txt")
    found = {Path(i.path).name: (i.skip, i.error) for i in iter_inputs([tmp_path], exclude=["vendor/*"], max_bytes=10)}
    assert found == {"pipe.txt": ("excluded by --exclude 'vendor/*'", None),
                     "gone.txt": ("excluded by --exclude 'vendor/*'", None)}


def test_a_file_removed_after_listing_is_an_error_row(tmp_path, monkeypatch):
    root = pages(tmp_path / "in", 2)
    real_walk = os.walk

    def walk_then_remove(*args, **kwargs):  # the folder is listed, then a file goes
        for step in real_walk(*args, **kwargs):
            (root / "p1.txt").unlink(missing_ok=True)
            yield step

    monkeypatch.setattr(os, "walk", walk_then_remove)
    found = {Path(i.path).name: i for i in iter_inputs([root], max_bytes=1000)}
    assert found["p1.txt"].error == "no such file (removed after the folder was listed)"
    with pytest.raises(InputError, match="removed after"):
        read_regular(str(root / "p1.txt"), 1000)


def test_nothing_but_a_regular_file_is_opened_for_reading(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    (tmp_path / "link.html").symlink_to(fifo)
    for path in (fifo, tmp_path / "link.html", Path("/dev/zero")):
        with pytest.raises(InputError, match="not a regular file"):
            read_regular(str(path), 1000)  # returns at once: a FIFO with no writer does not block
    record = check_one(None, str(tmp_path / "link.html"), None, 1000, timeout=5)
    assert record["page"]["status"] == "error" and "a FIFO" in record["page"]["reason"]


def test_a_symlink_loop_given_as_input_says_so(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symbolic link loop"):
        audit([loop], out=tmp_path / "out", jobs=1)
    with pytest.raises(InputError, match="no such file"):
        audit([tmp_path / "nope"], out=tmp_path / "out", jobs=1)


# ---- the time budget per page ------------------------------------------------------------------

class SlowAnalyzer:
    """Stands in for an Analyzer that never finishes a page."""

    ruleset = None

    def check_page(self, page):  # noqa: ANN001
        time.sleep(3600)


def slow_task(options: AnalyzerOptions, batch: list[tuple[str, int]]) -> list:
    """A local-engine task whose analysis hangs: the budget must still end each page."""
    return [finished(check_one(SlowAnalyzer(), path, None, options.max_bytes, timeout=options.page_timeout))
            for path, _ in batch]


def test_a_page_over_its_time_budget_becomes_an_error_row(tmp_path):
    path = pages(tmp_path / "in", 1) / "p0.txt"
    start = time.monotonic()
    record = check_one(SlowAnalyzer(), str(path), None, 1000, timeout=0.3)
    assert time.monotonic() - start < 5
    assert record["page"]["status"] == "error"
    assert record["page"]["reason"] == "not checked: over the 0.3-second time budget per page (--page-timeout)"


@pytest.mark.slow
def test_the_time_budget_holds_in_the_worker_processes(tmp_path):
    src = pages(tmp_path / "in", 3)
    done = []
    start = time.monotonic()
    run_local(iter([[(str(p), 10) for p in sorted(src.iterdir())]]), jobs=1, on_results=done.extend, task=slow_task,
              options=AnalyzerOptions(page_timeout=0.5))
    assert time.monotonic() - start < 90
    assert [d.status for d in done] == ["error"] * 3
    assert all(b"time budget" in d.line for d in done)


def test_page_timeout_option_is_checked(tmp_path):
    with pytest.raises(ConfigError, match="page-timeout"):
        audit([pages(tmp_path / "in", 1)], out=tmp_path / "out", page_timeout=-1)
