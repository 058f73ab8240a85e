"""`checker train`: fit the sentence and document models on the corpus's train split, tune
their thresholds on dev, and export them as plain JSON. The test split is never read.

Reproducible: fixed folds (CRC-32 of document ids), fixed seeds, deterministic solvers, numbers
rounded to 12 significant digits, no dates in the files: the same corpus, rules and library
versions give the same bytes.

scikit-learn is imported here only, never on the scan path.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.evaluate.corpus import CORPUS_FILE, Document, load_corpus
from checker.model.dataset import PageData, page_data
from checker.model.document import DocumentModel
from checker.model.document import to_json as document_to_json
from checker.model.features import document_features, sentence_features
from checker.model.linear import LinearModel
from checker.model.sentence import SentenceModel, to_json as sentence_to_json
from checker.model.store import DOCUMENT_FILE, SENTENCE_FILE, Models, rules_fingerprint
from checker.types import severity_rank

DOC_FOLDS = 5


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    claim_groups: tuple[str, ...] = ("lex", "shape", "context", "ctxwords", "words", "prefixes")
    problematic_groups: tuple[str, ...] = ("lex", "shape", "context", "ctxwords", "words", "prefixes", "findings")
    sentence_c: float = 1.0
    document_c: float = 0.3
    min_df: int = 2
    thresholds: tuple[float, ...] = tuple(round(0.2 + 0.025 * i, 3) for i in range(25))  # 0.2 … 0.8
    downgrade: tuple[float, ...] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)

    def as_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "claim_groups": list(self.claim_groups), "problematic_groups": list(self.problematic_groups),
                "sentence_c": self.sentence_c, "document_c": self.document_c, "min_df": self.min_df}


@dataclass
class TrainResult:
    models: Models  # every part fitted, whether or not it ships
    ships: dict[str, bool]
    dev: dict[str, Any]  # dev metrics per configuration
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# --- fitting -----------------------------------------------------------------------------------

def _vocabulary(rows: Iterable[dict[str, float]], min_df: int) -> list[str]:
    df: Counter[str] = Counter()
    for row in rows:
        df.update(row.keys())
    return sorted(k for k, n in df.items() if n >= min_df or k == "bias")


def design_matrix(rows: Sequence[dict[str, float]], vocabulary: Sequence[str]):  # type: ignore[no-untyped-def]
    from scipy import sparse

    index = {k: i for i, k in enumerate(vocabulary)}
    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for row in rows:
        for k in sorted(row):
            i = index.get(k)
            if i is not None:
                indices.append(i)
                values.append(row[k])
        indptr.append(len(indices))
    return sparse.csr_matrix((np.asarray(values, dtype=np.float64), indices, indptr), shape=(len(rows), len(vocabulary)))


def fit_logistic(rows: Sequence[dict[str, float]], y: Sequence[bool], *, c: float, min_df: int, seed: int):  # type: ignore[no-untyped-def]
    """(LinearModel, the sklearn estimator, vocabulary). The 'bias' feature (always 1) is the
    intercept, so it is regularised like every other weight; the intercept itself stays 0."""
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(rows, min_df)
    est = LogisticRegression(C=c, fit_intercept=False, max_iter=10000, tol=1e-8, random_state=seed)
    est.fit(design_matrix(rows, vocabulary), np.asarray(y, dtype=int))
    model = LinearModel(tuple(vocabulary), est.coef_[0].astype(np.float64).copy(), float(est.intercept_[0]))
    return model, est, vocabulary


def fit_calibrated(rows: Sequence[dict[str, float]], y: Sequence[bool], *, c: float, seed: int,
                   sign: Callable[[str], int] = lambda _name: 0):  # type: ignore[no-untyped-def]
    """A logistic regression with Platt scaling fitted on 5-fold out-of-fold decisions
    (CalibratedClassifierCV, ensemble=False): p = sigmoid(scale * (w . x + b) + shift).

    Sign constraints: a feature with sign(name) = -1 may only lower the probability, +1 only
    raise it. A feature whose fitted weight has the wrong sign is dropped and the model refitted
    until none has (an active-set approximation of the constrained fit)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    vocabulary = _vocabulary(rows, 1)
    target = np.asarray(y, dtype=int)
    while True:
        probe = LogisticRegression(C=c, fit_intercept=False, max_iter=10000, tol=1e-8, random_state=seed)
        probe.fit(design_matrix(rows, vocabulary), target)
        wrong = {name for name, w in zip(vocabulary, probe.coef_[0]) if sign(name) * w < -1e-12}
        if not wrong:
            break
        vocabulary = [name for name in vocabulary if name not in wrong]
    base = LogisticRegression(C=c, fit_intercept=False, max_iter=10000, tol=1e-8, random_state=seed)
    folds = StratifiedKFold(n_splits=min(5, min(Counter(y).values())), shuffle=True, random_state=seed)
    est = CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)
    est.fit(design_matrix(rows, vocabulary), target)
    pair = est.calibrated_classifiers_[0]
    fitted, calibrator = pair.estimator, pair.calibrators[0]
    model = LinearModel(tuple(vocabulary), fitted.coef_[0].astype(np.float64).copy(), float(fitted.intercept_[0]),
                        scale=-float(calibrator.a_), shift=-float(calibrator.b_))
    return model, est, vocabulary


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


