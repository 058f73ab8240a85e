"""The claims layer's shared vocabulary: one modality order for claims read from an effect and
for claims read from a whole sentence (the sentence model's)."""

from __future__ import annotations

import pytest

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


LEAD = "Our stem cell therapy can treat the following conditions:\n\n"


def test_a_list_of_conditions_under_a_claim_lead_in_makes_each_item_the_claim(analyzer):
    claims = analyzer.check_text(LEAD + "• Osteoarthritis\n• COPD\n• Multiple sclerosis\n\nCall us today.").claims
    listed = [c for c in claims if c.condition_source == "list"]
    assert [c.condition for c in listed] == ["Osteoarthritis", "COPD", "Multiple sclerosis"]
    assert all(c.intervention == "stem cell therapy" and c.effect_class == "treat" and c.condition_status == "not_approved" for c in listed)
    part = listed[0].parts
    assert part.condition is not None and part.condition.resolved == "explicit" and part.effect is not None and part.effect.start is None


@pytest.mark.parametrize("text", [
    "Conditions A-Z:\n\n• Asthma\n• Diabetes\n",                                  # navigation: no claim leads in
    "Our stem cell therapy can treat the following conditions.\n\n• Asthma\n",    # no colon: not a lead-in
    LEAD + "We are open every day.\n\n• Asthma\n",                               # a paragraph breaks the list
    LEAD + "• Asthma in children who have not responded to any other treatment so far\n",  # a long item is its own sentence
])
def test_lists_without_a_claim_lead_in_make_no_claims(analyzer, text):
    assert not [c for c in analyzer.check_text(text).claims if c.condition_source == "list"]


def test_a_side_effects_heading_ends_the_list(analyzer):
    text = "# Treatments\n\n" + LEAD + "- Asthma\n\n## Side effects\n\n- Infection\n"
    listed = [c.condition for c in analyzer.check_text(text, format="markdown").claims if c.condition_source == "list"]
    assert listed == ["Asthma"]


def test_a_page_groups_its_mentions_by_sentence_once(monkeypatch):
    """Claims, cautions and rules share one list of sentence views per page."""
    import checker.analyze as analyze
    import checker.claims as claims
    from checker.analyze import Analyzer

    calls: list[int] = []
    real = claims.sentence_views

    def counting(ann):
        calls.append(1)
        return real(ann)

    monkeypatch.setattr(claims, "sentence_views", counting)
    monkeypatch.setattr(analyze, "sentence_views", counting)
    Analyzer(use_models=False).check_text("Stem cells cure arthritis. Risks include infection.")
    assert len(calls) == 1
