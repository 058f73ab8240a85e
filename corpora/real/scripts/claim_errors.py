"""Claim-sentence errors on the tuning splits (never test), for error analysis:

    python corpora/real/scripts/claim_errors.py [--splits train,dev] [--out errors.jsonl]

Writes one JSON line per missed (fn) or wrongly found (fp) claim sentence with its document,
genre and tags, and for false positives the claims checker read there."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from checker.analyze import Analyzer
    from checker.evaluate.corpus import load_corpus
    from checker.evaluate.harness import claim_spans, evaluate_document
    from checker.ingest import load_page

    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--out", type=Path, default=Path("claim_errors.jsonl"))
    args = ap.parse_args()
    corpus = ROOT / "corpora" / "real"
    analyzer = Analyzer(use_models=False)
    with args.out.open("w") as out:
        for doc in load_corpus(corpus, splits=args.splits.split(",")):
            result = evaluate_document(doc, corpus, analyzer, frozenset())
            report = analyzer.check_page(load_page(corpus / doc.file))
            for u in result.units:
                if u.claim == u.pred_claim:
                    continue
                text = " … ".join(result.text[s:e] for s, e in u.spans)
                read = [{"intervention": c.intervention, "effect": c.effect, "condition": c.condition, "modality": c.modality,
                         "syntax": bool(c.syntax)}
                        for c in report.claims if any(u.overlaps(result.text, s, e) for s, e in [(c.start, c.end)])
                        and (c.start, c.end) in claim_spans(report)]
                out.write(json.dumps({"kind": "fn" if u.claim else "fp", "doc": doc.id, "genre": doc.genre, "tags": list(u.tags),
                                      "labelled": u.labelled, "text": text[:400], "read": read}) + "\n")


if __name__ == "__main__":
    main()
