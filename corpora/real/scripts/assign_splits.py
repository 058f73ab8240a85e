"""Fix the real corpus's split before any labels are read: by group (site or organisation), from
the collection records alone (genre and the collector's proposed label stratify).

    python corpora/real/scripts/assign_splits.py corpora/real

Writes corpora/real/splits.json (id -> split). merge_labels.py takes every split from it, so no
labelling or adjudication decision can move a document between splits.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from checker.evaluate.corpus import assign_group_splits


def group_of(meta: dict, overrides: dict[str, str]) -> str:
    """The site, merged with related sites (groups.json). A warning letter's group is the firm it
    is addressed to: the text the checker judges in it (the quoted claims) is the firm's."""
    if meta["genre"] == "warning_letter":
        return f"warning-letter:{meta['id']}"
    site = meta.get("site") or meta["id"]
    return overrides.get(site, site)


def main(argv: list[str]) -> int:
    corpus = Path(argv[0])
    overrides = {k: v for k, v in json.loads((corpus / "groups.json").read_text()).items() if not k.startswith("_")}
    metas = [json.loads(line) for p in sorted((corpus / "collection").glob("*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [{"id": m["id"], "genre": m["genre"], "label": m["proposed_label"], "group": group_of(m, overrides)} for m in metas]
    splits = assign_group_splits(records)
    (corpus / "splits.json").write_text(json.dumps(dict(sorted(splits.items())), indent=0) + "\n", encoding="utf-8")
    print(Counter(splits.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
