"""Mutational fuzzer over ingest and the whole pipeline.

    python bench/fuzz.py [--inputs 100000] [--jobs 2] [--seed 1] [--max-seconds 2] [--budget 0]

Seeds are the project's corpus pages and example (cut to 4 KB). Each input is a seed mutated
1-6 times (byte flips, inserted markup, deep nesting, disguised characters, lone surrogates, NULs,
re-encoding in UTF-16/32 or cp1252, truncation, splicing of two seeds, random bytes, and the
shapes that once made ingest quadratic: long punctuation runs, thousands of unclosed block tags,
unclosed comments and tags in HTML and Markdown, zero-width runs), read as bytes (decode), then
checked as text, HTML and Markdown (one format per input, in turn). A failure is an exception
other than CheckerError, a report that breaks an invariant (offsets outside the text, score out
of range, unknown severity), or a slow input: one whose check takes over --max-seconds (per
100 KB of input, so the bound itself is linear). Failing inputs are saved to
tests/fuzz_regressions/, which tests/test_properties.py replays on every test run. --budget
stops the run after that many seconds of wall time (0: run all --inputs).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "fuzz_regressions"
FORMATS = ("text", "html", "markdown")
EXT = {"text": ".txt", "html": ".html", "markdown": ".md"}
JUNK = ["\u200b", "\u00ad", "с", "о", "ｃ", "ﬁ", "\ud800", "\x00", "\ufffd", "…", "’", "\u202e", "😀", "\r\n", "\t", "&amp;", "&#0;", "&#xD800;", "&lol;"]
# shapes that once made an ingest stage quadratic (issue 15)
RUNS = ["!", "|", "$", ".", "-", "_", "*", "?", "a", "a ", "\u200b", "\u00ad", "c\u200b"]
UNCLOSED = ["<!--", "<!-- x\n", "<a ", "<a x=\"", "<?", "</a ", "<!x", "<![CDATA[", "<a/", "<br\n", "&#"]
MARKUP = ["<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->", "<a href='https://x.example'>", "</a>",
          "<br>", "<h1>", "</h1>", "# ", "- ", "> ", "**", "[", "](http://x)", "```", "<![CDATA[", "<!DOCTYPE x [", "<style>", "<li>"]


def load_seeds() -> list[bytes]:
    seeds = [p.read_bytes()[:4096] for p in sorted((ROOT / "corpora" / "clinic-claims" / "texts").iterdir())]
    seeds.append((ROOT / "examples" / "clinic-page.html").read_bytes()[:4096])
    return seeds


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(15)
        pos = rng.randint(0, len(data))
        if op == 0 and data:  # flip bytes
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        elif op == 1:
            data = data[:pos] + rng.choice(MARKUP).encode() + data[pos:]
        elif op == 2:
            data = data[:pos] + rng.choice(JUNK).encode("utf-8", "surrogatepass") + data[pos:]
        elif op == 3:
            tag = rng.choice(["div", "p", "b", "li", "blockquote"])
            depth = rng.choice([10, 500, 5000])
            data = data[:pos] + (f"<{tag}>" * depth).encode() + data[pos:] + (f"</{tag}>" * rng.randint(0, depth)).encode()
        elif op == 4:
            data = data[: rng.randint(0, len(data))]
        elif op == 5:
            other = rng.choice(seeds)
            data = data[:pos] + other[rng.randint(0, len(other)) :]
        elif op == 6:
            data = data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[pos:]
        elif op == 7:
            text = data.decode("utf-8", "replace")
            data = text.encode(rng.choice(["utf-16", "utf-16-le", "utf-32", "utf-32-be", "cp1252", "latin-1"]), "replace")
        elif op == 8 and data:  # repeat a slice: long lines, keyword stuffing
            a = rng.randrange(len(data))
            data = data[:pos] + data[a : a + 40] * rng.randint(2, 200) + data[pos:]
        elif op == 9:  # letter-space or leet a word
            word = rng.choice([b"cure", b"miracle", b"stem cells", b"risk-free"])
            disguised = b" ".join(bytes([c]) for c in word) if rng.random() < 0.5 else word.replace(b"e", b"3").replace(b"i", b"1")
            data = data[:pos] + disguised + data[pos:]
        elif op == 10:
            data = data.replace(b" ", b"", rng.randint(0, 50))  # fuse words into long tokens
        elif op == 11:  # a long run of punctuation, a letter or invisibles, maybe glued to a word
            run = rng.choice(RUNS) * rng.choice([100, 5_000, 40_000])
            word = rng.choice(["", "cur3", "Stem cells cure MS. Café. ", "m1racle_"])
            data = data[:pos] + (word + run + rng.choice(["", "_", "x", " "])).encode() + data[pos:]
        elif op == 12:  # thousands of block tags that never close, around text or invisibles
            unit = f"<{rng.choice(['p', 'div', 'li', 'blockquote', 'td', 'h2'])}>" + rng.choice(["", "x ", "\u200b", "cure "])
            data = data[:pos] + (unit * rng.choice([1_000, 5_000, 20_000])).encode() + data[pos:]
        elif op == 13:  # unclosed comments and tags: once, with the rest after it, or thousands of times
            unit = rng.choice(UNCLOSED)
            data = data[:pos] + (unit * rng.choice([1, 1, 100, 10_000])).encode() + data[pos:]
        else:  # a zero-width run, or every letter of a stretch split by invisibles
            if rng.random() < 0.5:
                data = data[:pos] + rng.choice(["\u200b", "\u200d\u00ad", "\ufeff"]).encode() * rng.choice([100, 10_000]) + data[pos:]
            else:
                text = data.decode("utf-8", "replace")
                data = "\u200b".join(text[:20_000]).encode() + text[20_000:].encode()
    return data[:200_000]


def check_one(analyzer, data: bytes, fmt: str) -> str | None:
    """None if fine, else a description of the failure."""
    from checker.errors import CheckerError
    from checker.ingest import page_from_text
    from checker.ingest.decode import decode_bytes
    from checker.report.json import dumps

    try:
        text, _, _ = decode_bytes(data, source="fuzz")
    except CheckerError:
        return "refused"
    try:
        report = analyzer.check_page(page_from_text(text, format=fmt, source="fuzz"))
        n = len(report.page.text)
        assert 0 <= report.score <= 100, report.score
        for item in (*report.claims, *report.findings, *report.cautions):
            assert 0 <= item.start <= item.end <= n, item
        assert all(f.severity in {"high", "medium", "low"} for f in report.findings)
        dumps(report).encode("utf-8")
    except CheckerError:
        return "refused"
    except Exception:  # noqa: BLE001 - the fuzzer's whole point
        return "FAIL " + traceback.format_exc(limit=3).strip().splitlines()[-1]
    return None


class _Stalled(BaseException):
    """Raised by the alarm in a check that runs far past its time bound (not an Exception, so
    check_one does not report it as a crash)."""


def _stalled(signum: int, frame: object) -> None:
    raise _Stalled


def timed_check(analyzer, data: bytes, fmt: str, max_seconds: float) -> str | None:
    """check_one, and "SLOW …" if it took over max_seconds per 100 KB (at least max_seconds).
    An alarm stops a check at ten times its bound; a stall inside C code ends when that returns."""
    limit = max_seconds * max(1.0, len(data) / 100_000)
    signal.signal(signal.SIGALRM, _stalled)
    signal.setitimer(signal.ITIMER_REAL, 10 * limit)
    start = time.perf_counter()
    try:
        outcome = check_one(analyzer, data, fmt)
    except _Stalled:
        outcome = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    secs = time.perf_counter() - start
    if secs > limit and (outcome is None or outcome == "refused"):
        return f"SLOW {secs:.2f} s for {len(data):,} bytes (bound {limit:.2f} s)"
    return outcome


def worker(args: tuple[int, int, int, float, float]) -> tuple[Counter, list[tuple[str, bytes, str]]]:
    start, count, seed, max_seconds, deadline = args
    if deadline and time.time() > deadline:
        return Counter(), []  # over budget: skip the task without loading the pipeline
    from checker.analyze import Analyzer

    analyzer = Analyzer()
    analyzer.check_text("Our stem cells cured my pain. They may help with arthritis.")  # lazy loads, untimed
    seeds = load_seeds()
    rng = random.Random(seed * 1_000_003 + start)
    stats: Counter = Counter()
    failures = []
    for i in range(start, start + count):
        if deadline and time.time() > deadline:
            break
        fmt = FORMATS[i % 3]
        data = mutate(rng, rng.choice(seeds), seeds)
        outcome = timed_check(analyzer, data, fmt, max_seconds)
        stats[fmt] += 1
        if outcome == "refused":
            stats["refused"] += 1
        elif outcome:
            stats["failures"] += 1
            stats["slow"] += outcome.startswith("SLOW")
            failures.append((fmt, data, outcome))
    return stats, failures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=2.0, help="time bound per input (per 100 KB above that)")
    ap.add_argument("--budget", type=float, default=0, help="stop after this many seconds of wall time (0: no limit)")
    args = ap.parse_args()
    per = 500
    t = time.time()
    deadline = t + args.budget if args.budget else 0.0
    tasks = [(i, min(per, args.inputs - i), args.seed, args.max_seconds, deadline) for i in range(0, args.inputs, per)]
    total: Counter = Counter()
    kept = 0
    with ProcessPoolExecutor(args.jobs) as pool:
        for stats, failures in pool.map(worker, tasks):
            total.update(stats)
            for fmt, data, why in failures:
                OUT.mkdir(exist_ok=True)
                name = hashlib.sha256(data).hexdigest()[:16] + EXT[fmt]
                (OUT / name).write_bytes(data)
                kept += 1
                print(f"failure ({fmt}): {why} -> tests/fuzz_regressions/{name}", flush=True)
    secs = time.time() - t
    checked = sum(total[f] for f in FORMATS)
    print(f"{checked:,} inputs in {secs:.0f} s ({checked / secs:.0f}/s) with {args.jobs} jobs, seed {args.seed}")
    print("  by format: " + ", ".join(f"{f} {total[f]:,}" for f in FORMATS))
    print(f"  refused cleanly (CheckerError, e.g. binary): {total['refused']:,}")
    print(f"  failures: {total['failures']:,}, of which slow (over {args.max_seconds:g} s per 100 KB): {total['slow']:,} (inputs saved: {kept})")


if __name__ == "__main__":
    main()
