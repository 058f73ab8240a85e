"""Findings and cautions into a 0-100 credibility score, with every contribution itemised.

The weights live in rules/scoring.yml (data, not code). Under 50 means a reader should not
trust the page's claims. This is the fallback: when a fitted document model ships in
checker/weights/ (see checker.model), it produces the score instead."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from checker.lexicon import load_yaml, validation_error
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
        return Weights.model_validate(load_yaml(file))
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


NO_CLAIMS = "no-claims"  # the page makes no treatment claim and has no finding: nothing was judged
NOT_ASSESSED = "not-assessed"  # the page was not read (e.g. not in English)
UNJUDGED_BANDS = frozenset({NO_CLAIMS, NOT_ASSESSED})


def score_page(findings: list[Finding], cautions: list[Caution], *, weights_of: dict[str, float] | None = None,
               weights: Weights | None = None, claims_made: bool = True) -> Scored:
    """The score, each finding's contribution and the breakdown. The parts add up: base + every
    contribution = score (to the shown rounding). Where penalties would take the page below 0 (or
    credits above 100), each one is scaled by the same factor, so every finding keeps its share of
    the points the page actually lost and none shows 0."""
    w = weights or load_weights()
    rule_weight = weights_of or {}
    seen: Counter[str] = Counter()
    penalties: list[tuple[int, float]] = []  # (index into findings, raw points)
    for i, f in enumerate(findings):
        if f.suppressed:
            continue
        penalties.append((i, w.severity_points[f.severity] * f.confidence * rule_weight.get(f.rule, 1.0) * (w.repeat_decay ** seen[f.rule])))
        seen[f.rule] += 1
    credits = [(category, w.caution_credit.get(category, 0.0)) for category in sorted({c.category for c in cautions})]
    credits = [(category, credit) for category, credit in credits if credit]
    lost, gained = sum(p for _, p in penalties), sum(c for _, c in credits)
    raw = w.base - lost + gained
    lost_scale = gain_scale = 1.0
    if raw < 0 and lost:  # the floor: the page lost base + credits, shared among its findings
        lost_scale = (w.base + gained) / lost
    elif raw > 100 and gained:  # the ceiling: credits count only up to 100
        gain_scale = max(0.0, 100 - w.base + lost) / gained
    contribution = {i: -round(p * lost_scale, 2) for i, p in penalties}
    scored = [f if i not in contribution else replace(f, explanation=replace(f.explanation, contribution=contribution[i]))
              for i, f in enumerate(findings)]
    items = [ScoreItem("base", "starting score", w.base)]
    items += [ScoreItem("finding", f"{findings[i].rule} {findings[i].name}", contribution[i]) for i, _ in penalties]
    items += [ScoreItem("caution", f"gives a {category} caution", round(credit * gain_scale, 2)) for category, credit in credits]
    score = int(round(min(100.0, max(0.0, raw))))
    band = NO_CLAIMS if not claims_made and not penalties else band_for(score, w)
    return Scored(score, band, scored, items)


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
    if report.band == NOT_ASSESSED:
        return Scored(report.score, report.band, findings, list(report.breakdown))
    return score_page(findings, list(report.cautions), weights_of=weights_of, claims_made=bool(report.claims))
