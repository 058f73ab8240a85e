"""Lemma accuracy on the EWT test split: the shipped tagger's UPOS through lemminflect (what
checker uses), against the lower-cased word form as a baseline.

    python training/evaluate_lemmas.py EWT_TEST_CONLLU [MODEL_DIR]

Tokens come from the treebank (gold tokenization), so this measures lemmas, not tokenization.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spacy.tokens import Doc


def sentences(path: Path) -> list[list[tuple[str, str]]]:
    out, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                out.append(current)
            current = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                current.append((cols[1], cols[2]))
    if current:
        out.append(current)
    return out


def main(argv: list[str]) -> int:
    from checker.nlp.syntax import lemmatize, load_parser

    nlp = load_parser(argv[1] if len(argv) > 1 else "")
    gold = sentences(Path(argv[0]))
    docs = [Doc(nlp.vocab, words=[w for w, _ in s]) for s in gold]
    total = ok = base = 0
    for doc, s in zip(nlp.pipe(docs), gold):
        lemmatize(doc)
        for token, (_, lemma) in zip(doc, s):
            total += 1
            ok += token.lemma_ == lemma.lower()
            base += token.lower_ == lemma.lower()
    print(f"{total} tokens: lemminflect on predicted UPOS {ok / total:.4f}; lower-cased form {base / total:.4f} (case-insensitive)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
