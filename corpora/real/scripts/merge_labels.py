"""Build corpora/real/corpus.jsonl from the collected metadata, the labelling sheets, the first
labelling pass and the adjudication of the second pass.

    python corpora/real/scripts/merge_labels.py corpora/real SHEET_DIR

- metadata: corpora/real/collection/*.jsonl (one line per collected document, with provenance);
- sheets: SHEET_DIR/<id>.json, the sentence texts a label's number `n` refers to (make_sheets.py);
- first pass: corpora/real/labels/first_pass.jsonl, one line per document (GUIDELINES.md section 5);
- second pass: corpora/real/labels/second_pass.jsonl, the independent pass over a sample;
- adjudication: corpora/real/labels/adjudication.jsonl, the final value of every field the two
  passes disagreed on, decided against the guidelines (see agreement.py).

Every split comes from corpora/real/splits.json, fixed by assign_splits.py from the collection
records before any label was read (grouped by site or organisation).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assign_splits import group_of
from checker.evaluate.corpus import TAGS, schema_errors


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def first_pass(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for rec in read_jsonl(path):
        out.setdefault(rec["id"], rec)  # a document labelled twice by mistake: the first line counts
    return out


def adjudicated(corpus: Path) -> dict[str, list[dict]]:
    path = corpus / "labels" / "adjudication.jsonl"
    out: dict[str, list[dict]] = {}
    for rec in read_jsonl(path) if path.is_file() else []:
        out.setdefault(rec["id"], []).append(rec)
    return out


def apply_adjudication(labels: dict, decisions: list[dict]) -> dict:
    by_n = {s["n"]: s for s in labels["sentences"]}
    for d in decisions:
        if d["field"] == "label":
            labels["label"] = d["final"]
        else:
            by_n[d["n"]][d["field"]] = d["final"]
    return labels


def clean_tags(tags: list[str], claim: bool) -> list[str]:
    tags = [t for t in dict.fromkeys(tags) if t in TAGS]
    if claim:
        tags = [t for t in tags if t not in {"negated", "question"}]
    return tags


def record(meta: dict, group: str, sentences: list[str], labels: dict, second: bool, n_adjudicated: int) -> dict:
    seen: set[str] = set()
    out_sentences = []
    by_n = {s["n"]: s for s in labels["sentences"]}
    for n, text in enumerate(sentences):
        text = " ".join(text.split())
        if not text or text in seen or n not in by_n:
            continue  # a repeated sentence (a heading shown twice) is one unit: its first label counts
        seen.add(text)
        s = by_n[n]
        claim = bool(s["claim"])
        out_sentences.append({"text": text, "claim": claim, "problematic": bool(s["problematic"]),
                              "tags": clean_tags(list(s.get("tags", [])), claim)})
    rec = {
        "id": meta["id"], "file": meta["file"], "format": meta.get("format", "txt"), "genre": meta["genre"],
        "topic": meta.get("topic") or "unspecified", "label": labels["label"], "split": "train", "part": "real",
        "sentences": out_sentences,
        "site": meta.get("site", ""), "group": group,
        "url": meta.get("url", ""), "title": meta.get("title", ""), "source": meta.get("source", ""),
        "retrieved": meta.get("retrieved", ""), "licence": meta.get("licence", ""),
        "labelling": {"first_pass": True, "second_pass": second, "adjudicated_fields": n_adjudicated},
    }
    return rec


def main(argv: list[str]) -> int:
    corpus, sheets = Path(argv[0]), Path(argv[1])
    metas = [m for p in sorted((corpus / "collection").glob("*.jsonl")) for m in read_jsonl(p)]
    labels = first_pass(corpus / "labels" / "first_pass.jsonl")
    decisions = adjudicated(corpus)
    second_path = corpus / "labels" / "second_pass.jsonl"
    second = {r["id"] for r in read_jsonl(second_path)} if second_path.is_file() else set()
    splits = json.loads((corpus / "splits.json").read_text(encoding="utf-8"))
    overrides = {k: v for k, v in json.loads((corpus / "groups.json").read_text()).items() if not k.startswith("_")}
    records, skipped = [], []
    for meta in metas:
        sheet = sheets / f"{meta['id']}.json"
        if meta["id"] not in labels or not sheet.is_file():
            skipped.append(meta["id"])
            continue
        lab = apply_adjudication(labels[meta["id"]], decisions.get(meta["id"], []))
        rec = record(meta, group_of(meta, overrides), json.loads(sheet.read_text(encoding="utf-8")), lab,
                     meta["id"] in second, len(decisions.get(meta["id"], [])))
        rec["split"] = splits[meta["id"]]
        errors = schema_errors(rec)
        if errors:
            raise SystemExit(f"{meta['id']}: {errors[0]}")
        records.append(rec)
    records.sort(key=lambda r: r["id"])
    (corpus / "corpus.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{len(records)} documents written; {len(skipped)} without labels: {' '.join(skipped[:20])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