# --- data --------------------------------------------------------------------------------------

def _sentence_rows(pages: Sequence[PageData], groups: Sequence[str], lexicon: Any) -> list[dict[str, float]]:
    rows: list[dict[str, float]] = []
    for d in pages:
        rows += sentence_features(d.page, d.views, d.claims_by_sentence, d.facts, lexicon, groups, d.findings_by_sentence)
    return rows


def fit_sentence_model(pages: Sequence[PageData], lexicon: Any, config: TrainConfig,
                       claim_threshold: float = 0.5, flag_threshold: float = 0.5, downgrade_below: float = 0.0) -> SentenceModel:
    y_claim = [g for d in pages for g in d.gold_claim]
    y_problem = [g for d in pages for g in d.gold_problematic]
    claim_rows = _sentence_rows(pages, config.claim_groups, lexicon)
    problem_rows = (claim_rows if config.problematic_groups == config.claim_groups
                    else _sentence_rows(pages, config.problematic_groups, lexicon))
    claim, _, _ = fit_logistic(claim_rows, y_claim, c=config.sentence_c, min_df=config.min_df, seed=config.seed)
    problem, _, _ = fit_logistic(problem_rows, y_problem, c=config.sentence_c, min_df=config.min_df, seed=config.seed)
    return SentenceModel(
        config.claim_groups, _with_threshold(claim, claim_threshold),
        config.problematic_groups, _with_threshold(problem, flag_threshold), downgrade_below,
    )


def _with_threshold(model: LinearModel, threshold: float) -> LinearModel:
    return LinearModel(model.features, model.weights, model.intercept, model.scale, model.shift, threshold)


def _judge(model: SentenceModel, d: PageData, lexicon: Any, page_rules: frozenset[str]):  # type: ignore[no-untyped-def]
    r = d.report
    return model.judge(d.page, d.views, r.claims, r.cautions, r.findings, lexicon, page_rules)


