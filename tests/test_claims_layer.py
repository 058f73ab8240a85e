"""The claims layer's shared vocabulary: one modality order for claims read from an effect and
for claims read from a whole sentence (the sentence model's)."""

from __future__ import annotations

from checker.claims import MODALITY_ORDER, sentence_modality, sentence_views
from checker.ingest import page_from_text
from checker.nlp.pipeline import annotate


def view_of(analyzer, text: str):
    page = page_from_text(text)
    return sentence_views(annotate(page, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms))[0]


def test_the_strongest_qualifier_sets_a_sentence_modality(analyzer):
    assert sentence_modality(view_of(analyzer, "Stem cells might one day repair knees."))[0] in {"hypothetical", "hedged"}
    assert sentence_modality(view_of(analyzer, "Patients report less knee pain after PRP."))[0] == "reported"
    assert sentence_modality(view_of(analyzer, "PRP relieves knee pain."))[0] == "asserted"
    assert [m for _, m in MODALITY_ORDER][0] == "hypothetical"


def test_a_hedging_caution_makes_an_unqualified_sentence_hedged(analyzer):
    mod, triggers = sentence_modality(view_of(analyzer, "PRP relieves knee pain but carries a risk of infection."))
    assert mod == "hedged" and triggers
