"""checker audit: every input accounted for, consistent tables and summary, resumable after
kill -9 and Ctrl-C, the Dask engine equal to the local one, a self-contained report."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.audit import audit, read_tables
from checker.audit.html import excerpt, read_details_block
from checker.audit.journal import scan
from checker.audit.synth import write_pages
from checker.errors import CheckerError, ConfigError

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 300_000


def make_folder(root: Path, pages: int = 24) -> dict[str, str]:
    """Synthetic pages plus one file of each awkward kind; returns {path: expected status}."""
    expected = {str(p): "ok" for p in write_pages(root / "site", pages, seed=7, per_folder=10)}
    specials = {
        "img.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "error"),
        "empty.txt": (b"", "skipped"),
        "blank.md": (b"   \n\n  \n", "skipped"),
        "latin1.txt": ("Notre thérapie guérit l'arthrose. Our stem cell therapy cures arthritis, "
                       "café crème.".encode("cp1252"), "ok"),
        "drafts/draft.html": (b"<p>Stem cells cure everything.</p>", "skipped"),
        "photo.png": (b"\x89PNG", "skipped"),
        "big.txt": (b"Stem cells cure arthritis. " * 12_000, "skipped"),
    }
    for name, (data, status) in specials.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[str(path)] = status
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")  # hidden folders are not walked
    return expected


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit-in")
    expected = make_folder(root)
    out = tmp_path_factory.mktemp("audit-out")
    events = []
    result = audit([root], out=out, exclude=["drafts/*"], jobs=2, max_bytes=MAX_BYTES, progress=events.append)
    return root, out, expected, result, events


def test_every_input_has_one_row_with_its_status(small):
    root, out, expected, result, _ = small
    pages = read_tables(out)["pages"]
    assert sorted(pages.path) == sorted(expected)
    assert pages.path.is_unique
    assert dict(zip(pages.path, pages.status)) == expected
    reasons = dict(zip(pages.path, pages.reason))
    assert "binary file" in reasons[str(root / "img.html")]
    assert str(root / "img.html") in reasons[str(root / "img.html")]  # the CheckerError message names the file
    assert reasons[str(root / "empty.txt")].startswith("empty file")
    assert reasons[str(root / "blank.md")] == "no readable text in the file"
    assert "--exclude 'drafts/*'" in reasons[str(root / "drafts/draft.html")]
    assert "not an included file type" in reasons[str(root / "photo.png")]
    assert "over the 300,000-byte limit" in reasons[str(root / "big.txt")]
    latin = pages.set_index("path").loc[str(root / "latin1.txt")]
    assert latin.encoding != "utf-8" and "not valid UTF-8" in latin.notes and latin.words > 5
    assert not any(".git" in p for p in pages.path)
    assert (result.total, result.ok, result.skipped, result.errors, result.pending) == (
        len(expected), list(expected.values()).count("ok"), list(expected.values()).count("skipped"), 1, 0)
    assert result.complete


def test_tables_agree_with_a_direct_scan(small, analyzer):
    root, out, expected, _, _ = small
    tables = read_tables(out)
    pages = tables["pages"].set_index("path")
    for path in [p for p, s in expected.items() if s == "ok"][:8]:
        report = analyzer.check_file(path)
        row = pages.loc[path]
        live = [f for f in report.findings if not f.suppressed]
        assert (row.score, row.band, row.words, row.findings, row.claims) == (
            report.score, report.band, report.word_count, len(live), len(report.claims))
        mine = tables["findings"][tables["findings"].path == path]
        assert list(zip(mine.rule, mine.start, mine.end)) == [(f.rule, f.start, f.end) for f in report.findings]
        assert list(mine.line) == [report.page.position(f.start)[0] for f in report.findings]
        rules = tables["rules"].set_index("rule")  # each rule's text once; a finding's own only where it differs
        assert rules.index.is_unique and (mine.why == "").all() and (mine.source == "").all()
        assert list(zip(mine.message, rules.loc[mine.rule].why, rules.loc[mine.rule].source)) == [
            (f.message, f.explanation.why, f.explanation.source) for f in report.findings]
        assert list(mine.scope) == [f.scope for f in report.findings]


def test_counts_are_consistent_across_tables(small):
    _, out, _, _, _ = small
    tables = read_tables(out)
    pages, findings, claims = tables["pages"], tables["findings"], tables["claims"]
    ok = pages[pages.status == "ok"].set_index("path")
    live = findings[~findings.suppressed]
    assert (live.groupby("path").size().reindex(ok.index, fill_value=0) == ok.findings).all()
    assert (claims.groupby("path").size().reindex(ok.index, fill_value=0) == ok.claims).all()
    assert (ok.high + ok.medium + ok.low == ok.findings).all()
    pack_cols = [c for c in pages.columns if c.startswith("pack_")]
    assert {c[5:] for c in pack_cols} == {"unproven", "unregulated", "promotional", "disclosure", "spam"}
    assert (ok[pack_cols].sum(axis=1) == ok.findings).all()
    for pack in pack_cols:
        per_page = live[live.pack == pack[5:]].groupby("path").size().reindex(ok.index, fill_value=0)
        assert (per_page == ok[pack]).all()
    not_ok = pages[pages.status != "ok"]
    assert not_ok.score.isna().all() and not_ok.findings.isna().all()
    assert set(findings.path) <= set(ok.index) and set(claims.path) <= set(ok.index)


def test_csv_and_parquet_hold_the_same_rows(small):
    import pandas as pd

    _, out, _, _, _ = small
    for name, frame in read_tables(out).items():
        csv = pd.read_csv(out / f"{name}.csv", keep_default_na=False, na_values=[""])
        assert list(csv.columns) == list(frame.columns)
        assert len(csv) == len(frame)
        key = "rule" if name == "rules" else "path"  # rules: one row per rule, in id order
        assert list(csv[key]) == list(frame[key])
        assert list(frame[key]) == sorted(frame[key])  # path order, whatever the completion order


def test_summary_matches_the_tables(small):
    _, out, expected, _, _ = small
    tables = read_tables(out)
    pages, findings, claims = tables["pages"], tables["findings"], tables["claims"]
    summary = json.loads((out / "summary.json").read_text())
    ok = pages[pages.status == "ok"]
    assert summary["complete"] is True
    assert summary["files"] == {"total": len(expected), "ok": len(ok), "skipped": int((pages.status == "skipped").sum()),
                                "error": int((pages.status == "error").sum()), "pending": 0}
    assert summary["words"] == int(ok.words.sum())
    live = findings[~findings.suppressed]
    assert summary["findings"] == len(live) and summary["claims"] == len(claims)
    scored = ok[ok.band != "no-claims"]  # a page with no claims is counted apart, not scored
    assert sum(b["pages"] for b in summary["score"]["histogram"]) == len(scored)
    assert summary["bands"] == {b: int((ok.band == b).sum()) for b in ("high", "mixed", "low", "very low", "no-claims")}
    assert summary["score"]["mean"] == round(float(ok.score.mean()), 2)
    by_rule = live.groupby("rule").size()
    top = summary["top_rules"]
    assert top and [r["findings"] for r in top] == sorted((r["findings"] for r in top), reverse=True)
    for r in top:
        assert r["findings"] == by_rule[r["rule"]]
        assert r["pages"] == live[live.rule == r["rule"]].path.nunique()
    for pack, counts in summary["packs"].items():
        assert counts["findings"] == int((live.pack == pack).sum())
    claimed = claims[(claims.modality != "negated") & claims.condition_key.notna()]
    for c in summary["top_conditions"]:
        if c["condition"] in set(claimed.condition_key):
            assert c["claims"] == int((claimed.condition_key == c["condition"]).sum())


def test_progress_reports_every_input(small):
    _, _, expected, _, events = small
    assert events[0].done == 0 and events[0].total == len(expected)
    assert events[-1].done == len(expected) and events[-1].phase == "writing"
    assert all(e.phase == "checking" for e in events[:-1])
    assert [e.done for e in events] == sorted(e.done for e in events)
    assert events[-1].ok == list(expected.values()).count("ok")


def test_report_html_is_self_contained_and_well_formed(small):
    _, out, expected, _, _ = small
    text = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)  # nothing to load
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//|<link\b|<iframe\b|<img\b", text, re.I)
    assert "default-src 'none'" in text  # and the page forbids any fetch
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))
    rows = json.loads(re.search(r'<script type="application/json" id="audit-rows">(.*?)</script>', text, re.S).group(1))
    assert sorted(r[0] for r in rows) == sorted(expected)
    blocks = re.findall(r'<script type="text/x-gzip-base64" id="z(\d+)">(.*?)</script>', text, re.S)
    assert [int(k) for k, _ in blocks] == list(range(len(blocks)))
    details = [d for _, b in blocks for d in read_details_block(b)]  # decompressed as report.js does
    assert len(details) == len(rows)
    assert [d is not None for d in details] == [r[1] == "ok" for r in rows]
    assert all(d["f"] is not None and "t" in d for d in details if d)


class _TagChecker(HTMLParser):
    VOID = {"meta", "input", "br", "hr", "img", "link", "line", "rect", "path", "circle"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(v for k, v in attrs if k == "id" and v)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.ids.extend(v for k, v in attrs if k == "id" and v)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()


def test_excerpts_keep_findings_in_place():
    text = "".join(f"Sentence number {i} says something. " for i in range(400))
    spans = [(text.index("number 50"), text.index("number 50") + 9), (text.index("number 300"), text.index("number 300") + 10)]
    out, mapping = excerpt(text, spans, pad=40)
    assert len(out) < 300 and "…" in out
    for s, e in spans:
        lo, hi, at = next(m for m in mapping if m[0] <= s and e <= m[1])
        assert out[at + s - lo:at + e - lo] == text[s:e]


def test_missing_folder_and_bad_options_are_one_line_errors(tmp_path):
    with pytest.raises(CheckerError, match="no such file"):
        audit([tmp_path / "nope"], out=tmp_path / "o")
    with pytest.raises(ConfigError, match="engine"):
        audit([tmp_path], out=tmp_path / "o", engine="spark")
    run = subprocess.run([sys.executable, "-m", "checker", "audit", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.startswith("checker: error:") and "Traceback" not in run.stderr


def test_resume_with_other_options_is_refused(small, tmp_path):
    root, out, _, _, _ = small
    copy = tmp_path / "o"
    copy.mkdir()
    (copy / "journal.jsonl").write_bytes((out / "journal.jsonl").read_bytes())
    with pytest.raises(ConfigError, match="exclude"):
        audit([root], out=copy, resume=True, max_bytes=MAX_BYTES)


# ---- interruption and resume -------------------------------------------------------------------

def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "checker", "audit", *args]


def _wait_for_journal(path: Path, lines: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= lines:
            return
        if proc.poll() is not None:
            pytest.fail(f"the audit ended before it could be interrupted: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.05)
    pytest.fail("the audit made no progress")


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A few hundred small pages and the outputs of one uninterrupted run over them."""
    root = tmp_path_factory.mktemp("many")
    for i, path in enumerate(write_pages(root, 300, seed=11, per_folder=60)):
        if i % 3:  # keep most pages short so the test stays quick
            path.write_text(path.read_text(encoding="utf-8")[:900], encoding="utf-8")
    (root / "broken.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(128, 256)) * 8)
    full = tmp_path_factory.mktemp("full")
    result = audit([root], out=full, jobs=2)
    assert result.complete and result.total == 301
    return root, full


@pytest.mark.slow
def test_one_job_and_two_jobs_write_the_same_bytes(many, tmp_path):
    """With two jobs the report is built in a second process beside the tables; every output
    must still be byte for byte what one process writes."""
    root, full = many
    result = audit([root], out=tmp_path, jobs=1)
    assert result.complete
    for name in ("pages.csv", "findings.csv", "claims.csv", "summary.json", "report.html"):
        assert (tmp_path / name).read_bytes() == (full / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in full.iterdir())  # no temporary left


@pytest.mark.slow
def test_resume_after_kill_9_gives_the_same_tables(many, tmp_path):
    root, full = many
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli(str(root), "--out", str(out), "--jobs", "2", "--quiet"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_journal(out / "journal.jsonl", 60, proc)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, as `kill -9 PID` would
        proc.wait(timeout=30)
        _wait_for_workers_to_exit(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the group this test started
        except ProcessLookupError:
            pass
    journal = out / "journal.jsonl"
    done = len(scan(journal).entries)
    assert 0 < done < 301
    assert not (out / "pages.csv").exists()
    with open(journal, "ab") as fh:  # and a torn last line, as a crash mid-write leaves
        fh.write(b'{"path": "' + str(root).encode() + b'/site-000/page-0000')
    result = audit([root], out=out, resume=True, jobs=2)
    assert result.complete and result.resumed == done and result.total == 301
    for name in ("pages.csv", "findings.csv", "claims.csv"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    index = scan(journal)
    assert len(index.entries) == 301
    summary = json.loads((out / "summary.json").read_text())
    assert summary == json.loads((full / "summary.json").read_text())


def _wait_for_workers_to_exit(parent: int, timeout: float = 15) -> None:
    """Workers notice a dead parent and leave (no orphans waiting forever)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(parent, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("worker processes outlived their killed parent")


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_keeps_what_was_done(many, tmp_path):
    root, full = many
    out = tmp_path / "out"
    proc = subprocess.Popen(_cli(str(root), "--out", str(out), "--jobs", "2", "--quiet"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for_journal(out / "journal.jsonl", 40, proc)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        _, err = proc.communicate(timeout=120)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["complete"] is False and summary["files"]["pending"] > 0
    partial = (out / "pages.csv").read_text().splitlines()
    assert 1 + 40 <= len(partial) < 1 + 301
    assert "incomplete" in (out / "report.html").read_text()
    run = subprocess.run(_cli(str(root), "--out", str(out), "--resume", "--quiet"), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "from the earlier run" in run.stdout
    for name in ("pages.csv", "findings.csv", "claims.csv"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


@pytest.mark.slow
def test_dask_engine_gives_the_same_tables(small, tmp_path):
    pytest.importorskip("distributed")
    import pandas as pd

    root, out, expected, _, _ = small
    result = audit([root], out=tmp_path, engine="dask", jobs=2, exclude=["drafts/*"], max_bytes=MAX_BYTES)
    assert result.complete and result.total == len(expected)
    for name in ("pages", "findings", "claims"):
        local = pd.read_csv(out / f"{name}.csv", keep_default_na=False)
        dask = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False)
        key = [c for c in ("path", "start", "rule", "end") if c in local.columns]
        pd.testing.assert_frame_equal(local.sort_values(key).reset_index(drop=True), dask.sort_values(key).reset_index(drop=True))
    assert json.loads((out / "summary.json").read_text()) == json.loads((tmp_path / "summary.json").read_text())


def crash_on_poison(options, batch):
    """A worker task that dies (as on a segfault or the OOM killer) on one file."""
    from checker.audit.worker import check_paths

    if any(path.endswith("poison.txt") for path, _ in batch):
        os._exit(3)
    return check_paths(options, batch)


@pytest.mark.slow
def test_a_worker_that_dies_costs_only_its_file(tmp_path):
    from checker.audit.engines import CRASH_REASON, run_local
    from checker.audit.worker import AnalyzerOptions

    files = []
    for i in range(12):
        path = tmp_path / ("poison.txt" if i == 5 else f"p{i:02d}.txt")
        path.write_text(f"Page {i}: our stem cell therapy cures arthritis.\n")
        files.append((str(path), path.stat().st_size))
    batches = iter([files[i:i + 4] for i in range(0, 12, 4)])
    records = []
    run_local(batches, options=AnalyzerOptions(), jobs=2, on_results=records.extend, task=crash_on_poison)
    status = {d.path: (d.status, json.loads(d.line)["page"]["reason"]) for d in records}
    assert len(records) == len(status) == 12
    assert status[str(tmp_path / "poison.txt")] == ("error", CRASH_REASON)
    assert all(s == ("ok", "") for p, s in status.items() if not p.endswith("poison.txt"))


def test_walk_lists_every_file_once_and_prunes_only_hidden_folders_and_the_output(tmp_path):
    from checker.audit.walk import iter_inputs

    for name in ("a.html", "B.HTM", "sub/c.md", "sub/deep/d.txt", "sub/e.pdf", ".hidden/f.html", "out/report.html",
                 "notes/x.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Stem cells cure arthritis.\n")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path / "sub")  # a symlink loop is walked once
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    found = {Path(i.path).relative_to(tmp_path).as_posix(): i.skip
             for i in iter_inputs([tmp_path, tmp_path / "sub"], exclude=["notes/*"], max_bytes=1000,
                                  skip_dirs=[tmp_path / "out"])}
    assert sorted(found) == ["B.HTM", "a.html", "dangling.txt", "notes/x.txt", "sub/c.md", "sub/deep/d.txt", "sub/e.pdf"]
    assert found["B.HTM"] is None and found["sub/deep/d.txt"] is None and found["dangling.txt"] is None
    assert found["notes/x.txt"] == "excluded by --exclude 'notes/*'"
    assert found["sub/e.pdf"].startswith("not an included file type")
    with_hidden = {Path(i.path).name for i in iter_inputs([tmp_path], max_bytes=1000, hidden=True)}
    assert "f.html" in with_hidden and "report.html" in with_hidden
    only_md = {Path(i.path).name: i.skip for i in iter_inputs([tmp_path / "sub"], include=["deep/*.txt"], max_bytes=10)}
    assert only_md["d.txt"].startswith("file is 27 bytes, over the 10-byte limit")
    assert only_md["c.md"].startswith("not an included file type")


def test_pandas_stays_off_the_scan_path():
    code = ("import sys, checker.audit, checker.cli.audit; from checker.audit.worker import check_one; "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'distributed') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_a_folder_with_nothing_to_check_still_gets_its_rows(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "in" / "empty.md").write_bytes(b"")
    result = audit([tmp_path / "in"], out=tmp_path / "out", jobs=2)
    assert (result.total, result.skipped, result.ok) == (2, 2, 0) and result.complete
    pages = read_tables(tmp_path / "out")["pages"]
    assert sorted(pages.status) == ["skipped", "skipped"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["score"]["mean"] is None and summary["top_rules"] == []
    assert "<table" in (tmp_path / "out" / "report.html").read_text()


def test_output_that_cannot_be_written_is_a_clear_error(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("Our stem cells cure MS.")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    proc = subprocess.run([sys.executable, "-m", "checker", "audit", str(pages), "--out", str(blocker / "out"), "--jobs", "1"],
                          capture_output=True, timeout=300)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    assert "cannot write the audit output" in err and "not-a-folder" in err


def test_a_write_failure_leaves_earlier_outputs_intact(small, tmp_path, monkeypatch):
    import errno
    import shutil

    from checker.audit import tables

    root, out, *_ = small
    copy = tmp_path / "out-copy"
    shutil.copytree(out, copy)
    before = (copy / "pages.csv").read_bytes()

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(tables.os, "replace", disk_full)
    with pytest.raises(OSError):
        audit([root], out=copy, jobs=1, max_bytes=MAX_BYTES)
    assert (copy / "pages.csv").read_bytes() == before  # the earlier table is whole, not half-written


def test_a_report_process_failure_stops_the_audit_and_leaves_earlier_outputs_intact(small, tmp_path):
    import shutil

    root, out, *_ = small
    copy = tmp_path / "out-copy"
    shutil.copytree(out, copy)
    before = {name: (copy / name).read_bytes() for name in ("pages.csv", "report.html")}
    (copy / ".report.html.tmp").mkdir()  # the report process (jobs=2) cannot write its file
    with pytest.raises(OSError):
        audit([root], out=copy, jobs=2, max_bytes=MAX_BYTES)
    assert {name: (copy / name).read_bytes() for name in before} == before
    assert not [p.name for p in copy.iterdir() if p.name.startswith(".") and p.is_file()]  # no temporary table left


def test_ci_and_audit_read_include_and_exclude_alike(tmp_path):
    """One glob dialect (checker.globs): `*` stays in a segment, `**` crosses, a name pattern
    matches at any depth, a folder pattern excludes what is under it, case is ignored."""
    from checker.audit.walk import iter_inputs
    from checker.ci.files import collect_files
    from checker.config import Settings

    for name in ("a.html", "B.HTM", "drafts/c.html", "sub/drafts/d.md", "sub/deep/e.txt", "sub/f.html"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Stem cells cure arthritis.\n")
    include, exclude = ("*.html", "*.htm", "sub/**/*.txt", "*.md"), ("drafts", "sub/f.*")
    audited = {Path(i.path).relative_to(tmp_path).as_posix() for i in iter_inputs([tmp_path], include=include,
                                                                                 exclude=exclude, max_bytes=1000) if i.skip is None}
    settings = Settings(root=tmp_path, include=include, exclude=exclude)
    gated, _ = collect_files([str(tmp_path)], settings_of=lambda _path: settings, cwd=tmp_path)
    checked = {t.path.relative_to(tmp_path).as_posix() for t in gated}
    assert audited == {"a.html", "B.HTM", "sub/deep/e.txt"}
    assert checked == audited


def test_a_rule_met_only_in_findings_keeps_its_text_once():
    """A model's findings (no rule in the journal header): the rules table takes the first one's
    text and no later finding repeats it; a finding whose text differs keeps its own."""
    from checker.audit.tables import finding_rows

    def finding(why: str) -> dict:
        return {"rule": "MDL001", "name": "learned", "pack": "unproven", "why": why, "source": "model", "modifiers": []}

    rules: dict[str, dict[str, str]] = {}
    rows = finding_rows({"path": "a.html", "findings": [finding("the model"), finding("the model")]}, rules)
    rows += finding_rows({"path": "b.html", "findings": [finding("the model"), finding("an internal error")]}, rules)
    assert rules["MDL001"]["why"] == "the model" and rules["MDL001"]["source"] == "model"
    assert [r["why"] for r in rows] == ["", "", "", "an internal error"]
    assert all(r["source"] == "" for r in rows)
