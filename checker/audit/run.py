"""`audit()`: check every file under some folders into tables, a summary and an HTML report.

The flow: walk the folders (every file is one input) -> skip what is not to be read, with the
reason -> check the rest in batches on a process pool or Dask -> append each finished batch to
the journal -> when all are done (or on Ctrl-C), build the outputs from the journal in path
order. The library never prints: progress goes to the optional `progress` callback.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from checker.audit.journal import JournalIndex, JournalWriter, OutputLock, iter_records, scan
from checker.audit.walk import DEFAULT_INCLUDE, iter_inputs
from checker.audit.worker import DEFAULT_PAGE_TIMEOUT, AnalyzerOptions, Done, finished, rule_texts, status_record
from checker.errors import ConfigError, Errors
from checker.ingest import AUDIT_MAX_BYTES

JOURNAL = "journal.jsonl"
DEFAULT_REPORT_PAGES = 1000
CHUNK_PAGES = 500  # pages per chunk when building the tables from the journal


class _WalkOptions(TypedDict):
    """The keyword arguments of iter_inputs that an audit passes."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]
    max_bytes: int
    hidden: bool
    skip_dirs: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class AuditProgress:
    done: int  # inputs accounted for so far (including those resumed from the journal)
    total: int  # all inputs
    words: int  # words in pages checked in this run
    ok: int
    skipped: int
    errors: int
    path: str | None = None  # the last input accounted for
    phase: str = "checking"  # then "writing": the tables, summary and report are being built


@dataclass(frozen=True)
class AuditResult:
    out: Path
    complete: bool  # False after an interruption: run again with resume=True
    total: int
    ok: int
    skipped: int
    errors: int
    pending: int
    resumed: int  # inputs taken from an earlier run's journal
    words: int  # words in all checked pages (resumed ones included)
    findings: int
    claims: int
    files: dict[str, Path] = field(default_factory=dict)


