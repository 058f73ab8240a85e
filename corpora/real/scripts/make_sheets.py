"""Labelling sheets: every document's sentences, numbered, as the checker splits them.

    python corpora/real/scripts/make_sheets.py corpora/real SHEET_DIR [ID_PREFIX...]

Writes SHEET_DIR/<id>.txt (the document text, then its numbered sentences) for every document in
corpora/real/collection/*.jsonl. Labels refer to these numbers; merge_labels.py maps them back to
sentence texts, so the corpus stores text, not numbers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from checker.analyze import Analyzer
from checker.ingest import load_page
from checker.nlp.pipeline import annotate


def sentences(analyzer: Analyzer, path: Path) -> list[str]:
    page = load_page(path)
    ann = annotate(page, analyzer.nlp)
    return [" ".join(page.text[s.start : s.end].split()) for s in ann.sentences]


def main(argv: list[str]) -> int:
    corpus, out = Path(argv[0]), Path(argv[1])
    prefixes = tuple(argv[2:])
    out.mkdir(parents=True, exist_ok=True)
    analyzer = Analyzer(use_models=False)
    for meta in sorted((corpus / "collection").glob("*.jsonl")):
        for line in meta.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if prefixes and not rec["id"].startswith(prefixes):
                continue
            text = (corpus / rec["file"]).read_text(encoding="utf-8")
            sents = sentences(analyzer, corpus / rec["file"])
            body = [f"# document {rec['id']} ({rec['genre']}, {rec.get('site', '')})", "", text.strip(), "",
                    "# sentences"] + [f"[{i}] {s}" for i, s in enumerate(sents)]
            (out / f"{rec['id']}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
            (out / f"{rec['id']}.json").write_text(json.dumps(sents, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
