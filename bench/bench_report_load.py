"""How long report.html takes to open in a browser at many pages.

    python bench/bench_report_load.py [--pages 10000] [--base 300] [--keep DIR]
    python bench/bench_report_load.py --open A/report.html B/report.html [--rounds 3]   # side by side

Audits --base synthetic pages once, then writes a report of --pages pages by cycling their
journal records (each under a new path), as `checker audit` writes it, and opens it in Debian's
/usr/bin/chromium (playwright, no browser download): the time until the table shows its first
rows and the load event, then the time to open the view of one page. Not a test: figures depend
on the machine. README ("Audit") quotes a run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def build(out: Path, pages: int, base: int) -> Path:
    from checker.audit import audit
    from checker.audit.html import ReportWriter
    from checker.audit.journal import iter_records, scan
    from checker.audit.run import DEFAULT_REPORT_PAGES, JOURNAL, _summary_builder
    from checker.audit.synth import write_pages

    src = out / "pages"
    write_pages(src, base, seed=3)
    first = out / "base"
    audit([src], out=first, jobs=2, report_pages=0)
    journal = first / JOURNAL
    index = scan(journal)
    records = list(iter_records(journal, index.entries, sorted(index.entries)))
    packs = sorted({f["pack"] for r in records for f in r.get("findings", ())})
    target = out / "big"
    target.mkdir()
    scored = sorted((e.score, p) for p, e in index.entries.items() if e.status == "ok" and e.score is not None)
    full = {p for _, p in scored[:DEFAULT_REPORT_PAGES]}
    report = ReportWriter(target, packs=packs, full_text=full, full_text_pages=DEFAULT_REPORT_PAGES, rules=index.rules)
    summary = _summary_builder(packs)
    for n in range(pages):
        record = dict(records[n % len(records)])
        copy = n // len(records)
        if copy:
            record["page"] = {**record["page"], "path": f"copy{copy}/{record['page']['path']}"}
        summary.add(record)
        report.add(record)
    report.commit(summary.result(complete=True, pending=0, inputs=[str(src)]))
    return target / "report.html"


def open_in_browser(path: Path) -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        t = time.perf_counter()
        tab.goto(path.as_uri(), wait_until="commit", timeout=120_000)
        tab.wait_for_selector("#pages-table tbody tr", timeout=120_000)
        rows = time.perf_counter() - t
        tab.wait_for_load_state("load", timeout=120_000)
        loaded = time.perf_counter() - t
        t = time.perf_counter()
        tab.click("#pages-table tbody tr")
        tab.wait_for_selector("#page-view:not([hidden])", timeout=60_000)
        view = time.perf_counter() - t
        browser.close()
    return rows, loaded, view


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--base", type=int, default=300, help="synthetic pages audited, then cycled")
    ap.add_argument("--keep", type=Path, help="write the report to this folder and keep it")
    ap.add_argument("--open", type=Path, nargs="+", help="only time opening these reports, in turn")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if args.open:
        times: dict[Path, list[tuple[float, float, float]]] = {p: [] for p in args.open}
        for _ in range(args.rounds):
            for report in args.open:
                times[report].append(open_in_browser(report))
        for report, runs in times.items():
            rows, loaded, view = (statistics.median(r[i] for r in runs) for i in range(3))
            print(f"{report} ({report.stat().st_size / 1e6:.1f} MB): medians of {args.rounds}: first table rows after "
                  f"{rows:.2f} s, load event after {loaded:.2f} s, one page's view in {view:.2f} s")
        return
    with tempfile.TemporaryDirectory() as tmp:
        report = build(Path(tmp), args.pages, args.base)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            report = Path(shutil.copy(report, args.keep / "report.html"))
        size = report.stat().st_size
        rows, loaded, view = open_in_browser(report)
        print(f"report.html at {args.pages:,} pages: {size / 1e6:.1f} MB; first table rows after {rows:.2f} s, "
              f"load event after {loaded:.2f} s; one page's view opens in {view:.2f} s")


if __name__ == "__main__":
    main()
