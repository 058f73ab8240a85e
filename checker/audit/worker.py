"""The per-page work of an audit, run in worker processes (local pool or Dask workers).

Each worker builds one Analyzer (pipeline + compiled rules) the first time it needs it and keeps
it. A page becomes one plain, JSON-ready record: its row for the pages table, its findings and
claims rows, and its text (capped) for the HTML report. A page that cannot be read becomes an
`error` record with the reason; nothing a page contains can abort the audit. Each page has a time
budget (`page_timeout`, enforced with SIGALRM in the worker process's main thread): a page that
runs over it, or blocks reading, becomes an error record instead of stalling the audit. The worker hands
back each record already encoded as its journal line (`Done`), so the parent process, which
shares the cores with the workers, only appends bytes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from checker.errors import CheckerError
from checker.scoring import NOT_ASSESSED, UNJUDGED_BANDS
from checker.suppress import apply_suppressions
from checker.types import CLAIM_PART_NAMES

TEXT_CAP = 200_000  # characters of page text kept for the report's page view
DEFAULT_PAGE_TIMEOUT = 60.0  # seconds per page

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Done:
    """One input accounted for: what the parent counts, and the journal line it appends."""

    path: str
    status: str  # ok, skipped or error
    words: int
    line: bytes  # the record as one JSON line, newline included


def finished(record: Record) -> Done:
    page = record["page"]
    return Done(record["path"], page["status"], page.get("words") or 0, orjson.dumps(record) + b"\n")


@dataclass(frozen=True)
class AnalyzerOptions:
    """What a worker needs to build the same Analyzer as every other worker (picklable)."""

    packs: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    max_bytes: int = 10 * 1024 * 1024
    page_timeout: float = DEFAULT_PAGE_TIMEOUT  # seconds; 0: no limit

    def build(self):  # type: ignore[no-untyped-def]
        from pathlib import Path

        from checker.analyze import Analyzer
        from checker.engine import load_ruleset

        ruleset = load_ruleset(extra_pack_dirs=[Path(p) for p in self.packs], disabled=self.disable)
        return Analyzer(ruleset=ruleset, max_bytes=self.max_bytes)


_ANALYZERS: dict[AnalyzerOptions, Any] = {}
_BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def analyzer_for(options: AnalyzerOptions):  # type: ignore[no-untyped-def]
    analyzer = _ANALYZERS.get(options)
    if analyzer is None:
        _ANALYZERS.clear()
        analyzer = _ANALYZERS[options] = options.build()
    return analyzer


def init_local_worker(options: AnalyzerOptions, parent_pid: int) -> None:
    """ProcessPoolExecutor initializer: Ctrl-C is the parent's to handle; build the Analyzer
    now; exit if the parent dies (kill -9 leaves no orphan workers waiting forever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for var in _BLAS_THREADS:  # one process per core: numpy's BLAS must not start threads of its own
        os.environ.setdefault(var, "1")
    analyzer_for(options)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="checker-parent-watch", daemon=True).start()


def ready() -> bool:
    """A no-op task: proves that a fresh worker process starts."""
    return True


def check_paths(options: AnalyzerOptions, items: list[tuple[str, int]]) -> list[Done]:
    """Local engine task: read and check each (path, size) in the worker."""
    return [finished(check_one(analyzer_for(options), path, None, options.max_bytes, timeout=options.page_timeout))
            for path, _ in items]


def check_payloads(options: AnalyzerOptions, items: list[tuple[str, bytes | str]]) -> list[Done]:
    """Dask engine task: the client read the bytes (no shared file system needed); a str
    payload is the read error the client met, reported as this page's error."""
    return [finished(check_one(analyzer_for(options), path, data, options.max_bytes, timeout=options.page_timeout))
            for path, data in items]


def read_payload(path: str, max_bytes: int) -> bytes | str:
    """The file's bytes, or the one-line reason it cannot be read."""
    from checker.audit.walk import read_regular

    try:
        return read_regular(path, max_bytes)
    except CheckerError as exc:
        return str(exc)


class PageTimeout(BaseException):
    """A page ran over its time budget. A BaseException, so that no `except Exception` in the
    analysis (a rule's own guard, for one) can swallow it."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise PageTimeout in this thread after `seconds` (also out of a blocked system call).
    Only the main thread of a process receives signals: elsewhere (a Dask worker's thread) and
    with seconds <= 0 there is no limit."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_one(analyzer, path: str, data: bytes | str | None, max_bytes: int, *,  # type: ignore[no-untyped-def]
              timeout: float = 0) -> Record:
    """One page's record; never raises for anything the page does, within `timeout` seconds."""
    try:
        with time_budget(timeout):
            return _check_one(analyzer, path, data, max_bytes)
    except PageTimeout:
        _ANALYZERS.clear()  # the analysis was cut anywhere: build a fresh Analyzer for the next page
        return status_record(path, "error", f"not checked: over the {timeout:g}-second time budget per page "
                             "(--page-timeout)", size=len(data) if isinstance(data, bytes) else -1)


