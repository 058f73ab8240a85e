"""Training and evaluation data: every corpus page read by the rule-based checker, with each
pipeline sentence's gold labels. Used by `checker train` (never on the scan path)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.claims import SentenceView, main_intervention, sentence_views
from checker.evaluate.corpus import Document, locate, shares_word
from checker.model.sentence_features import PageFacts, group_by_sentence, page_facts, sentence_findings
from checker.types import Claim, Finding, Page, Report


@dataclass
class PageData:
    doc: Document
    page: Page
    report: Report  # rules only
    views: list[SentenceView]
    main: str | None  # the page's main intervention, as the claims layer finds it (checker.claims.main_intervention)
    claims_by_sentence: list[list[Claim]]
    findings_by_sentence: list[list[Finding]]
    facts: PageFacts
    gold_claim: list[bool]
    gold_problematic: list[bool]
    units: list[tuple[bool, bool, tuple[int, ...]]]  # the evaluation's units: (claim, problematic, sentence indices)


def page_data(doc: Document, corpus_dir: Path, analyzer: Any, page_rules: frozenset[str]) -> PageData:
    """Read one corpus page with the rules-only analyzer and align the labels to its sentences."""
    from checker.ingest import load_page
    from checker.nlp.pipeline import annotate

    page = load_page(corpus_dir / doc.file)
    report = analyzer.check_page(page)
    ann = annotate(page, analyzer.nlp)
    views = sentence_views(ann)
    main = main_intervention(ann)
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
    return PageData(doc, page, report, views, main[1] if main else None, claims_by, findings_by, facts, gold_claim, gold_problem, units)