def audit(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    out: str | os.PathLike[str],
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    jobs: int | None = None,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    packs: Sequence[str | os.PathLike[str]] = (),
    disable: Sequence[str] = (),
    max_bytes: int = AUDIT_MAX_BYTES,
    hidden: bool = False,
    report_pages: int = DEFAULT_REPORT_PAGES,
    batch_size: int = 8,
    page_timeout: float = DEFAULT_PAGE_TIMEOUT,
    progress: Callable[[AuditProgress], None] | None = None,
) -> AuditResult:
    """Audit every file under `inputs` into `out`. Ctrl-C (KeyboardInterrupt) stops cleanly:
    what was done is kept, the outputs are written for it, and `complete` is False. A page that
    takes over `page_timeout` seconds (0: no limit) becomes an error row. One audit at a time may
    write to `out`: a second one raises ConfigError naming the first one's PID."""
    if engine not in ("local", "dask"):
        raise ConfigError(Errors.E614.format(engine=engine), key="--engine")
    if scheduler and engine != "dask":
        raise ConfigError(Errors.E615, key="--scheduler")
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1 or batch_size < 1 or max_bytes < 1 or report_pages < 0 or not page_timeout >= 0:
        raise ConfigError(Errors.E616)
    if not include:
        raise ConfigError(Errors.E617, key="--include")
    roots = [os.fspath(p) for p in inputs]
    if not roots:
        raise ConfigError(Errors.E618)
    options = AnalyzerOptions(packs=tuple(os.path.abspath(p) for p in packs), disable=tuple(disable), max_bytes=max_bytes,
                              page_timeout=float(page_timeout))
    ruleset = _load_ruleset(options)  # fail early (exit 2) on a bad pack, before any worker starts
    pack_names = list(ruleset.packs)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with OutputLock(out_dir):  # one audit at a time per output folder, for the whole run
        walk: _WalkOptions = dict(include=tuple(include), exclude=tuple(exclude), max_bytes=max_bytes, hidden=hidden, skip_dirs=(out_dir,))
        config: dict[str, Any] = {
            "inputs": [os.path.normpath(r) for r in roots], "include": list(include), "exclude": list(exclude),
            "max_bytes": max_bytes, "hidden": hidden, "packs": list(options.packs), "disable": list(disable),
        }
        journal_path = out_dir / JOURNAL
        previous: JournalIndex | None = None
        if resume and journal_path.exists():
            previous = scan(journal_path)
            if previous.config is None:  # killed before its header was whole: nothing was done
                previous = None
            elif previous.config != config:
                changed = sorted(k for k in config if (previous.config or {}).get(k) != config[k])
                raise ConfigError(Errors.E619.format(folder=out_dir, changed=", ".join(changed)), key="--resume")
        done_before = set(previous.entries) if previous else set()

        total = sum(1 for _ in iter_inputs(roots, **walk))
        counts = {"ok": 0, "skipped": 0, "error": 0, "words": 0, "done": 0}
        interrupted = False
        resumed = 0
        writer = JournalWriter(journal_path, config=config, resume_at=previous.good_end if previous else None,
                               rules=rule_texts(ruleset))
        try:
            def on_results(done: list[Done]) -> None:
                writer.append([d.line for d in done])
                for d in done:
                    counts[d.status if d.status in counts else "error"] += 1
                    counts["words"] += d.words
                counts["done"] += len(done)
                if progress is not None and done:
                    progress(AuditProgress(len(done_before) + counts["done"], total, counts["words"], counts["ok"],
                                           counts["skipped"], counts["error"], done[-1].path))

            def batches() -> Iterator[list[tuple[str, int]]]:
                nonlocal resumed
                batch: list[tuple[str, int]] = []
                skipped: list[Done] = []
                for item in iter_inputs(roots, **walk):
                    if item.path in done_before:
                        resumed += 1
                        continue
                    if item.skip is not None or item.error is not None:  # accounted for here, never opened
                        status, reason = ("error", item.error) if item.error is not None else ("skipped", item.skip)
                        skipped.append(finished(status_record(item.path, status, reason or "", size=item.size)))
                        if len(skipped) >= 256:
                            on_results(skipped)
                            skipped = []
                        continue
                    batch.append((item.path, item.size))
                    if len(batch) >= batch_size:
                        yield batch
                        batch = []
                if skipped:
                    on_results(skipped)
                if batch:
                    yield batch

            try:
                if progress is not None:
                    progress(AuditProgress(len(done_before), total, 0, 0, 0, 0, None))
                if engine == "dask":
                    from checker.audit.engines import run_dask

                    run_dask(batches(), options=options, jobs=jobs, scheduler=scheduler, on_results=on_results)
                else:
                    from checker.audit.engines import run_local

                    run_local(batches(), options=options, jobs=jobs, on_results=on_results)
            except KeyboardInterrupt:
                interrupted = True
        finally:
            writer.close()
        index = scan(journal_path)
        pending = 0 if not interrupted else max(0, total - len(index.entries))
        if progress is not None:
            progress(AuditProgress(len(done_before) + counts["done"], total, counts["words"], counts["ok"],
                                   counts["skipped"], counts["error"], None, "writing"))
        summary, files = build_outputs(journal_path, index, out_dir, packs=pack_names, report_pages=report_pages,
                                       complete=not interrupted, pending=pending, inputs=config["inputs"], jobs=jobs)
        return AuditResult(
            out=out_dir, complete=not interrupted, total=summary["files"]["total"], ok=summary["files"]["ok"],
            skipped=summary["files"]["skipped"], errors=summary["files"]["error"], pending=pending,
            resumed=resumed, words=summary["words"], findings=summary["findings"], claims=summary["claims"], files=files,
        )


def _load_ruleset(options: AnalyzerOptions):  # type: ignore[no-untyped-def]
    from checker.engine import load_ruleset

    return load_ruleset(extra_pack_dirs=[Path(p) for p in options.packs], disabled=options.disable)


