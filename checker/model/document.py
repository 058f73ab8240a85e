"""The document model: a calibrated logistic regression from a page's findings, claims and
cautions to the probability that the page is credible; the score is 100 x that probability.

Contributions. A logistic model does not split a score into additive points, so each finding's
`explanation.contribution` is its leave-one-out effect at this page's score: the score the page
would get without that one finding, minus the score it gets (negative: the finding lowered it).
Score-breakdown items are computed the same way, for each finding, for each caution category
the page gives, and for the page's claims as a group. They do not add up to the score exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.model.features import DocumentCounts, document_counts
from checker.model.linear import LinearModel
from checker.types import Caution, Claim, Finding, ScoreItem

FORMAT = "checker.document-model/1"
BASE_LABEL = "document model: a page with nothing found"


@dataclass(frozen=True)
class DocumentModel:
    model: LinearModel
    page_rules: frozenset[str] = frozenset()  # rules that judge the whole page (not counted by severity)
    meta: dict[str, Any] | None = None
    min_sentences: int = 0  # the fewest sentences of any page it was fitted on: its domain starts there

    def probability(self, findings: Sequence[Finding], claims: Sequence[Claim], cautions: Sequence[Caution],
                    *, model_claims: int = 0) -> float:
        return self.model.proba(self._counts(findings, claims, cautions, model_claims).features())

    def _counts(self, findings: Sequence[Finding], claims: Sequence[Claim], cautions: Sequence[Caution],
                model_claims: int) -> DocumentCounts:
        flags = sum(1 for f in findings if f.rule.startswith("MDL") and not f.suppressed)
        return document_counts(findings, claims, cautions, page_rules=self.page_rules,
                               model_claims=model_claims, model_flags=flags)

    def score(self, findings: Sequence[Finding], claims: Sequence[Claim], cautions: Sequence[Caution],
              *, model_claims: int = 0) -> tuple[int, list[Finding], list[ScoreItem]]:
        """(score 0-100, findings with their contribution, breakdown). The page is counted once;
        each leave-one-out score changes only the counts the left-out item adds to."""
        def points(counts: DocumentCounts) -> float:
            return 100.0 * self.model.proba(counts.features())

        counts = self._counts(findings, claims, cautions, model_claims)
        total = points(counts)
        scored: list[Finding] = []
        items = [ScoreItem("base", BASE_LABEL, round(points(self._counts([], [], [], 0)), 2))]
        same: dict[tuple[str, str, str], float] = {}  # findings alike in every feature share their effect
        for f in findings:
            if f.suppressed:
                scored.append(f)
                continue
            key = (f.rule, f.pack, f.severity)
            if key not in same:
                same[key] = round(total - points(counts.without_finding(f)), 2)
            delta = same[key]
            scored.append(replace(f, explanation=replace(f.explanation, contribution=delta)))
            items.append(ScoreItem("finding", f"{f.rule} {f.name}", delta))
        if claims or model_claims:
            items.append(ScoreItem("model", f"{len(claims) + model_claims} claim(s) by modality and approval status",
                                   round(total - points(counts.without_claims()), 2)))
        for category in sorted({c.category for c in cautions}):
            delta = round(total - points(counts.without_caution(category)), 2)
            items.append(ScoreItem("caution", f"gives a {category} caution", delta))
        return int(round(min(100.0, max(0.0, total)))), scored, items


def to_json(model: DocumentModel) -> dict[str, Any]:
    return {"format": FORMAT, "meta": model.meta or {}, "page_rules": sorted(model.page_rules),
            "min_sentences": model.min_sentences, "model": model.model.to_json()}


def from_json(data: Any, *, path: str) -> DocumentModel:
    from checker.errors import ModelError

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"not a document model (expected format {FORMAT!r})", path=path, key="format")
    page_rules = data.get("page_rules", [])
    if not isinstance(page_rules, list) or not all(isinstance(r, str) for r in page_rules):
        raise ModelError("must be a list of rule ids", path=path, key="page_rules")
    min_sentences = data.get("min_sentences", 0)
    if not isinstance(min_sentences, int) or min_sentences < 0:
        raise ModelError("must be a whole number, 0 or more", path=path, key="min_sentences")
    return DocumentModel(LinearModel.from_json(data.get("model"), path=path, key="model"), frozenset(page_rules),
                         data.get("meta") or {}, min_sentences)
