"""How often a claim read each way is a claim a labeller marked: the `confidence` table in
checker/claims.py (CLAIM_CONFIDENCE), measured on the tuning splits only (never test).

    python corpora/real/scripts/claim_confidence.py [--splits train,dev]

For each stated claim (not denied, asked or a verbless heading) checker finds, the labelled
sentence it falls in says whether it is a claim; precision is counted per (parsed by the
trained parser?, how the intervention was resolved), with add-one smoothing."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from checker.analyze import Analyzer
    from checker.evaluate.corpus import load_corpus, locate
    from checker.ingest import load_page
    from checker.types import NOT_STATED

    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", default="train,dev")
    args = ap.parse_args()
    corpus = ROOT / "corpora" / "real"
    analyzer = Analyzer(use_models=False)
    hits: Counter[tuple[bool, str]] = Counter()
    total: Counter[tuple[bool, str]] = Counter()
    for doc in load_corpus(corpus, splits=args.splits.split(",")):
        page = load_page(corpus / doc.file)
        report = analyzer.check_page(page)
        located = [(s.claim, spans) for s, spans in zip(doc.sentences, locate(page.text, doc.sentences))]
        for c in report.claims:
            if c.modality in NOT_STATED:
                continue
            key = (bool(c.syntax), c.intervention_source)
            total[key] += 1
            hits[key] += any(claim and any(s < c.end and c.start < e for s, e in spans) for claim, spans in located)
    for key in sorted(total):
        print(f"{key!s:24} n={total[key]:4}  precision={hits[key] / total[key]:.3f}  smoothed={(hits[key] + 1) / (total[key] + 2):.2f}")


if __name__ == "__main__":
    main()
