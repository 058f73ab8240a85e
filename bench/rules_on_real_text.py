"""Run the rule packs over real text and print which rules fire how often, with sample matches.

Two sources, read in place (never copied into the project):
- ../shared/corpora/external/fda-warning-letters/*.txt: only the clinic claims the letters quote
  (curly-quoted spans “…”, with the bullet lines inside them). The FDA's own legal prose is not
  clinic text and is left out, as are quotes of statutes and regulations. Each letter's quotes
  become one document, as if they were the seller's page.
- ../shared/seeds/*.txt: the founding documents, each one document.

Usage: python bench/rules_on_real_text.py [--samples N] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LETTERS = SHARED / "corpora" / "external" / "fda-warning-letters"
SEEDS = SHARED / "seeds"

_QUOTE = re.compile(r"“([^”]{20,4000})”|\"([^\"\n]{20,1000})\"", re.S)
# Quotes of statutes, regulations and FDA definitions, not of the seller.
_LEGAL = re.compile(
    r"\b(?:CFR|U\.S\.C|FD&C|section \d|HCT/Ps? manufacturer|objective intent|labeling|the Act\b|PHS Act|"
    r"intended for homologous use|adequate directions|new drug|biological product|minimal manipulation|"
    r"pharmacist|in the recipient as in the donor|manufacturer, packer)",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:o|•|-|\*|·|▪)\s+")


def quoted_claims(text: str) -> list[str]:
    """The seller's words quoted in a letter: each curly-quoted span, bullets kept as lines."""
    out = []
    for m in _QUOTE.finditer(text):
        span = (m.group(1) or m.group(2)).strip()
        if _LEGAL.search(span) or len(span.split()) < 5:
            continue
        lines = [_BULLET.sub("", line).strip() for line in span.splitlines()]
        out.append("\n".join(line for line in lines if line))
    return out


def documents() -> dict[str, list[tuple[str, str]]]:
    docs: dict[str, list[tuple[str, str]]] = {"fda": [], "seeds": []}
    for path in sorted(LETTERS.glob("*.txt")):
        quotes = quoted_claims(path.read_text(encoding="utf-8"))
        if quotes:
            docs["fda"].append((path.name, "\n\n".join(quotes)))
    for path in sorted(SEEDS.glob("*.txt")):
        docs["seeds"].append((path.name, path.read_text(encoding="utf-8")))
    return docs


def run(samples: int) -> dict:
    from checker.analyze import Analyzer

    analyzer = Analyzer()
    rules = {r.id: r for r in analyzer.ruleset.rules}
    fired_docs: dict[str, Counter[str]] = {"fda": Counter(), "seeds": Counter()}
    findings: dict[str, Counter[str]] = {"fda": Counter(), "seeds": Counter()}
    examples: dict[str, list[dict[str, str]]] = defaultdict(list)
    sizes = {}
    all_docs = documents()
    for corpus, docs in all_docs.items():
        sizes[corpus] = (len(docs), sum(len(text.split()) for _, text in docs))
        for name, text in docs:
            report = analyzer.check_text(text, source=name)
            seen = set()
            for f in report.findings:
                findings[corpus][f.rule] += 1
                seen.add(f.rule)
                if f.match and len(examples[f.rule]) < samples:
                    lo = max(0, f.start - 60)
                    context = " ".join(text[lo : f.end + 60].split())
                    examples[f.rule].append({"corpus": corpus, "doc": name, "match": f.match,
                                             "severity": f.severity, "context": context})
            fired_docs[corpus].update(seen)
    table = [
        {"rule": rid, "name": rules[rid].name, "kind": rules[rid].kind,
         "fda_docs": fired_docs["fda"][rid], "fda_findings": findings["fda"][rid],
         "seed_docs": fired_docs["seeds"][rid], "seed_findings": findings["seeds"][rid]}
        for rid in sorted(rules)
    ]
    return {"sizes": sizes, "table": table, "examples": dict(examples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=3, help="sample matches shown per rule")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if not LETTERS.is_dir() and not SEEDS.is_dir():
        sys.exit("bench: ../shared/corpora/external/fda-warning-letters and ../shared/seeds are not present")
    result = run(args.samples)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    (nf, wf), (ns, ws) = result["sizes"]["fda"], result["sizes"]["seeds"]
    print(f"FDA warning letters: {nf} documents of quoted claims ({wf} words); seeds: {ns} documents ({ws} words)\n")
    print(f"{'rule':7} {'name':32} {'FDA docs':>8} {'FDA hits':>8} {'seed docs':>9} {'seed hits':>9}")
    for row in result["table"]:
        print(f"{row['rule']:7} {row['name'][:32]:32} {row['fda_docs']:>5}/{nf:<2} {row['fda_findings']:>8} "
              f"{row['seed_docs']:>6}/{ns:<2} {row['seed_findings']:>9}")
    silent = [r["rule"] for r in result["table"] if not r["fda_findings"] and not r["seed_findings"]]
    print(f"\nrules that never fired: {', '.join(silent) or 'none'}\n")
    for rule, items in sorted(result["examples"].items()):
        for ex in items:
            print(f"{rule} [{ex['corpus']}:{ex['doc'][:28]}] {ex['severity']:6} {ex['match'][:50]!r}  … {ex['context'][:170]}")


if __name__ == "__main__":
    main()
