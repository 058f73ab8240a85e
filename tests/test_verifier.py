"""The claim verifier (checker/verifier.py): its arithmetic, its core readings that are never
dropped, what it leaves alone, and the weights that ship."""

from __future__ import annotations

import math

import pytest

from checker.claims import extract_claims, unproven_claims
from checker.errors import ModelError
from checker.ingest import page_from_text
from checker.nlp.pipeline import annotate
from checker.nlp.syntax import parse
from checker.verifier import CORE, DEFAULT_PATH, SCHEMA, ClaimVerifier, load_verifier, shipped_verifier

REJECT_ALL = ClaimVerifier({}, bias=-30.0, threshold=0.5, meta={})
KEEP_ALL = ClaimVerifier({}, bias=30.0, threshold=0.5, meta={})


def claims_of(analyzer, text: str, verifier: ClaimVerifier | None):
    page = page_from_text(text)
    ann = annotate(page, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms)
    return extract_claims(page, ann, analyzer.lexicon, parse, verifier)


def test_probability_is_the_logistic_of_the_weighted_features():
    v = ClaimVerifier({"a": 1.5, "b": -0.5}, bias=0.25, threshold=0.5, meta={})
    assert v.probability({"a": 1.0, "b": 1.0, "unknown": 1.0}) == pytest.approx(1 / (1 + math.exp(-1.25)))
    assert v.keeps({"b": 1.0}) == (False, pytest.approx(1 / (1 + math.exp(0.25))))
    assert v.keeps({"b": 1.0, CORE: 1.0})[0]  # a core reading is kept whatever its probability


def test_round_trip_and_schema_check(tmp_path):
    v = ClaimVerifier({"x": 0.5}, bias=-0.1, threshold=0.4, meta={"trained_on": ["train"]})
    assert ClaimVerifier.from_json(v.to_json()) == v
    with pytest.raises(ModelError, match=r"\[E121\] .*not a claim verifier"):
        ClaimVerifier.from_json({**v.to_json(), "schema": "something/1"})
    with pytest.raises(ModelError, match=r"\[E122\]"):
        ClaimVerifier.from_json({**v.to_json(), "weights": {"x": "heavy"}})
    broken = tmp_path / "v.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"\[E110\].*v\.json|v\.json.*\[E110\]"):
        load_verifier(broken)


def test_the_shipped_verifier_loads_and_was_never_fitted_on_test():
    assert DEFAULT_PATH.is_file()
    v = shipped_verifier()
    assert v is not None and v == load_verifier(DEFAULT_PATH) and v.to_json()["schema"] == SCHEMA
    assert "test" not in v.meta["trained_on"] and v.meta["threshold_chosen_on"] == "dev"
    assert 0.0 < v.threshold < 1.0 and v.weights


def test_a_treatment_doing_an_effect_to_a_named_condition_is_never_dropped(analyzer):
    for text in ("Stem cell injections cure arthritis.", "Our stem cell therapy repairs damaged nerves in people with MS.",
                 "PRP supports the regeneration of cartilage in osteoarthritis."):
        assert claims_of(analyzer, text, REJECT_ALL), text


def test_a_weak_reading_below_the_threshold_is_dropped_and_kept_ones_carry_the_probability(analyzer):
    # an effect that only names a team's experience, no treatment its subject: the verifier decides
    text = "Your child will be cared for by a team with experience in treating asthma."
    assert claims_of(analyzer, text, KEEP_ALL)
    assert not claims_of(analyzer, text, REJECT_ALL)
    assert all(c.confidence == 1.0 for c in claims_of(analyzer, text, KEEP_ALL))
    assert all(c.confidence == 1.0 for c in claims_of(analyzer, text, None))


def test_denials_questions_and_offers_are_not_put_to_the_verifier(analyzer):
    claims = claims_of(analyzer, "Can stem cells cure autism?\n\nStem cells do not cure autism.", REJECT_ALL)
    assert {c.modality for c in claims} >= {"question", "negated"}