def build_outputs(journal_path: Path, index: JournalIndex, out: Path, *, packs: Sequence[str], report_pages: int,
                  complete: bool, pending: int, inputs: Sequence[str], jobs: int = 1) -> tuple[dict[str, Any], dict[str, Path]]:
    """pages/findings/claims (.csv, .parquet), summary.json and report.html from the journal, in
    path order, CHUNK_PAGES pages at a time; each file appears atomically or not at all. With
    jobs >= 2 the report is built in a second process while this one writes the tables (each
    reads the journal itself), so the output phase also uses the cores it was given."""
    from checker.audit.tables import (
        CLAIM_COLUMNS,
        FINDING_COLUMNS,
        RULE_COLUMNS,
        TableWriter,
        claim_rows,
        finding_rows,
        page_columns,
        page_row,
        rule_rows,
    )

    order = sorted(index.entries)
    side = _ReportProcess(journal_path, out, packs=packs, report_pages=report_pages, complete=complete, pending=pending,
                          inputs=inputs) if jobs >= 2 and order else None
    writers = {
        "pages": TableWriter(out, "pages", page_columns(packs)),
        "findings": TableWriter(out, "findings", FINDING_COLUMNS),
        "claims": TableWriter(out, "claims", CLAIM_COLUMNS),
        "rules": TableWriter(out, "rules", RULE_COLUMNS),
    }
    summary_builder = _summary_builder(packs)
    report = None if side else _report_writer(index, out, packs=packs, report_pages=report_pages)
    try:
        chunk: dict[str, list[dict[str, Any]]] = {"pages": [], "findings": [], "claims": [], "rules": []}
        rules = dict(index.rules)  # grows with rules met only in findings
        for n, record in enumerate(iter_records(journal_path, index.entries, order), 1):
            chunk["pages"].append(page_row(record, packs))
            chunk["findings"].extend(finding_rows(record, rules))
            chunk["claims"].extend(claim_rows(record))
            summary_builder.add(record)
            if report is not None:
                report.add(record)
            if n % CHUNK_PAGES == 0:
                for name, rows in chunk.items():
                    writers[name].write(rows)
                    rows.clear()
        chunk["rules"] = rule_rows(rules)
        for name, rows in chunk.items():
            writers[name].write(rows)
        summary = summary_builder.result(complete=complete, pending=pending, inputs=inputs)
        tmp = out / ".summary.json.tmp"
        tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if side is not None:
            side.wait()  # the report is written to its temporary file: now every output can move into place
        for w in writers.values():
            w.commit()
        os.replace(tmp, out / "summary.json")
        if report is not None:
            report.commit(summary)
        elif side is not None:
            side.commit()
    except BaseException:
        for w in writers.values():
            w.discard()
        if report is not None:
            report.discard()
        if side is not None:
            side.discard()
        (out / ".summary.json.tmp").unlink(missing_ok=True)
        raise
    files = {f"{name}.{kind}": out / f"{name}.{kind}" for name in writers for kind in ("csv", "parquet")}
    files.update({"summary.json": out / "summary.json", "report.html": out / "report.html", "journal": journal_path})
    return summary, files


def _summary_builder(packs: Sequence[str]):  # type: ignore[no-untyped-def]
    from checker.audit.summary import SummaryBuilder
    from checker.scoring import NO_CLAIMS, load_weights

    bands = [b.band for b in sorted(load_weights().bands, key=lambda b: -b.min)] + [NO_CLAIMS]  # counted apart
    return SummaryBuilder(packs=packs, bands=bands)


def _report_writer(index: JournalIndex, out: Path, *, packs: Sequence[str], report_pages: int):  # type: ignore[no-untyped-def]
    from checker.audit.html import ReportWriter

    scored = sorted((e.score, p) for p, e in index.entries.items() if e.status == "ok" and e.score is not None)
    full_text = {p for _, p in scored[:report_pages]}
    return ReportWriter(out, packs=packs, full_text=full_text, full_text_pages=report_pages, rules=index.rules)


def write_report(journal_path: str, out: str, *, packs: Sequence[str], report_pages: int, complete: bool, pending: int,
                 inputs: Sequence[str]) -> str:
    """The report alone, from the journal, into its temporary file (not moved into place): the
    second process of build_outputs. Returns the temporary file's path."""
    index = scan(Path(journal_path))
    summary_builder = _summary_builder(packs)
    report = _report_writer(index, Path(out), packs=packs, report_pages=report_pages)
    try:
        for record in iter_records(Path(journal_path), index.entries, sorted(index.entries)):
            summary_builder.add(record)
            report.add(record)
        report.commit(summary_builder.result(complete=complete, pending=pending, inputs=inputs), move=False)
    except BaseException:
        report.discard()
        raise
    return str(report.tmp)


class _ReportProcess:
    """write_report in a process of its own (spawned: the parent may have threads)."""

    def __init__(self, journal_path: Path, out: Path, **options: Any) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.out = out
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.future = self.pool.submit(write_report, str(journal_path), str(out), **options)
        self.tmp: Path | None = None

    def wait(self) -> None:
        self.tmp = Path(self.future.result())
        self.pool.shutdown()

    def commit(self) -> None:
        assert self.tmp is not None
        os.replace(self.tmp, self.out / "report.html")

    def discard(self) -> None:
        self.future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for name in (".report.html.tmp", ".report.rows.tmp", ".report.details.tmp"):
            with contextlib.suppress(OSError):  # cleaning up must not hide the error that stopped the report
                (self.out / name).unlink(missing_ok=True)


__all__ = ["audit", "AuditProgress", "AuditResult", "build_outputs"]
