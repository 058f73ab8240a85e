"""Findings and cautions into a 0-100 credibility score, with every contribution itemised.

The weights live in rules/scoring.yml (data, not code). Under 50 means a reader should not
trust the page's claims. This is the fallback: when a fitted document model ships in
checker/models/ (see checker.model), it produces the score instead."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from checker.lexicon import _load_yaml, validation_error
from checker.paths import rules_dir
from checker.types import Caution, Finding, Report, ScoreItem


class _Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: float
    band: str


class Weights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    base: float
    severity_points: dict[str, float]
    repeat_decay: float
    caution_credit: dict[str, float]
    bands: list[_Band]


@cache
def load_weights(path: str = "") -> Weights:
    file = Path(path) if path else rules_dir() / "scoring.yml"
    try:
        return Weights.model_validate(_load_yaml(file))
    except ValidationError as exc:
        raise validation_error(exc, file) from None


def band_for(score: float, weights: Weights | None = None) -> str:
    weights = weights or load_weights()
    return next(b.band for b in sorted(weights.bands, key=lambda b: -b.min) if score >= b.min)


@dataclass(frozen=True)
class Scored:
    score: int
    band: str
    findings: list[Finding]  # with explanation.contribution filled in
    breakdown: list[ScoreItem]


def score_page(findings: list[Finding], cautions: list[Caution], *, weights_of: dict[str, float] | None = None,
               weights: Weights | None = None) -> Scored:
    w = weights or load_weights()
    rule_weight = weights_of or {}
    seen: Counter[str] = Counter()
    scored: list[Finding] = []
    items = [ScoreItem("base", "starting score", w.base)]
    total = w.base
    for f in findings:
        if f.suppressed:
            scored.append(f)
            continue
        points = w.severity_points[f.severity] * f.confidence * rule_weight.get(f.rule, 1.0) * (w.repeat_decay ** seen[f.rule])
        seen[f.rule] += 1
        total -= points
        items.append(ScoreItem("finding", f"{f.rule} {f.name}", -round(points, 2)))
        scored.append(replace(f, explanation=replace(f.explanation, contribution=-round(points, 2))))
    for category in sorted({c.category for c in cautions}):
        credit = w.caution_credit.get(category, 0.0)
        if credit:
            total += credit
            items.append(ScoreItem("caution", f"gives a {category} caution", credit))
    score = int(round(min(100.0, max(0.0, total))))
    return Scored(score, band_for(score, w), scored, items)


def rescore(report: Report, findings: list[Finding], *, weights_of: dict[str, float] | None = None) -> Scored:
    """Score a report again after its findings changed (e.g. some were suppressed), the way it
    was scored: with the shipped document model when the report's breakdown says it was used
    (see checker.model.document), else with the rule-based weights above."""
    if report.breakdown and report.breakdown[0].label.startswith("document model"):
        from checker.model.store import shipped_models

        document = shipped_models().document
        if document is not None:
            model_claims = sum(1 for c in report.claims if c.effect_class == "model")
            lexicon_claims = [c for c in report.claims if c.effect_class != "model"]
            score, scored, items = document.score(findings, lexicon_claims, list(report.cautions), model_claims=model_claims)
            return Scored(score, band_for(score), scored, items)
    return score_page(findings, list(report.cautions), weights_of=weights_of)
