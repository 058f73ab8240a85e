"""Plug the shipped models into one page's analysis (numpy only; no scikit-learn here).

Without models this is exactly the rule-based scorer (checker.scoring.score_page). So is a page with
fewer sentences than any the document model was fitted on (a tweet, a one-line snippet): there the
model would extrapolate from counts it never saw so low, so the rules score it, and the breakdown
says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from checker.claims import main_intervention
from checker.model.store import Models
from checker.scoring import Scored, band_for, score_page
from checker.types import Claim, Finding, ScoreItem


def page_level_rules(ruleset: Any) -> frozenset[str]:
    """Ids of rules whose findings judge the whole page (see checker.engine.rule_scope)."""
    from checker.engine import page_scope_rules

    return page_scope_rules(ruleset)


def apply_models(models: Models, ctx: Any, findings: Sequence[Finding], *, page_rules: frozenset[str],
                 rule_weights: dict[str, float] | None = None, disabled: frozenset[str] = frozenset()) -> tuple[list[Claim], Scored]:
    """(the page's claims: the lexicon's plus the sentence model's, scored findings)."""
    claims = list(ctx.claims)
    extra: list[Claim] = []
    out = list(findings)
    if models.sentence is not None:
        main = main_intervention(ctx.ann)
        judged = models.sentence.judge(ctx.page, ctx.views, ctx.claims, ctx.cautions, findings, ctx.lexicon, page_rules,
                                       main=main[1] if main else None)
        extra, out = judged.extra_claims, [f for f in judged.findings if f.rule not in disabled]
    document = models.document
    if document is not None and len(ctx.views) >= document.min_sentences:
        score, scored, items = document.score(out, claims, ctx.cautions, model_claims=len(extra))
        result = Scored(score, band_for(score), scored, items)
    else:
        result = score_page(out, ctx.cautions, weights_of=rule_weights, claims_made=bool(claims or extra))
        if document is not None:  # a page shorter than any the model learnt from: it would only extrapolate
            note = (f"rule-based score: the page has {len(ctx.views)} sentence(s); the document model was fitted on "
                    f"pages of {document.min_sentences} or more")
            result = replace(result, breakdown=[*result.breakdown, ScoreItem("model", note, 0.0)])
    if extra:
        claims = sorted(claims + extra, key=lambda c: (c.start, c.end))
    return claims, result