def test_a_treatment_effect_with_no_target_named_is_a_claim_that_counts_for_no_use(analyzer):
    claims = claims_of(analyzer, "PRP stimulates the natural healing process.", None)
    assert [c.target_kind for c in claims] == ["none"]
    assert claims[0].condition is None and claims[0].body_part is None and claims[0].parts.condition is None
    assert not unproven_claims(claims)  # disclosure rules count claims for a use
    report = analyzer.check_text("PRP stimulates the natural healing process.")
    assert not [f for f in report.findings if f.rule.startswith("UNP")]  # no claim rule targets "none" by default


def test_the_body_healing_by_itself_is_no_target_less_claim(analyzer):
    assert not claims_of(analyzer, "The body heals itself over time.", None)


@pytest.mark.parametrize("text", [
    "Turmeric regulates blood sugar in diabetes.",          # regulate: an effect verb on a condition
    "Essential oils are a natural remedy for eczema.",      # remedy for
    "Colloidal silver is beneficial to people with psoriasis.",
    "Frankincense has a positive effect on arthritis.",
    "Our PRP facial fades sunspots and melasma.",          # cosmetic claims warning letters quote
])
def test_effect_words_real_remedy_pages_use_make_claims(analyzer, text):
    assert [c for c in analyzer.check_text(text).claims if c.modality not in {"negated", "question", "offer"}], text


# --- the subject of a cure-like effect as the treatment ------------------------------------------

@pytest.mark.parametrize(("text", "treatment"), [
    ("Garlic cures covid!! share before they delete this", "garlic"),   # the parser hangs the subject as a compound
    ("Ivermectin cures covid, stop lying to people", "ivermectin"),
    ("This herb cured my eczema in 3 weeks.", "herb"),
])
def test_an_unknown_subject_of_a_cure_like_effect_is_the_treatment(analyzer, text, treatment):
    report = analyzer.check_text(text)
    claims = [c for c in report.claims if c.effect_class in {"cure", "heal"}]
    assert claims and claims[0].intervention == treatment and claims[0].intervention_source == "subject"
    part = claims[0].parts.intervention
    assert part is not None and part.resolved == "subject" and report.page.text[part.start:part.end].lower().endswith(treatment)
    assert "UNP001" in {f.rule for f in report.findings}


@pytest.mark.parametrize("text", [
    "Exercise reduces the risk of heart disease.",          # a weaker effect: ordinary advice keeps no treatment
    "Doctors cured her leukemia with a transplant.",        # a person is not the treatment
    "Studies cure nothing; only treatment does.",
])
def test_other_subjects_are_not_made_treatments(analyzer, text):
    assert not [c for c in analyzer.check_text(text).claims if c.intervention_source == "subject"]


def test_a_quoted_claim_reported_as_shown_is_attributed(analyzer):
    quoted = "“Ioniplex has been clinically shown to repair nerve damage in people with diabetes.”"
    assert {c.modality for c in analyzer.check_text(quoted).claims} == {"attributed"}
    assert {c.modality for c in analyzer.check_text(quoted.strip("“”")).claims} == {"reported"}


def test_the_words_that_are_not_treatments_are_lexicon_data(tmp_path):
    """rules/lexicons/subjects.yml decides: a word added there is no longer made the treatment."""
    import shutil

    from checker.analyze import Analyzer
    from checker.paths import lexicons_dir

    custom = tmp_path / "lexicons"
    shutil.copytree(lexicons_dir(), custom)
    subjects = custom / "subjects.yml"
    subjects.write_text(subjects.read_text(encoding="utf-8").replace("not_treatments: [", "not_treatments: [herb, "),
                        encoding="utf-8")
    text = "This herb cured my eczema in 3 weeks."
    assert not [c for c in Analyzer(lexicon_dir=str(custom), use_models=False).check_text(text).claims
                if c.intervention_source == "subject"]
