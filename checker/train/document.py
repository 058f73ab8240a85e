"""Fitting the document model (checker.model.document): one row per page, the sentence model's
outputs on it stacked from models fitted without the page's fold, cautions borrowed onto
problematic pages, and weights signed so that a finding can only lower the score."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.lexicon import Lexicon
from checker.model.document import DocumentModel
from checker.model.document_features import document_counts
from checker.model.sentence import Judgement, SentenceModel
from checker.train.config import Thresholds, TrainConfig, fold
from checker.train.dataset import PageData
from checker.train.estimators import fit_calibrated
from checker.train.sentence import fit_sentence_model, judge_with, with_thresholds

_NEVER_CREDIBLE = {"model:flagged", "model:claims", "claims:unproven_asserted", "claims:asserted", "claims:reported",
                   "claims:hedged", "claims_status:not_approved", "claims_status:unknown", "claims_status:none"}


def document_sign(name: str) -> int:
    """What a document feature may do to the probability that the page is credible: findings,
    the sentence model's flags and claims (asserted, reported or hedged, or about an unapproved
    or unknown use) only lower it; cautions only raise it; hypothetical and negated claims and
    claims about approved uses are free. Without these signs the corpus
    teaches that reporting claims is a mark of credibility (its news pages report trials), which
    does not carry over to clinic pages that report their own patients' claims."""
    if name.startswith(("rule:", "pack:", "sev:")) or name in _NEVER_CREDIBLE:
        return -1
    if name.startswith("caution:"):
        return 1
    return 0


def document_rows(pages: Sequence[PageData], judge: Callable[[PageData], Judgement] | None,
                  page_rules: frozenset[str]) -> list[dict[str, float]]:
    rows = []
    for d in pages:
        r = d.report
        findings, claims, extra = list(r.findings), list(r.claims), 0
        if judge is not None:
            j = judge(d)
            findings, extra = j.findings, len(j.extra_claims)
        flags = sum(1 for f in findings if f.rule.startswith("MDL"))
        rows.append(document_counts(findings, claims, r.cautions, page_rules=page_rules,
                                    model_claims=extra, model_flags=flags).features())
    return rows


def caution_augmentation(rows: Sequence[dict[str, float]], credible: Sequence[bool]) -> tuple[list[dict[str, float]], list[bool]]:
    """For every problematic page, a copy that also gives the cautions of a credible page (the
    k-th problematic page borrows from the k-th credible page, cyclically), still labelled
    problematic: a disclaimer does not make a page's unproven claims trustworthy. In the corpus
    the credible pages give cautions and the problematic ones seldom do, so without this the
    model learns to let cautions outweigh any number of problems, which real pages exploit."""
    donors = [{k: v for k, v in row.items() if k.startswith("caution:")} for row, ok in zip(rows, credible) if ok]
    donors = [d for d in donors if d]
    if not donors:
        return [], []
    out = []
    for k, row in enumerate(r for r, ok in zip(rows, credible) if not ok):
        out.append({**row, **donors[k % len(donors)]})
    return out, [False] * len(out)


def fit_document_model(train: Sequence[PageData], sentence: SentenceModel | None, lexicon: Lexicon,
                       page_rules: frozenset[str], config: TrainConfig,
                       fold_models: dict[int, SentenceModel] | None = None) -> DocumentModel:
    """Fitted on the train pages; the sentence model's outputs on each page come from a model
    trained without that page's fold (stacking), so the document model does not learn to trust
    in-sample sentence predictions. `fold_models` (fold -> a sentence model fitted on these pages
    without that fold) saves refitting them; their thresholds are replaced by `sentence`'s."""
    judges: dict[int, Callable[[PageData], Judgement]] = {}
    if sentence is not None:
        thresholds = Thresholds(sentence.claim.threshold, sentence.problematic.threshold, sentence.downgrade_below)
        for k in sorted({fold(d.doc.id) for d in train}):
            fold_model = (fold_models or {}).get(k) or fit_sentence_model([d for d in train if fold(d.doc.id) != k], lexicon, config)
            judges[k] = judge_with(with_thresholds(fold_model, thresholds), lexicon, page_rules)
    rows = []
    for d in train:
        rows += document_rows([d], judges.get(fold(d.doc.id)), page_rules)
    labels = [d.doc.credible for d in train]
    extra_rows, extra_labels = caution_augmentation(rows, labels)
    model, _, _ = fit_calibrated(rows + extra_rows, labels + extra_labels, c=config.document_c, seed=config.seed,
                                 sign=document_sign)
    return DocumentModel(model, page_rules, min_sentences=min(len(d.views) for d in train))
