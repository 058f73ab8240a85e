"""Agreement between the first labelling pass and the independent second pass.

    python corpora/real/scripts/agreement.py corpora/real [--disagreements OUT.jsonl]

Reads both passes from corpora/real/labels/ (first_pass.jsonl, second_pass.jsonl); prints Cohen's kappa (scikit-learn) for sentence `claim`, sentence
`problematic` and the document label over the documents both passes labelled, with raw
agreement and counts, as JSON. With --disagreements, writes every field the passes disagree on
(the adjudication's to-do list).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def agreement(first: dict[str, dict], second: dict[str, dict]) -> tuple[dict, list[dict]]:
    ids = sorted(set(first) & set(second))
    pairs: dict[str, tuple[list[bool], list[bool]]] = {"claim": ([], []), "problematic": ([], []), "label": ([], [])}
    disagreements = []
    for doc_id in ids:
        a, b = first[doc_id], second[doc_id]
        pairs["label"][0].append(a["label"] == "problematic")
        pairs["label"][1].append(b["label"] == "problematic")
        if a["label"] != b["label"]:
            disagreements.append({"id": doc_id, "field": "label", "first": a["label"], "second": b["label"]})
        sa = {s["n"]: s for s in a["sentences"]}
        sb = {s["n"]: s for s in b["sentences"]}
        for n in sorted(set(sa) & set(sb)):
            for field in ("claim", "problematic"):
                x, y = bool(sa[n][field]), bool(sb[n][field])
                pairs[field][0].append(x)
                pairs[field][1].append(y)
                if x != y:
                    disagreements.append({"id": doc_id, "n": n, "field": field, "first": x, "second": y})
    out = {"documents": len(ids)}
    for field, (x, y) in pairs.items():
        out[field] = {
            "items": len(x),
            "kappa": round(float(cohen_kappa_score(x, y)), 3) if len(set(x) | set(y)) > 1 else None,
            "raw_agreement": round(sum(p == q for p, q in zip(x, y)) / len(x), 3) if x else None,
            "positives_first": sum(x), "positives_second": sum(y),
        }
    return out, disagreements


def main(argv: list[str]) -> int:
    corpus = Path(argv[0])
    first = {r["id"]: r for r in read_jsonl(corpus / "labels" / "first_pass.jsonl")}
    second = {r["id"]: r for r in read_jsonl(corpus / "labels" / "second_pass.jsonl")}
    figures, disagreements = agreement(first, second)
    print(json.dumps(figures, indent=2))
    if "--disagreements" in argv:
        out = Path(argv[argv.index("--disagreements") + 1])
        out.write_text("".join(json.dumps(d) + "\n" for d in disagreements), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
