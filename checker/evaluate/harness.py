"""Run the checker over the labelled corpus and measure it against the labels.

Units. Every labelled sentence is one unit (all its occurrences in the page text count as its
spans). Every sentence the pipeline splits that overlaps no labelled sentence is one more unit,
labelled claim=false, problematic=false (the labelling guidelines say unlisted sentences are
neither). Spans overlap when they share at least one letter or digit (sharing only punctuation,
such as the opening quote of the next sentence that the sentence splitter leaves at the end of
the previous one, is not overlap; see `checker.evaluate.corpus.shares_word`).

Predictions for a unit:
- claim: a non-negated claim in the report whose sentence overlaps the unit.
- problematic: a sentence-level finding of severity medium or high overlaps the unit (page-level
  findings: absence, metric and document-wide conditional rules, point at an anchor sentence, not
  at a problem in it, so they are left out), or a non-negated, non-hedged claim about a condition
  whose status is not `approved` overlaps it (an unproven claim asserted or reported).
A document is predicted problematic when its score is under 50 (the false-flag threshold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.evaluate.corpus import HELD_OUT_GENRES, Document, load_corpus, locate, shares_word
from checker.evaluate.metrics import Confusion, roc_auc
from checker.model.apply import page_level_rules
from checker.types import NOT_STATED, Claim, Report, severity_rank

SCORE_THRESHOLD = 50
# Which sentence tags confirm a rule's finding (its "tag precision"). Rules not listed are
# measured only against the sentence's `problematic` label.
RULE_TAGS: dict[str, tuple[str, ...]] = {
    "UNP001": ("cure_claim",),
    "UNP002": ("unproven_indication",),
    "UNP004": ("no_risk",),
    "UNP005": ("testimonial",),
    "UNP008": ("hype",),
    "UNP011": ("unproven_indication",),
    "UNR001": ("fda_misdirection",),
    "UNR002": ("fda_misdirection",),
    "PRO001": ("promo_link",),
    "PRO002": ("promo_link",),
    "PRO003": ("cta",),
    "PRO004": ("cta",),
    "PRO005": ("cta",),
    "PRO006": ("price",),
}
TARGETS = {"claim_f1": 0.85, "claim_precision": 0.80, "problematic_f1": 0.80, "document_auc": 0.90, "false_flag_rate": 0.10,
           "false_flag_rate_ordinary_health": 0.05}
# Pages that are not about stem cells or clinics: a health publisher's ordinary content. Their
# false-flag rate is reported apart (the real-pages issue asks for it separately).
GENRE_FAMILIES = {"health_education": "ordinary_health", "remedy_marketing": "ordinary_health"}


@dataclass
class Unit:
    spans: list[tuple[int, int]]
    labelled: bool
    claim: bool
    problematic: bool
    tags: tuple[str, ...] = ()
    pred_claim: bool = False
    pred_problematic: bool = False

    def overlaps(self, text: str, start: int, end: int) -> bool:
        """Whether the span text[start:end] overlaps one of the unit's spans by a letter or digit."""
        return any(shares_word(text, span, (start, end)) for span in self.spans)


@dataclass
class DocResult:
    doc: Document
    score: int
    text: str  # the page text the spans point into
    units: list[Unit]
    unlocated: list[str]
    sentence_rules: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # rule -> finding spans
    page_rules: set[str] = field(default_factory=set)


def claim_spans(report: Report) -> list[tuple[int, int]]:
    """Sentences where the page states a claim (not denied, asked, or a verbless heading)."""
    return [(c.start, c.end) for c in report.claims if c.modality not in NOT_STATED]


def problematic_spans(report: Report, page_rules: frozenset[str]) -> list[tuple[int, int]]:
    spans = [(f.start, f.end) for f in report.findings
             if not f.suppressed and f.rule not in page_rules and severity_rank(f.severity) >= 2 and f.end > f.start]
    spans += [(c.start, c.end) for c in report.claims if is_problem_claim(c)]
    return spans


def is_problem_claim(claim: Claim) -> bool:
    """An unproven claim made outright (asserted or reported) or offered (a heading naming the
    treatment for the condition), about a treatment the page names or refers to, for anything but
    an approved use."""
    return (claim.modality in {"asserted", "reported", "offer"} and claim.condition_status != "approved" and claim.intervention is not None
            and claim.target_kind != "none")


