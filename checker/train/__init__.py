"""`checker train`: fit the sentence and document models (checker.model) on the corpus's train
and dev splits, choose their thresholds by 5-fold cross-validation over those documents, measure
the whole procedure by the same cross-validation, and export the models as plain JSON. The test
split is never read.

Why train + dev, with cross-validation, rather than fit on train and tune on dev: the corpus is
small (160 documents) and the sentence model is still data-hungry at that size; 40 dev documents
gave noisy thresholds. Every figure `checker train` reports is out-of-fold: a document is judged
by models (and thresholds) fitted without it. `checker eval --split dev` after training is
in-sample and says so.

Folds: the CRC-32 of the document id modulo 5, fixed. Out-of-fold evaluation of fold k: the
sentence model fitted without fold k, its thresholds tuned on the out-of-fold probabilities of the
other folds' documents, the document model fitted without fold k (with its own stacking inside).

Reproducible: fixed folds, fixed seeds, deterministic solvers, numbers rounded to 12 significant
digits, no dates in the files: the same corpus, rules and library versions give the same bytes.

One module per job: `config` (settings, thresholds, folds), `dataset` (corpus pages with their
gold labels), `estimators` (scikit-learn fits), `sentence` and `document` (fitting each model),
`thresholds` (tuning), `run` (the whole procedure and what ships). This package depends on
checker.model (what it fits) and checker.evaluate (how it measures); neither depends on it.
scikit-learn is imported here only, never on the scan path.
"""