def _f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    fp = sum(1 for g, p in zip(gold, pred) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred) if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune_thresholds(model: SentenceModel, dev: Sequence[PageData], lexicon: Any, page_rules: frozenset[str],
                    config: TrainConfig) -> SentenceModel:
    """Pick the claim threshold, then the flag and downgrade thresholds, that maximise dev F1
    over the evaluation's units with its definitions (checker.evaluate.harness): a claim is the
    lexicon's or the model's; a problematic sentence has a finding of severity
    medium or high (after the model's judgement) or an asserted/reported claim about anything but
    an approved use."""
    from checker.evaluate.harness import is_problem_claim
    from checker.model.sentence import _claim, _main_intervention

    p_c, p_p, lex, lex_problem, model_problem, serious = [], [], [], [], [], []
    units: list[tuple[bool, bool, tuple[int, ...]]] = []
    for d in dev:
        j = _judge(model, d, lexicon, page_rules)
        main = _main_intervention(d.views)
        base = len(p_c)
        units += [(c, p, tuple(base + i for i in idx)) for c, p, idx in d.units]
        p_c += j.p_claim
        p_p += j.p_problematic
        for v, cs, fs in zip(d.views, d.claims_by_sentence, d.findings_by_sentence):
            lex.append(any(c.modality != "negated" for c in cs))
            lex_problem.append(any(is_problem_claim(c) for c in cs))
            model_problem.append(not cs and is_problem_claim(_claim(d.page, v, lexicon, main)))
            serious.append(any(severity_rank(f.severity) >= 2 for f in fs))
    gold_c = [c for c, _, _ in units]
    gold_p = [p for _, p, _ in units]

    def lift(sentence_pred: Sequence[bool]) -> list[bool]:
        return [any(sentence_pred[i] for i in idx) for _, _, idx in units]

    t_claim = max(config.thresholds, key=lambda t: (_f1(gold_c, lift([l or p >= t for l, p in zip(lex, p_c)])), -abs(t - 0.5)))
    claim_problem = [lp or (mp and p >= t_claim) for lp, mp, p in zip(lex_problem, model_problem, p_c)]

    def problem_f1(t: float, low: float) -> float:
        return _f1(gold_p, lift([c or (s and p >= low) or (not s and p >= t) for c, s, p in zip(claim_problem, serious, p_p)]))

    t_flag, low = max(((t, low) for t in config.thresholds for low in config.downgrade),
                      key=lambda tl: (problem_f1(*tl), -abs(tl[0] - 0.5), -tl[1]))
    return SentenceModel(model.claim_groups, _with_threshold(model.claim, t_claim), model.problematic_groups,
                         _with_threshold(model.problematic, t_flag), low, model.meta)


def _fold(doc_id: str) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % DOC_FOLDS


def document_rows(pages: Sequence[PageData], judge: Callable[[PageData], Any] | None, page_rules: frozenset[str]) -> list[dict[str, float]]:
    rows = []
    for d in pages:
        r = d.report
        findings, claims, extra = list(r.findings), list(r.claims), 0
        if judge is not None:
            j = judge(d)
            findings, extra = j.findings, len(j.extra_claims)
        flags = sum(1 for f in findings if f.rule.startswith("MDL"))
        rows.append(document_features(findings, claims, r.cautions, page_rules=page_rules,
                                      model_claims=extra, model_flags=flags))
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


def fit_document_model(train: Sequence[PageData], sentence: SentenceModel | None, lexicon: Any,
                       page_rules: frozenset[str], config: TrainConfig) -> DocumentModel:
    """Fitted on the train pages; the sentence model's outputs on each page come from a model
    trained without that page's fold (stacking), so the document model does not learn to trust
    in-sample sentence predictions."""
    judges: dict[int, Callable[[PageData], Any]] = {}
    if sentence is not None:
        for k in range(DOC_FOLDS):
            fold_model = fit_sentence_model([d for d in train if _fold(d.doc.id) != k], lexicon, config)
            fold_model = SentenceModel(fold_model.claim_groups, _with_threshold(fold_model.claim, sentence.claim.threshold),
                                       fold_model.problematic_groups,
                                       _with_threshold(fold_model.problematic, sentence.problematic.threshold),
                                       sentence.downgrade_below)
            judges[k] = (lambda m: (lambda d: _judge(m, d, lexicon, page_rules)))(fold_model)
    rows = []
    for d in train:
        rows += document_rows([d], judges.get(_fold(d.doc.id)), page_rules)
    labels = [d.doc.credible for d in train]
    extra_rows, extra_labels = caution_augmentation(rows, labels)
    model, _, _ = fit_calibrated(rows + extra_rows, labels + extra_labels, c=config.document_c, seed=config.seed,
                                 sign=document_sign)
    return DocumentModel(model, page_rules)


# --- the whole run -----------------------------------------------------------------------------

def fingerprint(corpus_dir: Path, docs: Sequence[Document]) -> str:
    """SHA-256 over the training documents' label records and texts."""
    h = hashlib.sha256()
    records = {}
    for line in (corpus_dir / CORPUS_FILE).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            records[rec["id"]] = line
    for d in sorted(docs, key=lambda d: d.id):
        h.update(records[d.id].encode("utf-8"))
        h.update((corpus_dir / d.file).read_bytes())
    return h.hexdigest()


