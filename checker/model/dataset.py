"""Training and evaluation data: every corpus page read by the rule-based checker, with each
pipeline sentence's gold labels. Used by `checker train` (never on the scan path)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.claims import SentenceView, sentence_views
from checker.evaluate.corpus import Document, locate, shares_word
from checker.model.features import PageFacts, page_facts
from checker.types import Claim, Finding, Page, Report


@dataclass
class PageData:
    doc: Document
    page: Page
    report: Report  # rules only
    views: list[SentenceView]
    claims_by_sentence: list[list[Claim]]
    findings_by_sentence: list[list[Finding]]
    facts: PageFacts
    gold_claim: list[bool]
    gold_problematic: list[bool]
    units: list[tuple[bool, bool, tuple[int, ...]]]  # the evaluation's units: (claim, problematic, sentence indices)


def group_by_sentence(views: Sequence[SentenceView], items: Sequence[Any]) -> list[list[Any]]:
    """Items with .start/.end, grouped by the sentence they overlap (an item may fall in several)."""
    out: list[list[Any]] = [[] for _ in views]
    starts = [v.sentence.start for v in views]
    for item in items:
        end = max(item.end, item.start + 1)
        i = max(bisect_right(starts, item.start) - 1, 0)
        while i < len(views) and views[i].sentence.start < end:
            if item.start < views[i].sentence.end:
                out[i].append(item)
            i += 1
    return out


def sentence_findings(findings: Sequence[Finding], page_rules: frozenset[str]) -> list[Finding]:
    return [f for f in findings if not f.suppressed and f.rule not in page_rules and f.end > f.start]


def page_data(doc: Document, corpus_dir: Path, analyzer: Any, page_rules: frozenset[str]) -> PageData:
    """Read one corpus page with the rules-only analyzer and align the labels to its sentences."""
    from checker.ingest import load_page
    from checker.nlp.pipeline import annotate

    page = load_page(corpus_dir / doc.file)
    report = analyzer.check_page(page)
    ann = annotate(page, analyzer.nlp)
    views = sentence_views(ann)
    claims_by = group_by_sentence(views, report.claims)
    findings_by = group_by_sentence(views, sentence_findings(report.findings, page_rules))
    spans = locate(page.text, doc.sentences)
    gold_claim, gold_problem = [], []
    units: list[tuple[bool, bool, tuple[int, ...]]] = []
    covered: set[int] = set()
    for ls, sp in zip(doc.sentences, spans):
        idx = tuple(i for i, v in enumerate(views)
                    if any(shares_word(page.text, span, (v.sentence.start, v.sentence.end)) for span in sp))
        covered.update(idx)
        units.append((ls.claim, ls.problematic, idx))
    for i, v in enumerate(views):
        s = v.sentence
        hit = [ls for ls, sp in zip(doc.sentences, spans) if any(shares_word(page.text, span, (s.start, s.end)) for span in sp)]
        gold_claim.append(any(ls.claim for ls in hit))
        gold_problem.append(any(ls.problematic for ls in hit))
        if i not in covered:
            units.append((False, False, (i,)))
    facts = page_facts(views, report.claims, report.cautions)
    return PageData(doc, page, report, views, claims_by, findings_by, facts, gold_claim, gold_problem, units)