def _check_one(analyzer, path: str, data: bytes | str | None, max_bytes: int) -> Record:  # type: ignore[no-untyped-def]
    from checker.audit.walk import read_regular
    from checker.ingest import decode_bytes, detect_format, page_from_text

    try:
        if data is None:
            data = read_regular(path, max_bytes)
        if isinstance(data, str):
            return status_record(path, "error", data, size=-1)
        text, encoding, notes = decode_bytes(data, source=path)
        page = page_from_text(text, source=path, format=detect_format(path, text), encoding=encoding, notes=notes)
        report = apply_suppressions(analyzer.check_page(page), weights_of=analyzer.rule_weights).report
    except CheckerError as exc:
        return status_record(path, "error", str(exc), size=len(data) if isinstance(data, bytes) else -1)
    except Exception as exc:  # noqa: BLE001  a page must never abort the audit
        return status_record(path, "error", f"internal error: {type(exc).__name__}: {exc}",
                             size=len(data) if isinstance(data, bytes) else -1)
    if report.word_count == 0:
        record = status_record(path, "skipped", "no readable text in the file", size=len(data))
        record["page"].update(format=report.format, encoding=report.encoding, notes="; ".join(report.notes))
        return record
    if report.band == NOT_ASSESSED:
        record = status_record(path, "skipped", f"not assessed: the page is in {report.language.code!r}", size=len(data))
        record["page"].update(format=report.format, encoding=report.encoding, notes="; ".join(report.notes))
        return record
    return report_record(report, size=len(data), rules=rule_texts(analyzer.ruleset))


def rule_texts(ruleset) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Each rule's explanation and source, written once in the journal's header instead of once
    per finding (a finding carries its own only when it differs, e.g. an internal error)."""
    return {r.id: {"name": r.name, "pack": r.pack, "why": r.why, "source": r.references[0] if r.references else ""}
            for r in ruleset.rules}


def status_record(path: str, status: str, reason: str, *, size: int) -> Record:
    return {"path": path, "page": {"path": path, "status": status, "reason": reason, "bytes": size if size >= 0 else None}}


def report_record(report, *, size: int, rules: dict[str, dict[str, str]]) -> Record:  # type: ignore[no-untyped-def]
    page = report.page
    live = [f for f in report.findings if not f.suppressed]
    per_pack: dict[str, int] = {}
    per_severity = {"high": 0, "medium": 0, "low": 0}
    for f in live:
        per_pack[f.pack] = per_pack.get(f.pack, 0) + 1
        per_severity[f.severity] += 1
    row = {
        "path": report.source, "status": "ok", "reason": "", "bytes": size,
        "format": report.format, "encoding": report.encoding, "title": page.title or "",
        "words": report.word_count, "score": None if report.band in UNJUDGED_BANDS else report.score, "band": report.band,
        "findings": len(live), "suppressed": len(report.findings) - len(live),
        "high": per_severity["high"], "medium": per_severity["medium"], "low": per_severity["low"],
        "claims": len(report.claims), "cautions": len(report.cautions),
        "caution_categories": " ".join(sorted({c.category for c in report.cautions})),
        "notes": "; ".join(report.notes), "packs": per_pack,
    }
    findings = []
    for f in report.findings:
        line, column = page.position(f.start)
        entry = {
            "rule": f.rule, "name": f.name, "pack": f.pack, "severity": f.severity, "confidence": f.confidence,
            "message": f.message, "start": f.start, "end": f.end, "line": line, "column": column, "match": f.match,
            "contribution": f.explanation.contribution, "modifiers": list(f.explanation.modifiers),
            "suppressed": f.suppressed, "scope": f.scope,
        }
        known = rules.get(f.rule, {})
        if known.get("why") != f.explanation.why:
            entry["why"] = f.explanation.why
        if known.get("source") != f.explanation.source:
            entry["source"] = f.explanation.source
        findings.append(entry)
    claims = []
    for c in report.claims:
        line, column = page.position(c.start)
        claims.append({
            "start": c.start, "end": c.end, "line": line, "column": column, "intervention": c.intervention,
            "intervention_source": c.intervention_source, "effect": c.effect, "effect_class": c.effect_class,
            "condition": c.condition, "condition_key": c.condition_key, "condition_status": c.condition_status,
            "condition_source": c.condition_source, "body_part": c.body_part, "modality": c.modality,
            "qualifiers": list(c.qualifiers), "systems": list(c.systems), "text": c.text, "confidence": c.confidence,
            "parts": [[name, part.start, part.end] for name in CLAIM_PART_NAMES
                      if (part := c.parts.get(name)) is not None and part.start is not None and part.end is not None],
        })
    return {
        "path": report.source, "page": row, "findings": findings, "claims": claims,
        "text": page.text[:TEXT_CAP], "text_length": len(page.text),
    }
