"""How the pipeline read a text: sentences, entities, qualifiers and claims, as plain data."""

from __future__ import annotations

from typing import Any

from checker.analyze import Analyzer, default_analyzer
from checker.claims import extract_cautions, extract_claims, sentence_views
from checker.ingest import page_from_text
from checker.nlp.pipeline import annotate
from checker.nlp.syntax import parse


def explain_text(text: str, *, format: str = "text", analyzer: Analyzer | None = None) -> dict[str, Any]:
    a = analyzer or default_analyzer()
    page = page_from_text(text, format=format, source="<explain>")
    ann = annotate(page, a.nlp)
    parser = parse if a.use_syntax else None
    claims = extract_claims(page, ann, a.lexicon, parser)
    claimed = sorted({(c.start, c.end) for c in claims})
    parsed = dict(zip(claimed, parser([page.text[s:e].replace("\n", " ") for s, e in claimed]))) if parser and claimed else {}
    cautions = extract_cautions(page, ann)
    sentences = []
    for view in sentence_views(ann):
        s = view.sentence
        sentences.append({
            "text": page.text[s.start : s.end], "start": s.start, "end": s.end,
            "entities": [
                {"label": m.label, "key": m.key, "text": m.text, "start": m.start, "end": m.end, "negated": m.negated,
                 **({"status": a.lexicon.attrs("CONDITION", m.key).get("status")} if m.label == "CONDITION" else {})}
                for m in view.mentions
            ],
            "qualifiers": [
                {"category": q.category, "trigger": q.trigger, "scope": page.text[q.scope_start : q.scope_end]}
                for q in view.qualifiers
            ],
            "claims": [
                {"intervention": c.intervention, "intervention_source": c.intervention_source, "effect": c.effect,
                 "effect_class": c.effect_class, "target": c.condition or c.body_part, "status": c.condition_status,
                 "condition_source": c.condition_source, "modality": c.modality, "qualifiers": list(c.qualifiers),
                 "syntax": list(c.syntax)}
                for c in claims if c.start == s.start
            ],
            "cautions": [c.category for c in cautions if s.start <= c.start < s.end],
            **({"tokens": [{"text": t.text, "morph": str(t.morph), "pos": t.pos_, "lemma": t.lemma_, "dep": t.dep_, "head": t.head.i}
                           for t in parsed[(s.start, s.end)]]} if (s.start, s.end) in parsed else {}),
        })
    return {"tokens": ann.tokens, "sentences": sentences}
