"""Fit the claim verifier (checker/verifier.py) on the real corpus and write its weights.

    python training/claim_verifier.py [--out checker/weights/claim_verifier.json] [--c 0.5] [--synthetic 0.3]

A logistic regression over each stated candidate claim's structural features, learned on the
train split; a candidate is labelled a claim when it falls in a sentence labellers marked as
one. The synthetic corpus's train split joins at a lower weight (its textbook clinic claims keep
the model from learning that a plain "X cures Y" is rare). The threshold is the lowest one
within 0.005 of the best sentence-level claim F1 on the dev split (the test split is never read). Prints train/dev figures with and without the verifier."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpora" / "real"
SYNTHETIC = ROOT / "corpora" / "clinic-claims"
F1_TOLERANCE = 0.005


@dataclass
class Candidate:
    features: dict[str, float]
    claim: bool  # in a sentence labelled as a claim
    units: list[int]  # the labelled sentences (indices within its document's units) it overlaps


@dataclass
class DocCandidates:
    labels: list[bool]  # each labelled sentence: a claim?
    candidates: list[Candidate]


def collect(split: str, corpus: Path = CORPUS) -> list[DocCandidates]:
    from checker.analyze import Analyzer
    from checker.claims import claim_candidates
    from checker.evaluate.corpus import load_corpus, locate, shares_word
    from checker.ingest import load_page
    from checker.nlp.pipeline import annotate
    from checker.nlp.syntax import parse
    from checker.types import NOT_STATED

    analyzer = Analyzer(use_models=False, use_verifier=False)
    out = []
    for doc in load_corpus(corpus, splits=[split]):
        page = load_page(corpus / doc.file)
        ann = annotate(page, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms)
        located = locate(page.text, doc.sentences)
        cands = []
        for claim, features in claim_candidates(page, ann, analyzer.lexicon, parse):
            if claim.modality in NOT_STATED:
                continue
            units = [k for k, spans in enumerate(located) if any(shares_word(page.text, span, (claim.start, claim.end)) for span in spans)]
            cands.append(Candidate(features, any(doc.sentences[k].claim for k in units), units))
        out.append(DocCandidates([s.claim for s in doc.sentences], cands))
    return out


def sentence_f1(docs: list[DocCandidates], probabilities: list[list[float]], threshold: float) -> tuple[float, float, float]:
    from checker.verifier import CORE

    tp = fp = fn = 0
    for doc, probs in zip(docs, probabilities):
        predicted = [False] * len(doc.labels)
        for cand, p in zip(doc.candidates, probs):
            if p >= threshold or cand.features.get(CORE):
                for k in cand.units:
                    predicted[k] = True
        for truth, pred in zip(doc.labels, predicted):
            tp += truth and pred
            fp += pred and not truth
            fn += truth and not pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    import sklearn
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from checker.verifier import ClaimVerifier

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "checker" / "weights" / "claim_verifier.json")
    ap.add_argument("--c", type=float, default=0.5, help="inverse L2 strength")
    ap.add_argument("--synthetic", type=float, default=0.3, help="weight of the synthetic corpus's train split (0: left out)")
    args = ap.parse_args()
    train, dev = collect("train"), collect("dev")
    flat = [c for d in train for c in d.candidates]
    weights_of = [1.0] * len(flat)
    if args.synthetic > 0:
        extra = [c for d in collect("train", SYNTHETIC) for c in d.candidates]
        flat += extra
        weights_of += [args.synthetic] * len(extra)
    vec = DictVectorizer()
    x = vec.fit_transform([c.features for c in flat])
    model = LogisticRegression(C=args.c, max_iter=2000, random_state=0).fit(x, [c.claim for c in flat], sample_weight=weights_of)
    weights = {name: float(w) for name, w in zip(vec.feature_names_, model.coef_[0]) if abs(w) > 1e-6}
    verifier = ClaimVerifier(weights, float(model.intercept_[0]), 0.0, {})

    def probs(docs: list[DocCandidates]) -> list[list[float]]:
        return [[verifier.probability(c.features) for c in d.candidates] for d in docs]

    dev_probs = probs(dev)
    base = sentence_f1(dev, dev_probs, 0.0)
    curve = [sentence_f1(dev, dev_probs, t / 100) + (t / 100,) for t in range(0, 80, 1)]
    top = max(r[2] for r in curve)
    # the dev F1 curve is flat near its top: take the lowest threshold within F1_TOLERANCE of it,
    # which keeps more of the claims regulators quote (the external FDA check) at no measured cost
    best = min((r for r in curve if r[2] >= top - F1_TOLERANCE), key=lambda r: r[3])
    threshold = best[3]
    dev_flat = [c for d in dev for c in d.candidates]
    auc = roc_auc_score([c.claim for c in dev_flat], [p for ps in dev_probs for p in ps])
    meta = {
        "trained_on": ["train"] + (["synthetic train"] if args.synthetic > 0 else []), "synthetic_weight": args.synthetic,
        "threshold_chosen_on": "dev", "c": args.c, "date": date.today().isoformat(),
        "scikit_learn": sklearn.__version__, "train_candidates": len(flat), "dev_candidates": len(dev_flat),
        "dev_candidate_auc": round(float(auc), 4),
        "dev_sentences_without": dict(zip(("precision", "recall", "f1"), (round(v, 4) for v in base))),
        "dev_sentences_with": dict(zip(("precision", "recall", "f1"), (round(v, 4) for v in best[:3]))),
    }
    verifier = ClaimVerifier(weights, verifier.bias, threshold, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    import json

    args.out.write_text(json.dumps(verifier.to_json(), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
