"""`checker audit`: a folder of pages into tables, a summary and an HTML report."""

from __future__ import annotations

import signal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checker.cli.app import app
from checker.cli.common import DisableOpt, PacksOpt
from checker.ingest import AUDIT_MAX_BYTES

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def audit(
    inputs: Annotated[list[Path], typer.Argument(help="Folders (walked recursively) or files to audit.", metavar="DIR...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs (created if needed).")],
    include: Annotated[list[str] | None, typer.Option("--include", help="Glob of files to read (repeatable; replaces the default *.html *.htm *.md *.markdown *.txt). A pattern with '/' matches the path under DIR, others the file name.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob of files to skip (repeatable); they are listed as skipped.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).", min=1)] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish an interrupted audit in --out: skip the files already done.")] = False,
    engine: Annotated[Engine, typer.Option("--engine", help="local (a process pool) or dask (dask.distributed).")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler (with --engine dask); default: a local cluster.")] = None,
    packs: PacksOpt = None,
    disable: DisableOpt = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip files larger than this (default 10 MiB).", min=1)] = AUDIT_MAX_BYTES,
    hidden: Annotated[bool, typer.Option("--hidden", help="Also walk hidden folders (names starting with '.').")] = False,
    report_pages: Annotated[int, typer.Option("--report-pages", help="Embed the full text of this many lowest-scoring pages in report.html; others get excerpts around their findings.", min=0)] = 1000,
    page_timeout: Annotated[float, typer.Option("--page-timeout", help="Seconds one page may take; a page over it becomes an error row (0: no limit).", min=0)] = 60.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Audit a folder of saved pages: pages/findings/claims tables (CSV and Parquet), summary.json
    and a self-contained report.html. Every file gets a row (ok, skipped or error, with the reason)."""
    from checker.errors import require_extra

    require_extra("audit", command="audit")
    if engine.value == "dask":
        require_extra("dask", command="audit --engine dask")
    from checker.audit import audit as run_audit

    previous = signal.signal(signal.SIGTERM, _interrupt)  # kill (TERM) stops like Ctrl-C
    try:
        with _ProgressBar(enabled=not quiet) as bar:
            result = run_audit(
                inputs, out=out, include=include or _default_include(), exclude=exclude or (), jobs=jobs,
                resume=resume, engine=engine.value, scheduler=scheduler, packs=packs or (), disable=disable or (),
                max_bytes=max_bytes, hidden=hidden, report_pages=report_pages, page_timeout=page_timeout,
                progress=bar.update,
            )
    except OSError as exc:  # cannot write the outputs (permissions, disk full): files already in place stay intact
        from checker.errors import CheckerError, Errors

        raise CheckerError(Errors.E802.format(reason=exc.strerror or exc), path=exc.filename or str(out)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    line = (f"{result.total:,} files: {result.ok:,} checked, {result.skipped:,} skipped, {result.errors:,} errors; "
            f"{result.words:,} words, {result.findings:,} findings, {result.claims:,} claims")
    if result.resumed:
        line += f" ({result.resumed:,} from the earlier run)"
    typer.echo(line)
    typer.echo(f"report: {result.files['report.html']}")
    if not result.complete:
        typer.echo(f"checker: interrupted with {result.pending:,} files not done; the outputs hold what was done. "
                   "Run the same command with --resume to finish.", err=True)
        raise typer.Exit(130)


def _default_include() -> list[str]:
    from checker.audit import DEFAULT_INCLUDE

    return list(DEFAULT_INCLUDE)


def _interrupt(signum, frame) -> None:  # type: ignore[no-untyped-def]
    raise KeyboardInterrupt


class _ProgressBar:
    """A rich progress bar on stderr: files done, pages/s, elapsed and ETA."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _ProgressBar:
        return self

    def _start(self) -> None:
        """Started at the first event, so an early error prints nothing but itself."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:  # type: ignore[no-untyped-def]
                speed = task.finished_speed or task.speed
                return Text("… pages/s" if speed is None else f"{speed:,.1f} pages/s", style="cyan")

        self.progress = Progress(
            TextColumn("[bold]audit[/]"), BarColumn(), MofNCompleteColumn(), Rate(), TextColumn("{task.description}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )
        self.progress.start()

    def update(self, event) -> None:  # type: ignore[no-untyped-def]
        if not self.enabled:
            return
        if self.progress is None:
            self._start()
        assert self.progress is not None  # set by _start
        desc = f"ok {event.ok:,} · skipped {event.skipped:,} · errors {event.errors:,}"
        if event.phase == "writing":
            desc += " · writing tables and report…"
        if self.task is None:
            self.task = self.progress.add_task(desc, total=event.total, completed=event.done)
        else:
            self.progress.update(self.task, completed=event.done, total=event.total, description=desc)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
