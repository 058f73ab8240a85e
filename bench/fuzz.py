"""Mutational fuzzer over ingest and the whole pipeline.

    python bench/fuzz.py [--inputs 100000] [--jobs 2] [--seed 1]

Seeds are the project's corpus pages and example (cut to 4 KB). Each input is a seed mutated
1-6 times (byte flips, inserted markup, deep nesting, disguised characters, lone surrogates, NULs,
re-encoding in UTF-16/32 or cp1252, truncation, splicing of two seeds, random bytes), read as
bytes (decode), then checked as text, HTML and Markdown (one format per input, in turn). A failure
is an exception other than CheckerError, or a report that breaks an invariant (offsets outside
the text, score out of range, unknown severity). Failing inputs are saved to
tests/fuzz_regressions/, which tests/test_properties.py replays on every test run.
"""

from __future__ import annotations

import argparse
import hashlib
import random
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
MARKUP = ["<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->", "<a href='https://x.example'>", "</a>",
          "<br>", "<h1>", "</h1>", "# ", "- ", "> ", "**", "[", "](http://x)", "```", "<![CDATA[", "<!DOCTYPE x [", "<style>", "<li>"]


def load_seeds() -> list[bytes]:
    seeds = [p.read_bytes()[:4096] for p in sorted((ROOT / "corpora" / "clinic-claims" / "texts").iterdir())]
    seeds.append((ROOT / "examples" / "clinic-page.html").read_bytes()[:4096])
    return seeds


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(11)
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
        else:
            data = data.replace(b" ", b"", rng.randint(0, 50))  # fuse words into long tokens
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


def worker(args: tuple[int, int, int]) -> tuple[Counter, list[tuple[str, bytes, str]]]:
    start, count, seed = args
    from checker.analyze import Analyzer

    analyzer = Analyzer()
    seeds = load_seeds()
    rng = random.Random(seed * 1_000_003 + start)
    stats: Counter = Counter()
    failures = []
    for i in range(start, start + count):
        fmt = FORMATS[i % 3]
        data = mutate(rng, rng.choice(seeds), seeds)
        outcome = check_one(analyzer, data, fmt)
        stats[fmt] += 1
        if outcome == "refused":
            stats["refused"] += 1
        elif outcome:
            stats["failures"] += 1
            failures.append((fmt, data, outcome))
    return stats, failures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    per = 500
    tasks = [(i, min(per, args.inputs - i), args.seed) for i in range(0, args.inputs, per)]
    t = time.time()
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
    print(f"  failures: {total['failures']:,} (inputs saved: {kept})")


if __name__ == "__main__":
    main()