def train_models(
    corpus_dir: str | Path,
    *,
    out_dir: str | Path | None = None,
    config: TrainConfig | None = None,
    only: Iterable[str] | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Fit on train, tune on dev, compare with the rules on dev, write what ships to out_dir
    (None: write nothing). `only` restricts to these document ids (tests use small subsets).
    A part ships when it beats the rules alone on dev (or with force)."""
    import sklearn

    from checker.analyze import Analyzer
    from checker.evaluate.harness import run_configuration

    config = config or TrainConfig()
    say = progress or (lambda _msg: None)
    corpus_dir = Path(corpus_dir)
    wanted = set(only) if only is not None else None
    docs = [d for d in load_corpus(corpus_dir, splits=("train", "dev")) if wanted is None or d.id in wanted]
    train_docs = [d for d in docs if d.split == "train"]
    dev_docs = [d for d in docs if d.split == "dev"]
    if not train_docs or not dev_docs:
        from checker.errors import InputError

        raise InputError("training needs documents in both the train and the dev split", path=str(corpus_dir))
    rules = Analyzer(use_models=False)
    page_rules = rules.page_rules
    say(f"reading {len(train_docs)} train and {len(dev_docs)} dev pages with the rules")
    train = [page_data(d, corpus_dir, rules, page_rules) for d in train_docs]
    dev = [page_data(d, corpus_dir, rules, page_rules) for d in dev_docs]

    say("fitting the sentence model")
    sentence = fit_sentence_model(train, rules.lexicon, config)
    sentence = tune_thresholds(sentence, dev, rules.lexicon, page_rules, config)
    say("fitting the document model (5-fold stacking, Platt calibration)")
    document = fit_document_model(train, sentence, rules.lexicon, page_rules, config)

    say("comparing with the rules alone on dev")
    def run(models: Models) -> dict[str, Any]:
        summary = run_configuration(dev_docs, corpus_dir, Analyzer(models=models))
        return {k: summary[k] for k in ("claims", "problematic", "document")}

    dev_metrics = {
        "rules": run(Models()),
        "rules+sentence": run(Models(sentence=sentence)),
        "rules+sentence+document": run(Models(sentence=sentence, document=document)),
    }
    ships = {
        "sentence": force or _beats_sentence(dev_metrics["rules+sentence"], dev_metrics["rules"]),
        "document": force or _beats_document(dev_metrics["rules+sentence+document"], dev_metrics["rules+sentence"]),
    }
    meta = {
        "trained_by": "checker train",
        "config": config.as_dict(),
        "thresholds": {"claim": sentence.claim.threshold, "flag": sentence.problematic.threshold,
                       "downgrade_below": sentence.downgrade_below},
        "train_documents": len(train_docs),
        "dev_documents": len(dev_docs),
        "training_data_sha256": fingerprint(corpus_dir, train_docs),
        "tuning_data_sha256": fingerprint(corpus_dir, dev_docs),
        "rules_sha256": rules_fingerprint(),
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "dev": dev_metrics,
        "ships": ships,
    }
    sentence = SentenceModel(sentence.claim_groups, sentence.claim, sentence.problematic_groups, sentence.problematic,
                             sentence.downgrade_below, {**meta, "model": "sentence"})
    document = DocumentModel(document.model, document.page_rules, {**meta, "model": "document"})
    result = TrainResult(Models(sentence, document), ships, dev_metrics)
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, ok, data in ((SENTENCE_FILE, ships["sentence"], sentence_to_json(sentence)),
                               (DOCUMENT_FILE, ships["document"], document_to_json(document))):
            path = out / name
            if ok:
                path.write_text(dumps(data), encoding="utf-8")
                result.written.append(str(path))
            elif path.exists():
                path.unlink()
                result.removed.append(str(path))
    return result


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


def _beats_sentence(models: dict[str, Any], rules: dict[str, Any]) -> bool:
    """Better claim F1 and better problematic-sentence F1 on dev."""
    return models["claims"]["f1"] > rules["claims"]["f1"] and models["problematic"]["f1"] > rules["problematic"]["f1"]


def _beats_document(models: dict[str, Any], rules: dict[str, Any]) -> bool:
    """Higher dev AUC, and a false-flag rate no worse than the rules' (or within the 10% target)."""
    auc_m, auc_r = models["document"]["auc"] or 0.0, rules["document"]["auc"] or 0.0
    ffr_m, ffr_r = models["document"]["false_flag_rate"] or 0.0, rules["document"]["false_flag_rate"] or 0.0
    return auc_m > auc_r and ffr_m <= max(ffr_r, 0.10)
