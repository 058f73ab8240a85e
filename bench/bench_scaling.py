"""Does any stage grow faster than the page? One page built from real corpus texts at 1k, 10k,
100k and 1M words, each scanned in a fresh process: ms per 1,000 words and peak memory per word.

    python bench/bench_scaling.py [--sizes 1000,10000,100000,1000000] [--corpus corpora/real]

A linear pipeline keeps ms/1k words flat (the issue's goal: the 1M figure within 1.3x the 1k
figure) and memory per word flat (1M within 1.5x the 10k figure). Not a test: figures depend on
the machine. CPU time of the child process, so other load matters less.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+(?:[’'-]\w+)*")

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from checker.analyze import Analyzer
from checker.ingest import page_from_text
text = open({path!r}, encoding="utf-8").read()
analyzer = Analyzer()
analyzer.check_page(page_from_text("Stem cells cure arthritis. Risks include infection.", format="text"))  # warm: parser loaded
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
report = analyzer.check_page(page_from_text(text, format="text"))
seconds = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "peak_kb": peak, "base_kb": before, "claims": len(report.claims),
                  "findings": len(report.findings)}}))
"""


def build(words: int, corpus: Path) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "texts").iterdir()) if p.suffix in {".txt", ".md"}]
    out, n, i = [], 0, 0
    while n < words:
        t = texts[i % len(texts)]
        out.append(t)
        n += len(WORD.findall(t))
        i += 1
    return "\n\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "real")
    args = ap.parse_args()
    tmp = ROOT / "bench" / ".scaling-page.txt"
    rows = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            text = build(size, args.corpus)
            tmp.write_text(text, encoding="utf-8")
            words = len(WORD.findall(text))
            code = CHILD.format(root=str(ROOT), path=str(tmp))
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            rows.append((words, r))
            grown = max(r["peak_kb"] - r["base_kb"], 0)
            print(f"{words:>10,} words  {1000 * r['seconds'] / words * 1000:8.2f} ms/1k words  "
                  f"peak {r['peak_kb'] / 1024:7.0f} MB (+{grown / 1024:.0f} MB, {grown * 1024 / words:,.0f} B/word)  "
                  f"{r['claims']:,} claims  {r['findings']:,} findings", flush=True)
    finally:
        tmp.unlink(missing_ok=True)
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        ratio = (last[1]["seconds"] / last[0]) / (first[1]["seconds"] / first[0])
        print(f"ms/1k words at {last[0]:,} words / at {first[0]:,} words: {ratio:.2f}x")


if __name__ == "__main__":
    main()