def evaluate_document(doc: Document, corpus_dir: Path, analyzer: Any, page_rules: frozenset[str]) -> DocResult:
    from checker.ingest import load_page
    from checker.nlp.pipeline import annotate

    page = load_page(corpus_dir / doc.file)
    report = analyzer.check_page(page)
    located = locate(page.text, doc.sentences)
    units = [Unit(spans, True, s.claim, s.problematic, s.tags) for s, spans in zip(doc.sentences, located)]
    unlocated = [s.text for s, spans in zip(doc.sentences, located) if not spans]
    for sent in annotate(page, analyzer.nlp).sentences:
        if not any(u.overlaps(page.text, sent.start, sent.end) for u in units if u.labelled):
            units.append(Unit([(sent.start, sent.end)], False, False, False))
    claims = claim_spans(report)
    problems = problematic_spans(report, page_rules)
    for u in units:
        u.pred_claim = any(u.overlaps(page.text, s, e) for s, e in claims)
        u.pred_problematic = any(u.overlaps(page.text, s, e) for s, e in problems)
    sentence_rules: dict[str, list[tuple[int, int]]] = defaultdict(list)
    fired_page = set()
    for f in report.findings:
        if f.suppressed:
            continue
        if f.rule in page_rules:
            fired_page.add(f.rule)
        elif f.end > f.start:
            sentence_rules[f.rule].append((f.start, f.end))
    return DocResult(doc, report.score, page.text, units, unlocated, dict(sentence_rules), fired_page)


def summarize(results: Sequence[DocResult]) -> dict[str, Any]:
    """Sentence and document metrics over some documents."""
    units = [u for r in results for u in r.units]
    claim = Confusion.of([u.claim for u in units], [u.pred_claim for u in units])
    problem = Confusion.of([u.problematic for u in units], [u.pred_problematic for u in units])
    credible = [r.doc.credible for r in results]
    scores = [float(r.score) for r in results]
    doc_conf = Confusion.of([not c for c in credible], [s < SCORE_THRESHOLD for s in scores])
    n_credible = sum(credible)
    n_problematic = len(results) - n_credible
    auc = roc_auc(credible, scores)
    return {
        "documents": len(results),
        "units": len(units),
        "labelled_sentences": sum(u.labelled for u in units),
        "claims": claim.as_dict(),
        "problematic": problem.as_dict(),
        "document": {
            "auc": None if auc is None else round(auc, 4),
            "false_flag_rate": round(doc_conf.fp / n_credible, 4) if n_credible else None,
            "miss_rate": round(doc_conf.fn / n_problematic, 4) if n_problematic else None,
            "credible": n_credible, "problematic": n_problematic,
            "confusion": {"problematic_flagged": doc_conf.tp, "credible_flagged": doc_conf.fp,
                          "problematic_passed": doc_conf.fn, "credible_passed": doc_conf.tn},
        },
    }


