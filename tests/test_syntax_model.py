"""The shipped tagger and parser (checker/syntax_model, trained on UD EWT) and the claims read
through it, on sentences written for these tests. tests/test_structure.py tests the reading
rules on hand-built parses; these check that the real model gives them what they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.nlp.syntax import SYNTAX_DIR, lemmatize, load_parser, parse


def test_the_parser_ships_inside_the_package_with_its_licence_and_loads_without_a_download():
    assert (SYNTAX_DIR / "config.cfg").is_file()
    size = sum(p.stat().st_size for p in SYNTAX_DIR.rglob("*") if p.is_file())
    assert size <= 15 * 1024 * 1024
    nlp = load_parser()
    assert {"morphologizer", "parser"} <= set(nlp.pipe_names) and "tagger" not in nlp.pipe_names  # trained, not run
    assert "CC BY-SA 4.0" in nlp.meta["license"]
    assert "CC BY-SA 4.0" in (Path(__file__).resolve().parent.parent / "NOTICE").read_text()


def test_the_parser_is_loaded_with_the_tokenizer_it_was_saved_with():
    """load_parser skips reading the saved tokenizer (English's default, rebuilt with the
    pipeline); the one it keeps must be byte for byte the one saved with the weights."""
    import spacy

    saved = spacy.load(SYNTAX_DIR)
    assert load_parser().tokenizer.to_bytes() == saved.tokenizer.to_bytes()


def test_a_missing_parser_is_a_clear_error(tmp_path):
    from checker.errors import ModelError

    with pytest.raises(ModelError, match=r"\[E101\]"):
        load_parser(str(tmp_path))


@pytest.mark.parametrize(("sentence", "word", "lemma"), [
    ("Our stem cells fought arthritis for years.", "fought", "fight"),
    ("The clinic rebuilt her knees.", "rebuilt", "rebuild"),
    ("These injections are healing damaged tendons.", "healing", "heal"),
    ("He didn't improve.", "n't", "not"),
])
def test_lemmas_come_from_the_predicted_part_of_speech(sentence, word, lemma):
    doc = parse([sentence])[0]
    assert next(t.lemma_ for t in doc if t.text == word) == lemma


def test_lemmatize_keeps_closed_class_words_lower_cased():
    import spacy
    from spacy.tokens import Doc

    doc = Doc(spacy.blank("en").vocab, words=["They", "were", "cured"], pos=["PRON", "AUX", "VERB"])
    assert [t.lemma_ for t in lemmatize(doc)] == ["they", "be", "cure"]


def claims_of(analyzer, text, fmt="text"):
    return analyzer.check_text(text, format=fmt).claims


def test_passive_voice_is_a_claim_with_the_arcs_that_made_it(rules_analyzer):
    [claim] = claims_of(rules_analyzer, "Knee arthritis is reversed by our amniotic injections.")
    assert claim.modality == "asserted" and claim.condition_key == "osteoarthritis"
    assert any("reversed" in arc for arc in claim.syntax)


def test_a_claim_attributed_to_other_clinics_is_attributed(rules_analyzer):
    [claim] = claims_of(rules_analyzer, "Some clinics claim that stem cells cure autism.")
    assert claim.modality == "attributed"


def test_a_menu_item_naming_a_treatment_for_a_condition_is_an_offer(rules_analyzer):
    report = rules_analyzer.check_text("PRP Injections For Chronic Pain\n\nBook a visit today.", format="markdown")
    [claim] = report.claims
    assert (claim.modality, claim.effect_class, claim.condition_status) == ("offer", "treat", "not_approved")
    assert "UNP002" in {f.rule for f in report.findings}
    # an approved use offered is no problem; a sentence with a verb is read by its verb, not as a menu item
    [approved] = claims_of(rules_analyzer, "Cord blood transplant for leukemia")
    assert approved.modality == "offer" and approved.condition_status == "approved"
    assert claims_of(rules_analyzer, "We use PRP for knee pain.") == ()
    # one offer a line, for the condition named after its "for", not one named before it
    [(condition, modality)] = [(c.condition, c.modality) for c in claims_of(rules_analyzer, "Arthritis Center - PRP Injections For Chronic Pain")]
    assert (condition, modality) == ("Chronic Pain", "offer")
    long_line = "PRP for knee pain and the many other things our friendly team would like to tell you about"
    assert all(c.modality != "offer" for c in claims_of(rules_analyzer, long_line))


def test_background_biology_is_not_a_treatment_claim(rules_analyzer):
    assert claims_of(rules_analyzer, "The liver can regenerate itself.") == ()


def test_co_occurrence_without_a_governing_effect_is_not_a_claim(rules_analyzer):
    assert claims_of(rules_analyzer, "Poor sleep and reduced appetite are common in autism.") == ()


def test_a_question_is_not_asserted(rules_analyzer):
    from checker.types import NOT_STATED

    claims = claims_of(rules_analyzer, "Can stem cells cure arthritis? What conditions can stem cells help with?")
    assert all(c.modality in NOT_STATED for c in claims)


def test_what_a_trial_evaluates_is_asked_not_claimed(rules_analyzer):
    claims = claims_of(rules_analyzer, "A phase II trial is evaluating umbilical cord cells for treating knee osteoarthritis.")
    assert [(c.modality, c.qualifiers) for c in claims] == [("question", ("evaluating",))]
    told = claims_of(rules_analyzer, "Our doctors studied PRP for years, and it heals torn tendons.")
    assert [c.modality for c in told] == ["asserted"]


def test_treatments_named_as_a_topic_are_not_claims(rules_analyzer):
    text = "The usual treatments for psoriasis include creams, light therapy and tablets. Your treatment for anaemia will depend on what is causing it."
    assert not claims_of(rules_analyzer, text)
    assert [c.modality for c in claims_of(rules_analyzer, "There is no cure for Parkinson's disease.")] == ["negated"]


def test_what_cells_are_able_to_do_to_tissue_is_background_but_not_to_a_disease(rules_analyzer):
    assert not claims_of(rules_analyzer, "Stem cells have the ability to regenerate muscle and bone. These cells are capable of repairing the liver.")
    claims = claims_of(rules_analyzer, "Our stem cell injections have the ability to reverse knee arthritis.")
    assert [(c.effect, c.modality) for c in claims] == [("reverse", "asserted")]


def test_negation_of_the_effect_is_negated(rules_analyzer):
    [claim] = claims_of(rules_analyzer, "Stem cells do not cure lupus.")
    assert claim.modality == "negated"


def test_an_irregular_verb_form_is_found_by_its_lemma(rules_analyzer):
    [claim] = claims_of(rules_analyzer, "Our stem cells fought arthritis in hundreds of patients.")
    assert claim.effect == "fought" and claim.effect_class == "treat"


def test_standard_care_for_its_condition_is_an_established_use(rules_analyzer):
    [claim] = claims_of(rules_analyzer, "Insulin lowers blood sugar in type 2 diabetes.")
    assert claim.condition_status == "approved"


def test_without_the_parser_claims_are_read_by_co_occurrence():
    from checker.analyze import Analyzer

    plain = Analyzer(use_models=False, use_syntax=False)
    assert len(claims_of(plain, "Poor sleep and reduced appetite are common in autism.")) == 1
