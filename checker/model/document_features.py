"""Document features: a page's summary for the document model. Findings by severity, pack and
rule; claims by modality and approval status; cautions by category; and the sentence model's
extra claims and flagged sentences. Not the page's length: a finding suppressed must score as if
its text were gone, and the corpus's lengths say more about how it was written than about
credibility. Counts enter as log(1 + n), so the tenth finding adds less than the first."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from checker.types import Caution, Claim, Finding


@dataclass(frozen=True)
class DocumentCounts:
    """What the document features are made of: counts of findings (by rule, pack and severity)
    and of claims (by modality and approval status), the caution categories, the sentence
    model's claims and flags. Lets the document model score the page without one finding, one
    caution category or the claims (the score breakdown) without counting everything again."""

    findings: Counter[str]
    claims: Counter[str]
    cautions: tuple[str, ...]
    model_claims: int
    model_flags: int
    page_rules: frozenset[str] = frozenset()

    def features(self) -> dict[str, float]:
        """The page's summary. Counts enter as log(1 + n) so the tenth finding adds less than the first."""
        f: dict[str, float] = {"bias": 1.0}
        for cat in self.cautions:
            f[f"caution:{cat}"] = 1.0
        for counts in (self.findings, self.claims):
            for k, n in counts.items():
                if n:
                    f[k] = math.log1p(n)
        if self.model_claims:
            f["model:claims"] = math.log1p(self.model_claims)
        if self.model_flags:
            f["model:flagged"] = math.log1p(self.model_flags)
        return f

    def without_finding(self, finding: Finding) -> DocumentCounts:
        """As if the (live) finding were not there."""
        counts = self.findings.copy()
        for key in finding_keys(finding, self.page_rules):
            counts[key] -= 1
        flags = self.model_flags - (1 if finding.rule.startswith("MDL") else 0)
        return DocumentCounts(counts, self.claims, self.cautions, self.model_claims, flags, self.page_rules)

    def without_claims(self) -> DocumentCounts:
        return DocumentCounts(self.findings, Counter(), self.cautions, 0, self.model_flags, self.page_rules)

    def without_caution(self, category: str) -> DocumentCounts:
        return DocumentCounts(self.findings, self.claims, tuple(c for c in self.cautions if c != category),
                              self.model_claims, self.model_flags, self.page_rules)


def finding_keys(fd: Finding, page_rules: frozenset[str]) -> tuple[str, ...]:
    if fd.rule in page_rules:
        return (f"rule:{fd.rule}", f"pack:{fd.pack}")
    return (f"rule:{fd.rule}", f"pack:{fd.pack}", f"sev:{fd.severity}")


def document_counts(
    findings: Sequence[Finding],
    claims: Sequence[Claim],
    cautions: Sequence[Caution],
    *,
    page_rules: frozenset[str] = frozenset(),
    model_claims: int = 0,
    model_flags: int = 0,
) -> DocumentCounts:
    found: Counter[str] = Counter()
    for fd in findings:
        if not fd.suppressed:
            found.update(finding_keys(fd, page_rules))
    claimed: Counter[str] = Counter()
    for c in claims:
        claimed[f"claims:{c.modality}"] += 1
        if c.modality != "negated":
            claimed[f"claims_status:{c.condition_status}"] += 1
            if c.modality in {"asserted", "reported"} and c.condition_status == "not_approved":
                claimed["claims:unproven_asserted"] += 1
    return DocumentCounts(found, claimed, tuple({c.category for c in cautions}), model_claims, model_flags, page_rules)
