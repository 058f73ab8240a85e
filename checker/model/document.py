"""The document model: a calibrated logistic regression from a page's findings, claims and
cautions to the probability that the page is credible; the score is 100 x that probability.

Contributions add up. The model's log-odds are a sum of one term per feature; each feature's
term is split among the items that make it (a finding's rule, pack and severity counts; the
claims; a caution category), equally among identical findings. Each item's log-odds share is
then mapped to points by the sigmoid's secant between the empty page and this page:
points = share x (score - base score) / (logit - base logit). So base + every item = the score,
exactly, saturated pages included, and an item's sign is its effect's sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.model.document_features import DocumentCounts, document_counts, finding_keys
from checker.model.linear import LinearModel, sigmoid
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
        """(score 0-100, findings with their contribution, breakdown that adds up to the score)."""
        counts = self._counts(findings, claims, cautions, model_claims)
        x = counts.features()
        m = self.model
        term = {k: m.scale * m.weight_of.get(k, 0.0) * v for k, v in x.items() if k != "bias"}  # log-odds per feature
        base_logit = m.scale * (m.intercept + m.weight_of.get("bias", 0.0)) + m.shift
        logit = base_logit + sum(term.values())
        base, total = 100.0 * sigmoid(base_logit), 100.0 * sigmoid(logit)
        slope = (total - base) / (logit - base_logit) if abs(logit - base_logit) > 1e-12 else total * (1 - total / 100.0)

        def share(keys: Sequence[str]) -> float:  # an item's share of its features' log-odds
            return sum(term.get(k, 0.0) / counts.findings[k] for k in keys if counts.findings.get(k))

        scored: list[Finding] = []
        items = [ScoreItem("base", BASE_LABEL, round(base, 2))]
        for f in findings:
            if f.suppressed:
                scored.append(f)
                continue
            keys = finding_keys(f, self.page_rules)
            flag = term.get("model:flagged", 0.0) / counts.model_flags if f.rule.startswith("MDL") and counts.model_flags else 0.0
            delta = round(slope * (share(keys) + flag), 2)
            scored.append(replace(f, explanation=replace(f.explanation, contribution=delta)))
            items.append(ScoreItem("finding", f"{f.rule} {f.name}", delta))
        claim_terms = sum(v for k, v in term.items() if k.startswith("claims") or k == "model:claims")
        if claims or model_claims:
            items.append(ScoreItem("model", f"{len(claims) + model_claims} claim(s) by modality and approval status",
                                   round(slope * claim_terms, 2)))
        for category in sorted(set(counts.cautions)):
            items.append(ScoreItem("caution", f"gives a {category} caution", round(slope * term.get(f"caution:{category}", 0.0), 2)))
        return int(round(min(100.0, max(0.0, total)))), scored, items


def to_json(model: DocumentModel) -> dict[str, Any]:
    return {"format": FORMAT, "meta": model.meta or {}, "page_rules": sorted(model.page_rules),
            "min_sentences": model.min_sentences, "model": model.model.to_json()}


def from_json(data: Any, *, path: str) -> DocumentModel:
    from checker.errors import Errors, ModelError

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(Errors.E112.format(expected=FORMAT), path=path, key="format")
    page_rules = data.get("page_rules", [])
    if not isinstance(page_rules, list) or not all(isinstance(r, str) for r in page_rules):
        raise ModelError(Errors.E113, path=path, key="page_rules")
    min_sentences = data.get("min_sentences", 0)
    if not isinstance(min_sentences, int) or min_sentences < 0:
        raise ModelError(Errors.E114, path=path, key="min_sentences")
    return DocumentModel(LinearModel.from_json(data.get("model"), path=path, key="model"), frozenset(page_rules),
                         data.get("meta") or {}, min_sentences)
