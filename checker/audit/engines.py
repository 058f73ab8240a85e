"""Where the pages are checked: a local process pool or a Dask cluster. Same tasks, same worker
code, same records; only the transport differs. Both keep a bounded number of tasks in flight, so
memory does not grow with the number of pages, and hand each finished batch to `on_results` in
the calling process (which journals it)."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from checker.audit.worker import (
    AnalyzerOptions,
    Done,
    check_paths,
    check_payloads,
    finished,
    init_local_worker,
    read_payload,
    ready,
    status_record,
)
from checker.errors import ConfigError, Errors

Batch = list[tuple[str, int]]  # (path, size)
OnResults = Callable[[list[Done]], None]

CRASH_REASON = "the worker process died while checking this file (a crash or out of memory)"


Task = Callable[[AnalyzerOptions, Batch], list[Done]]


def run_local(tasks: Iterator[Batch], *, options: AnalyzerOptions, jobs: int, on_results: OnResults,
              task: Task = check_paths) -> None:
    """Check every batch on `jobs` worker processes. A batch whose worker dies is retried one
    file at a time, so only the file that kills a worker is reported as an error."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent; same on every OS

    def new_pool() -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_local_worker,
                                   initargs=(options, os.getpid()))
        return _started(pool, jobs)

    first = next(tasks, None)
    if first is None:  # nothing to check (all skipped or done before): no workers to start
        return
    tasks = itertools.chain([first], tasks)
    limit = jobs * 2
    pool = new_pool()
    inflight: dict[Future[list[Done]], Batch] = {}
    try:
        exhausted = False
        while True:
            while not exhausted and len(inflight) < limit:
                batch = next(tasks, None)
                if batch is None:
                    exhausted = True
                    break
                inflight[pool.submit(task, options, batch)] = batch
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken: list[Batch] = []
            for future in done:
                batch = inflight.pop(future)
                try:
                    on_results(future.result())
                except BrokenProcessPool:
                    broken.append(batch)
            if broken:
                broken += list(inflight.values())  # every task in flight died with the pool
                inflight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _isolate(broken, new_pool, task, options, on_results)
    except BaseException:
        for future in inflight:
            future.cancel()
        _collect_running(inflight, on_results)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _isolate(batches: list[Batch], new_pool: Callable[[], ProcessPoolExecutor], task: Task,
             options: AnalyzerOptions, on_results: OnResults) -> ProcessPoolExecutor:
    """Re-run the files of broken batches one by one to find the one that kills a worker."""
    pool = new_pool()
    for batch in batches:
        for item in batch:
            try:
                on_results(pool.submit(task, options, [item]).result())
            except BrokenProcessPool:
                on_results([finished(status_record(item[0], "error", CRASH_REASON, size=item[1]))])
                pool.shutdown(wait=True)
                pool = new_pool()
    return pool


def _started(pool: ProcessPoolExecutor, jobs: int) -> ProcessPoolExecutor:
    """The pool, once its workers (started side by side) have proved they start; a worker that
    cannot start is a setup problem, not a page's, so it stops the audit instead of failing
    every file."""
    try:
        for probe in [pool.submit(ready) for _ in range(jobs)]:
            probe.result()
    except BrokenProcessPool:
        pool.shutdown(wait=True)
        raise ConfigError(Errors.E621) from None
    return pool


def _collect_running(inflight: dict[Future[list[Done]], Batch], on_results: OnResults) -> None:
    """On Ctrl-C: keep the batches already being checked (they finish within moments)."""
    running = [f for f in inflight if not f.cancelled()]
    try:
        for future in running:
            try:
                on_results(future.result(timeout=30))
            except Exception:  # noqa: BLE001  a batch that cannot finish is simply not journaled
                pass
    except KeyboardInterrupt:  # a second Ctrl-C: stop waiting
        pass


def run_dask(tasks: Iterator[Batch], *, options: AnalyzerOptions, jobs: int, scheduler: str | None,
             on_results: OnResults) -> None:
    """The same batches on dask.distributed: a LocalCluster of `jobs` single-threaded worker
    processes, or the cluster at `scheduler`. The client reads each file and ships its bytes, so
    workers need checker installed but no access to the files."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ConfigError(Errors.E202) from None

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise ConfigError(Errors.E622.format(scheduler=scheduler, reason=exc)) from None
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        slots = max(1, sum(client.nthreads().values())) if scheduler else jobs
        limit = slots * 2
        queue = as_completed()
        inflight: dict[object, list[tuple[str, bytes | str]]] = {}

        def submit() -> bool:
            batch = next(tasks, None)
            if batch is None:
                return False
            items = [(path, read_payload(path, options.max_bytes)) for path, _ in batch]
            future = client.submit(check_payloads, options, items, pure=False)
            inflight[future] = items
            queue.add(future)
            return True

        more = True
        while more and len(inflight) < limit:
            more = submit()
        try:
            for future in queue:
                items = inflight.pop(future)
                try:
                    on_results(future.result())
                except Exception as exc:  # noqa: BLE001  e.g. KilledWorker after Dask's retries
                    reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
                    on_results([finished(status_record(p, "error", reason, size=len(d) if isinstance(d, bytes) else -1))
                                for p, d in items])
                future.release()
                while more and len(inflight) < limit:
                    more = submit()
        except BaseException:
            client.cancel(list(inflight))
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
