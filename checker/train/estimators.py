"""scikit-learn fits, exported as LinearModels that checker.model applies with numpy.

Rows are sparse feature dicts; scikit-learn's DictVectorizer lays them out as a design matrix
over a fixed vocabulary (sorted names; features outside it are ignored)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from checker.model.linear import LinearModel

_SOLVER = {"fit_intercept": False, "max_iter": 10000, "tol": 1e-8}


def vocabulary(rows: Iterable[dict[str, float]], min_df: int) -> list[str]:
    """The features in at least `min_df` rows (and always 'bias'), sorted."""
    df: Counter[str] = Counter()
    for row in rows:
        df.update(row.keys())
    return sorted(k for k, n in df.items() if n >= min_df or k == "bias")


def design_matrix(rows: Sequence[dict[str, float]], features: Sequence[str]) -> Any:
    """A CSR matrix of the rows with one column per feature, in the given order."""
    from sklearn.feature_extraction import DictVectorizer

    vectorizer = DictVectorizer(sort=False).fit([dict.fromkeys(features, 1.0)])
    matrix = vectorizer.transform(rows)
    matrix.sort_indices()  # the same layout whatever order a row's keys come in
    return matrix


def fit_logistic(rows: Sequence[dict[str, float]], y: Sequence[bool], *, c: float, min_df: int, seed: int
                 ) -> tuple[LinearModel, Any, list[str]]:
    """(LinearModel, the sklearn estimator, vocabulary). The 'bias' feature (always 1) is the
    intercept, so it is regularised like every other weight; the intercept itself stays 0."""
    from sklearn.linear_model import LogisticRegression

    features = vocabulary(rows, min_df)
    est = LogisticRegression(C=c, random_state=seed, **_SOLVER)  # type: ignore[arg-type]
    est.fit(design_matrix(rows, features), np.asarray(y, dtype=int))
    model = LinearModel(tuple(features), est.coef_[0].astype(np.float64).copy(), float(est.intercept_[0]))
    return model, est, features


def fit_calibrated(rows: Sequence[dict[str, float]], y: Sequence[bool], *, c: float, seed: int,
                   sign: Callable[[str], int] = lambda _name: 0) -> tuple[LinearModel, Any, list[str]]:
    """A logistic regression with Platt scaling fitted on 5-fold out-of-fold decisions
    (CalibratedClassifierCV, ensemble=False): p = sigmoid(scale * (w . x + b) + shift).

    Sign constraints: a feature with sign(name) = -1 may only lower the probability, +1 only
    raise it. A feature whose fitted weight has the wrong sign is dropped and the model refitted
    until none has (an active-set approximation of the constrained fit)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    features = vocabulary(rows, 1)
    target = np.asarray(y, dtype=int)
    while True:
        probe = LogisticRegression(C=c, random_state=seed, **_SOLVER)  # type: ignore[arg-type]
        probe.fit(design_matrix(rows, features), target)
        wrong = {name for name, w in zip(features, probe.coef_[0]) if sign(name) * w < -1e-12}
        if not wrong:
            break
        features = [name for name in features if name not in wrong]
    base = LogisticRegression(C=c, random_state=seed, **_SOLVER)  # type: ignore[arg-type]
    folds = StratifiedKFold(n_splits=min(5, min(Counter(y).values())), shuffle=True, random_state=seed)
    est = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
    est.fit(design_matrix(rows, features), target)
    pair = est.calibrated_classifiers_[0]
    fitted, calibrator = pair.estimator, pair.calibrators[0]
    model = LinearModel(tuple(features), fitted.coef_[0].astype(np.float64).copy(), float(fitted.intercept_[0]),
                        scale=-float(calibrator.a_), shift=-float(calibrator.b_))
    return model, est, features
