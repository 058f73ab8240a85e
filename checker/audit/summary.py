"""summary.json: the audit in numbers, accumulated page by page (bounded memory: counters and
one int per page for the score quantiles)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

SCHEMA = "checker.audit-summary/1"
TOP = 20


class SummaryBuilder:
    def __init__(self, *, packs: Sequence[str], bands: Sequence[str]) -> None:
        self.packs = list(packs)
        self.bands = list(bands)
        self.status: Counter[str] = Counter()
        self.band: Counter[str] = Counter()
        self.scores: list[int] = []
        self.words = 0
        self.findings = 0
        self.claims = 0
        self.rule_findings: Counter[str] = Counter()
        self.rule_pages: Counter[str] = Counter()
        self.rule_info: dict[str, dict[str, str]] = {}
        self.pack_findings: Counter[str] = Counter()
        self.pack_pages: Counter[str] = Counter()
        self.cond_claims: Counter[str] = Counter()
        self.cond_pages: Counter[str] = Counter()
        self.cond_label: dict[str, Counter[str]] = {}
        self.cond_status: dict[str, str] = {}
        self.modality: Counter[str] = Counter()

    def add(self, record: dict[str, Any]) -> None:
        page = record["page"]
        self.status[page["status"]] += 1
        if page["status"] != "ok":
            return
        self.band[page["band"]] += 1
        if page["score"] is not None:  # a page with no claims is counted apart (its band), not scored
            self.scores.append(page["score"])
        self.words += page["words"]
        rules_here: set[str] = set()
        packs_here: set[str] = set()
        for f in record["findings"]:
            if f["suppressed"]:
                continue
            self.findings += 1
            self.rule_findings[f["rule"]] += 1
            self.pack_findings[f["pack"]] += 1
            rules_here.add(f["rule"])
            packs_here.add(f["pack"])
            self.rule_info.setdefault(f["rule"], {"name": f["name"], "pack": f["pack"], "severity": f["severity"]})
        self.rule_pages.update(rules_here)
        self.pack_pages.update(packs_here)
        conds_here: set[str] = set()
        for c in record["claims"]:
            self.claims += 1
            self.modality[c["modality"]] += 1
            if c["modality"] == "negated" or not (c["condition_key"] or c["condition"]):
                continue
            key = c["condition_key"] or c["condition"].lower()
            self.cond_claims[key] += 1
            self.cond_label.setdefault(key, Counter())[(c["condition"] or key).lower()] += 1
            self.cond_status.setdefault(key, c["condition_status"])
            conds_here.add(key)
        self.cond_pages.update(conds_here)

    def result(self, *, complete: bool, pending: int, inputs: Sequence[str]) -> dict[str, Any]:
        scores = self.scores
        histogram = [0] * 10
        for s in scores:
            histogram[min(s // 10, 9)] += 1
        top_rules = sorted(self.rule_findings, key=lambda r: (-self.rule_findings[r], r))[:TOP]
        top_conds = sorted(self.cond_claims, key=lambda k: (-self.cond_claims[k], k))[:TOP]
        return {
            "schema": SCHEMA,
            "complete": complete,
            "inputs": list(inputs),
            "files": {"total": sum(self.status.values()) + pending, "ok": self.status["ok"],
                      "skipped": self.status["skipped"], "error": self.status["error"], "pending": pending},
            "words": self.words,
            "findings": self.findings,
            "claims": self.claims,
            "claims_by_modality": dict(sorted(self.modality.items())),
            "score": {
                "mean": round(statistics.fmean(scores), 2) if scores else None,
                "median": statistics.median(scores) if scores else None,
                "min": min(scores, default=None), "max": max(scores, default=None),
                "histogram": [{"from": i * 10, "to": 100 if i == 9 else i * 10 + 9, "pages": n}
                              for i, n in enumerate(histogram)],
            },
            "bands": {b: self.band[b] for b in self.bands},
            "packs": {p: {"findings": self.pack_findings[p], "pages": self.pack_pages[p]} for p in self.packs},
            "top_rules": [{"rule": r, **self.rule_info[r], "findings": self.rule_findings[r], "pages": self.rule_pages[r]}
                          for r in top_rules],
            "top_conditions": [
                {"condition": k, "label": self.cond_label[k].most_common(1)[0][0], "status": self.cond_status[k],
                 "claims": self.cond_claims[k], "pages": self.cond_pages[k]}
                for k in top_conds
            ],
        }
