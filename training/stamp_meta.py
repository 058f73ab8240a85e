"""Write the shipped parser's name, licence, sources and EWT test scores into its meta.json.

    python training/stamp_meta.py checker/syntax_model TEST_SCORES_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rebuild_ewt import COMMIT


def main(argv: list[str]) -> int:
    model, scores_path = Path(argv[0]), Path(argv[1])
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    scores = json.loads(scores_path.read_text(encoding="utf-8"))
    meta.update({
        "name": "checker_ewt_parser",
        "version": "1.0.0",
        "description": "Tagger, morphologizer and dependency parser trained by the checker project on UD English EWT "
                       "(no pretrained vectors); see training/README.md.",
        "license": "CC BY-SA 4.0 (derived from UD_English-EWT; see NOTICE)",
        "sources": [{"name": "UD_English-EWT", "url": "https://github.com/UniversalDependencies/UD_English-EWT",
                     "commit": COMMIT, "license": "CC BY-SA 4.0"}],
        "ewt_test": {k: scores.get(k) for k in ("tag_acc", "pos_acc", "morph_acc", "dep_uas", "dep_las", "speed")},
    })
    (model / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
