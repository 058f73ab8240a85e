"""Tuning the sentence model's thresholds on out-of-fold probabilities, by the evaluation's own
units and definitions (checker.evaluate.harness), with scikit-learn's precision and F1."""

from __future__ import annotations

from collections.abc import Sequence

from checker.evaluate.harness import is_problem_claim
from checker.lexicon import Lexicon
from checker.model.sentence import about_treatment, model_claim
from checker.train.config import PRECISION_MARGIN, Thresholds, TrainConfig
from checker.train.sentence import Rated
from checker.types import severity_rank


def precision(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    """Precision, 1.0 when nothing is predicted."""
    from sklearn.metrics import precision_score

    return float(precision_score(gold, pred, zero_division=1.0))  # type: ignore[arg-type]


def f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    """F1, 0.0 when nothing is right."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, zero_division=0.0))  # type: ignore[arg-type]


def tune_thresholds(rated: Sequence[Rated], lexicon: Lexicon, config: TrainConfig) -> Thresholds:
    """Pick the claim threshold, then the flag and downgrade thresholds, that maximise F1 over the
    evaluation's units with its definitions (checker.evaluate.harness), given probabilities from
    models that did not see these pages: a claim is the lexicon's (not negated) or the model's; a
    problematic sentence has a finding of severity medium or high (after the model's judgement)
    or an asserted/reported claim about anything but an approved use. Ties go to the threshold
    nearest 0.5 (and the lowest downgrade)."""
    p_c: list[float] = []
    p_p: list[float] = []
    lex, found, lex_problem, model_problem, serious = [], [], [], [], []
    units: list[tuple[bool, bool, tuple[int, ...]]] = []
    for r in rated:
        d = r.page
        base = len(p_c)
        units += [(c, p, tuple(base + i for i in idx)) for c, p, idx in d.units]
        judged = about_treatment(d.views, d.report.claims, [f for fs in d.findings_by_sentence for f in fs])
        p_c += r.p_claim
        p_p += r.p_problematic if judged else [0.0] * len(r.p_problematic)  # no flags off its domain
        for v, cs, fs in zip(d.views, d.claims_by_sentence, d.findings_by_sentence):
            lex.append(any(c.modality != "negated" for c in cs))
            found.append(bool(cs))  # the model adds a claim only where the lexicon found none
            lex_problem.append(any(is_problem_claim(c) for c in cs))
            model_problem.append(not cs and is_problem_claim(model_claim(d.page, v, lexicon, d.main)))
            serious.append(any(severity_rank(f.severity) >= 2 for f in fs))
    gold_c = [c for c, _, _ in units]
    gold_p = [p for _, p, _ in units]

    def lift(sentence_pred: Sequence[bool]) -> list[bool]:
        return [any(sentence_pred[i] for i in idx) for _, _, idx in units]

    def claim_pred(t: float) -> list[bool]:
        return lift([by_lexicon or (not f and p >= t) for by_lexicon, f, p in zip(lex, found, p_c)])

    # the model may add claims only as precisely as the rules find them: of the thresholds that
    # keep claim precision at the rules' own, the one with the best F1 (none: add nothing)
    floor_c = precision(gold_c, lift(lex)) + PRECISION_MARGIN if config.precision_floor else 0.0
    allowed_c = [t for t in config.thresholds if precision(gold_c, claim_pred(t)) >= floor_c] or [1.01]
    t_claim = max(allowed_c, key=lambda t: (f1(gold_c, claim_pred(t)), -abs(t - 0.5)))
    claim_problem = [lp or (mp and p >= t_claim) for lp, mp, p in zip(lex_problem, model_problem, p_c)]

    def problem_pred(t: float, low: float) -> list[bool]:
        return lift([c or (s and p >= low) or (not s and p >= t) for c, s, p in zip(claim_problem, serious, p_p)])

    floor_p = (precision(gold_p, lift([c or s for c, s in zip(lex_problem, serious)])) + PRECISION_MARGIN
               if config.precision_floor else 0.0)
    pairs = [(t, low) for t in (*config.thresholds, 1.01) for low in config.downgrade]
    allowed_p = [tl for tl in pairs if precision(gold_p, problem_pred(*tl)) >= floor_p] or [(1.01, 0.0)]
    t_flag, low = max(allowed_p, key=lambda tl: (f1(gold_p, problem_pred(*tl)), -abs(tl[0] - 0.5), -tl[1]))
    return Thresholds(t_claim, t_flag, low)