def rule_precision(results: Sequence[DocResult], page_rules: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Per rule: how often it fired, and how often what it flagged was labelled as it claims.
    Sentence-level rules: tag precision (an overlapped sentence carries one of the rule's tags)
    and problematic precision (an overlapped sentence is labelled problematic). Page-level
    rules: the share of pages it fired on that are labelled problematic."""
    out: dict[str, dict[str, Any]] = {}
    per_rule: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for r in results:
        for rule, spans in r.sentence_rules.items():
            for s, e in spans:
                hit = [u for u in r.units if u.overlaps(r.text, s, e)]
                wanted = RULE_TAGS.get(rule, ())
                per_rule[rule].append((any(t in wanted for u in hit for t in u.tags), any(u.problematic for u in hit)))
    for rule, hits in sorted(per_rule.items()):
        out[rule] = {"level": "sentence", "fired": len(hits),
                     "problematic_precision": round(sum(p for _, p in hits) / len(hits), 4)}
        if rule in RULE_TAGS:
            out[rule]["tags"] = list(RULE_TAGS[rule])
            out[rule]["tag_precision"] = round(sum(t for t, _ in hits) / len(hits), 4)
    for rule in sorted(page_rules):
        pages = [r for r in results if rule in r.page_rules]
        if pages:
            out[rule] = {"level": "page", "fired": len(pages),
                         "problematic_precision": round(sum(not r.doc.credible for r in pages) / len(pages), 4)}
    return out


def run_configuration(docs: Sequence[Document], corpus_dir: Path, analyzer: Any) -> dict[str, Any]:
    page_rules = page_level_rules(analyzer.ruleset)
    results = [evaluate_document(d, corpus_dir, analyzer, page_rules) for d in docs]
    summary = summarize(results)
    held = [r for r in results if r.doc.genre in HELD_OUT_GENRES]
    seen = [r for r in results if r.doc.genre not in HELD_OUT_GENRES]
    genres: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        genres[r.doc.genre].append(r)
    if any(r.doc.part != "real" for r in results):  # the synthetic corpus holds a style out
        summary["styles"] = {
            "seen_styles": summarize(seen) if seen else None,
            "held_out_" + "_".join(HELD_OUT_GENRES): summarize(held) if held else None,
        }
    else:
        summary["styles"] = {}
    families: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        families[GENRE_FAMILIES.get(r.doc.genre, "stem_cell_and_clinic")].append(r)
    summary["families"] = {f: summarize(rs) for f, rs in sorted(families.items())}
    summary["genres"] = {g: summarize(rs) for g, rs in sorted(genres.items())}
    summary["rules"] = rule_precision(results, page_rules)
    summary["targets"] = check_targets(summary)
    summary["unlocated_sentences"] = [{"id": r.doc.id, "text": t} for r in results for t in r.unlocated]
    summary["scores"] = {r.doc.id: r.score for r in results}
    return summary


def check_targets(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ordinary = summary.get("families", {}).get("ordinary_health")
    values = {
        "claim_f1": summary["claims"]["f1"],
        "claim_precision": summary["claims"]["precision"],
        "false_flag_rate_ordinary_health": ordinary["document"]["false_flag_rate"] if ordinary else None,
        "problematic_f1": summary["problematic"]["f1"],
        "document_auc": summary["document"]["auc"],
        "false_flag_rate": summary["document"]["false_flag_rate"],
    }
    out = {}
    for name, target in TARGETS.items():
        value = values[name]
        ok = None if value is None else (value <= target if name.startswith("false_flag_rate") else value >= target)
        out[name] = {"value": value, "target": target, "met": ok}
    return out


def evaluate_corpus(
    corpus_dir: str | Path,
    *,
    splits: Iterable[str] = ("test",),
    configurations: dict[str, Callable[[], Any]] | None = None,
) -> dict[str, Any]:
    """Measure each analyzer configuration (name -> factory) on the chosen splits. By default:
    `rules` (the rule-based scorer, no learned models) and, when models ship, `rules+models`."""
    corpus_dir = Path(corpus_dir)
    splits = tuple(splits)
    docs = load_corpus(corpus_dir, splits=splits)
    configurations = configurations or default_configurations()
    analyzers = {name: make() for name, make in configurations.items()}
    warnings = []
    for analyzer in analyzers.values():
        models = getattr(analyzer, "models", None)
        if models is not None and getattr(models, "any", False):
            from checker.model.store import staleness

            warnings += [w for w in staleness(models) + in_sample(models, splits) if w not in warnings]
    return {
        "schema": "checker.eval/1",
        "corpus": str(corpus_dir),
        "splits": list(splits),
        "documents": len(docs),
        "warnings": warnings,
        "configurations": {name: run_configuration(docs, corpus_dir, a) for name, a in analyzers.items()},
    }


def in_sample(models: Any, splits: Sequence[str]) -> list[str]:
    """Warnings for splits the shipped models were fitted on (their figures are in-sample)."""
    out = []
    for name in ("sentence", "document"):
        part = getattr(models, name, None)
        trained = set((getattr(part, "meta", None) or {}).get("trained_on", ["train"])) if part is not None else set()
        for split in splits:
            if split in trained:
                msg = (f"the models were fitted on the {split} split: its figures are in-sample "
                       "(`checker train` reports cross-validated ones)")
                if msg not in out:
                    out.append(msg)
    return out


def default_configurations() -> dict[str, Callable[[], Any]]:
    from checker.analyze import Analyzer
    from checker.model.store import shipped_models

    configs: dict[str, Callable[[], Any]] = {"rules": lambda: Analyzer(use_models=False)}
    if shipped_models().any:
        configs["rules+models"] = lambda: Analyzer(use_models=True)
    return configs
