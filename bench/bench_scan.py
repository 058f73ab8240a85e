"""Scan throughput against a bare spaCy pass, in one run, on the same text.

    python bench/bench_scan.py [--words 1000000] [--repeat 1] [--corpus corpora/real] [--cold-only] [--cold-rounds 7]

Pages are a labelled corpus's texts (default: the real pages, corpora/real/texts), cycled until
about --words words. It prints:
- full scan: ingest (from the saved text) + pipeline + claims (parsed) + rules + models + score,
  words/s; the same without the learned models; and the rules without the parser (claims by
  co-occurrence), so the parser's cost is measured beside the rest in one run;
- bare: spacy.blank("en") + sentencizer over the same extracted page texts, words/s;
- their ratio, and a cold `checker scan` of one page against a cold `import spacy` (--cold-only: just that).
Not a test: figures depend on the machine. The README quotes a run of this script.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def load_pages(target_words: int, corpus: Path) -> list[tuple[str, str, str]]:
    from checker.ingest import detect_format

    texts = sorted((corpus / "texts").iterdir())
    base = [(p.name, p.read_text(encoding="utf-8"), "") for p in texts]
    base = [(name, text, detect_format(name, text)) for name, text, _ in base]
    pages, words, i = [], 0, 0
    while words < target_words:
        name, text, fmt = base[i % len(base)]
        pages.append((name, text, fmt))
        words += len(WORD.findall(text))
        i += 1
    return pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs of each pass")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "real")
    ap.add_argument("--cold-rounds", type=int, default=7, help="rounds of the cold-start comparison")
    ap.add_argument("--cold-only", action="store_true", help="only the cold-start comparison")
    args = ap.parse_args()
    if args.cold_only:
        cold_start(args.cold_rounds)
        return

    import spacy

    from checker.analyze import Analyzer
    from checker.ingest import page_from_text

    pages = load_pages(args.words, args.corpus)
    extracted = [page_from_text(text, format=fmt, source=name) for name, text, fmt in pages]
    words = sum(len(WORD.findall(p.text)) for p in extracted)
    print(f"{len(pages)} pages, {words:,} words (extracted text), {sum(len(t) for _, t, _ in pages):,} source characters")

    def full_pass(analyzer: Analyzer) -> float:
        analyzer.check_text("warm up: stem cells cure MS.")
        best = float("inf")
        for _ in range(args.repeat):
            t = time.process_time()
            for name, text, fmt in pages:
                analyzer.check_page(page_from_text(text, format=fmt, source=name))
            best = min(best, time.process_time() - t)
        return best

    best_full = full_pass(Analyzer())
    best_rules = full_pass(Analyzer(use_models=False))
    best_no_parse = full_pass(Analyzer(use_models=False, use_syntax=False))

    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    bare.max_length = 10_000_000
    best_bare = float("inf")
    for _ in range(args.repeat):
        t = time.process_time()
        for _doc in bare.pipe((p.text for p in extracted), batch_size=64):
            pass
        best_bare = min(best_bare, time.process_time() - t)

    full_wps, rules_wps, bare_wps = words / best_full, words / best_rules, words / best_bare
    no_parse_wps = words / best_no_parse
    print("CPU seconds of this process (robust to other load on the machine):")
    print(f"full scan  : {best_full:7.2f} s  {full_wps:10,.0f} words/s  {len(pages) / best_full:8,.1f} pages/s  (rules + learned models)")
    print(f"rules only : {best_rules:7.2f} s  {rules_wps:10,.0f} words/s  {len(pages) / best_rules:8,.1f} pages/s  (Analyzer(use_models=False))")
    print(f"no parser  : {best_no_parse:7.2f} s  {no_parse_wps:10,.0f} words/s  {len(pages) / best_no_parse:8,.1f} pages/s  (rules, claims by co-occurrence)")
    print(f"bare spaCy : {best_bare:7.2f} s  {bare_wps:10,.0f} words/s  (spacy.blank('en') + sentencizer)")
    print(f"ratio      : full {full_wps / bare_wps:.2f}x, rules only {rules_wps / bare_wps:.2f}x, no parser "
          f"{no_parse_wps / bare_wps:.2f}x of bare spaCy; the parser keeps {rules_wps / no_parse_wps:.2f}x of the rules' words/s")

    cold_start(args.cold_rounds)


def cold_start(rounds: int) -> None:
    """Cold `checker scan` of one page against a cold `import spacy; spacy.blank("en")`, run in
    turn (so load on the machine falls on both alike), medians of wall time. The phrase-pattern
    cache (checker.nlp.phrases) is warmed first, as it is after a user's first scan; the plain
    page has no claim candidate, so the parser is never loaded for it."""
    import tempfile

    example = ROOT / "examples" / "clinic-page.html"
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.txt"
        plain.write_text("Our clinic is open on weekdays. Parking is free for visitors.\n", encoding="utf-8")
        commands = {
            "scan": [sys.executable, "-m", "checker", "scan", str(example), "--format", "json"],
            "scan_plain": [sys.executable, "-m", "checker", "scan", str(plain), "--format", "json"],
            "blank": [sys.executable, "-c", "import spacy; spacy.blank('en')"],
            "parser": [sys.executable, "-c", "from checker.nlp.syntax import load_parser; load_parser()"],
        }
        subprocess.run(commands["scan"], capture_output=True, check=True, cwd=ROOT)  # builds the user cache if missing
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(rounds):
            for name, cmd in commands.items():
                t = time.perf_counter()
                subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT)
                times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"cold start (medians of {rounds}, wall): checker scan of the example page {med['scan']:.2f} s = {med['scan'] / med['blank']:.2f}x "
          f"python -c 'import spacy; spacy.blank(\"en\")' ({med['blank']:.2f} s); a page with no claim candidate "
          f"{med['scan_plain']:.2f} s = {med['scan_plain'] / med['blank']:.2f}x; loading the parser alone {med['parser']:.2f} s")


if __name__ == "__main__":
    main()
