"""Fitting the sentence model (checker.model.sentence): both heads on the pages' sentence rows,
and rating pages with a fitted model (the probabilities thresholds are tuned on)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from checker.lexicon import Lexicon
from checker.model.linear import LinearModel
from checker.model.sentence import Judgement, SentenceModel
from checker.model.sentence_features import sentence_features
from checker.train.config import Thresholds, TrainConfig
from checker.train.dataset import PageData
from checker.train.estimators import fit_logistic


def sentence_rows(pages: Sequence[PageData], groups: Sequence[str], lexicon: Lexicon) -> list[dict[str, float]]:
    rows: list[dict[str, float]] = []
    for d in pages:
        rows += sentence_features(d.page, d.views, d.claims_by_sentence, d.facts, lexicon, groups, d.findings_by_sentence)
    return rows


def fit_sentence_model(pages: Sequence[PageData], lexicon: Lexicon, config: TrainConfig,
                       claim_threshold: float = 0.5, flag_threshold: float = 0.5, downgrade_below: float = 0.0) -> SentenceModel:
    y_claim = [g for d in pages for g in d.gold_claim]
    y_problem = [g for d in pages for g in d.gold_problematic]
    claim_rows = sentence_rows(pages, config.claim_groups, lexicon)
    problem_rows = (claim_rows if config.problematic_groups == config.claim_groups
                    else sentence_rows(pages, config.problematic_groups, lexicon))
    claim, _, _ = fit_logistic(claim_rows, y_claim, c=config.sentence_c, min_df=config.min_df, seed=config.seed)
    problem, _, _ = fit_logistic(problem_rows, y_problem, c=config.sentence_c, min_df=config.min_df, seed=config.seed)
    return SentenceModel(
        config.claim_groups, with_threshold(claim, claim_threshold),
        config.problematic_groups, with_threshold(problem, flag_threshold), downgrade_below,
    )


def with_threshold(model: LinearModel, threshold: float) -> LinearModel:
    return LinearModel(model.features, model.weights, model.intercept, model.scale, model.shift, threshold)


def with_thresholds(model: SentenceModel, thresholds: Thresholds) -> SentenceModel:
    return SentenceModel(model.claim_groups, with_threshold(model.claim, thresholds.claim), model.problematic_groups,
                         with_threshold(model.problematic, thresholds.flag), thresholds.downgrade_below, model.meta)


def judge(model: SentenceModel, d: PageData, lexicon: Lexicon, page_rules: frozenset[str]) -> Judgement:
    """The model's judgement of a corpus page, as the scan path would make it."""
    r = d.report
    return model.judge(d.page, d.views, r.claims, r.cautions, r.findings, lexicon, page_rules, main=d.main)


@dataclass(frozen=True)
class Rated:
    """One page with a sentence model's probabilities for its sentences (whatever the thresholds)."""

    page: PageData
    p_claim: Sequence[float]
    p_problematic: Sequence[float]


def rate(model: SentenceModel, pages: Sequence[PageData], lexicon: Lexicon, page_rules: frozenset[str]) -> list[Rated]:
    out = []
    for d in pages:
        j = judge(model, d, lexicon, page_rules)
        out.append(Rated(d, j.p_claim, j.p_problematic))
    return out


def judge_with(model: SentenceModel, lexicon: Lexicon, page_rules: frozenset[str]) -> Callable[[PageData], Judgement]:
    """judge() with the model, lexicon and rules bound: a PageData -> Judgement function."""
    return lambda d: judge(model, d, lexicon, page_rules)
