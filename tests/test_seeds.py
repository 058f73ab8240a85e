"""The founding documents are the first acceptance test (read from ../shared/seeds; skipped when
absent). They must yield their treatment claims, credit their cautions, never turn a caution or
a negated sentence into an asserted claim, and (000) flag the spun backlink and tortured phrases."""

from __future__ import annotations

import pytest

from tests.conftest import seed_path


@pytest.fixture(scope="module")
def reports(analyzer):
    out = {}
    for prefix in ("000", "001", "002", "003"):
        try:
            out[prefix] = analyzer.check_file(seed_path(prefix))
        except pytest.skip.Exception:
            continue
    if not out:
        pytest.skip("../shared/seeds is not present")
    return out


def report_for(reports, prefix):
    if prefix not in reports:
        pytest.skip(f"seed {prefix} is not present")
    return reports[prefix]


def claimed(report, *, modalities=("asserted", "hedged", "reported", "hypothetical")) -> set[str]:
    return {c.condition_key for c in report.claims if c.condition_key and c.modality in modalities} | {
        (c.body_part or "").lower() for c in report.claims if c.body_part and c.modality in modalities
    }


def claimed_terms(report) -> str:
    return " | ".join(f"{c.condition or c.body_part} {c.effect}".lower() for c in report.claims if c.modality != "negated")


def rules_fired(report) -> set[str]:
    return {f.rule for f in report.findings}


def caution_categories(report) -> set[str]:
    return {c.category for c in report.cautions}


def test_001_finds_cartilage_regeneration_for_osteoarthritis(reports):
    r = report_for(reports, "001")
    oa = [c for c in r.claims if c.condition_key == "osteoarthritis"]
    assert oa, "the osteoarthritis claim is missing"
    assert any(c.effect_class in {"regenerate", "repair"} for c in oa)
    assert any(c.intervention and "stem cell" in c.intervention for c in oa)
    assert {"tendon_injury", "disc_disease", "joint_pain"} <= claimed(r)


def test_001_credits_its_cautions(reports):
    r = report_for(reports, "001")
    # research/regulation caveats, not every patient suitable, consult a professional
    assert {"regulatory", "uncertainty", "pathway"} <= caution_categories(r)


@pytest.mark.parametrize("condition", ["heart failure", "type 1 diabetes", "copd", "cirrhosis"])
def test_002_finds_the_named_conditions(reports, condition):
    r = report_for(reports, "002")
    assert condition in claimed_terms(r), f"no claim for {condition}"


def test_002_claims_span_many_organ_systems_and_flag_no_risk(reports):
    r = report_for(reports, "002")
    assert {"heart_disease", "multiple_sclerosis", "type1_diabetes", "copd", "liver_disease", "osteoarthritis"} <= claimed(r)
    fired = rules_fired(r)
    assert "UNP003" in fired  # one product for many unrelated conditions
    assert "UNP004" in fired  # "eliminates the risk of immune rejection"


def test_002_credits_its_cautions(reports):
    r = report_for(reports, "002")
    assert {"risk", "cost", "regulatory", "uncertainty"} <= caution_categories(r)


def test_003_finds_liver_claims_and_testimonial_framing(reports):
    r = report_for(reports, "003")
    assert "cirrhosis" in claimed_terms(r)
    assert "liver_disease" in claimed(r)
    assert "UNP005" in rules_fired(r)  # "Patient Experiences and Success Stories"
    assert {"risk", "cost", "pathway"} <= caution_categories(r)


def test_000_flags_backlink_template_and_tortured_phrases(reports):
    r = report_for(reports, "000")
    backlinks = [f for f in r.findings if f.rule == "PRO001"]
    assert len(backlinks) == 1
    assert backlinks[0].match.lower().startswith("if you have any concerns")
    tortured = {f.match.lower() for f in r.findings if f.rule == "SPM001"}
    assert {"a number of sclerosis", "foundation cause"} <= tortured


def test_000_finds_autoimmune_claims_and_credits_cautions(reports):
    r = report_for(reports, "000")
    assert {"multiple_sclerosis", "lupus", "crohns", "rheumatoid_arthritis"} <= claimed(r)
    ms = [c for c in r.claims if c.condition_key == "multiple_sclerosis"]
    assert all(c.modality in {"reported", "hedged"} for c in ms), "trial outcomes are reported, not asserted"
    # experimental, long-term data limited, regulation, risks, legitimate trial
    assert {"uncertainty", "risk", "regulatory", "pathway"} <= caution_categories(r)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_cautions_and_negations_are_not_asserted_claims(reports, prefix):
    r = report_for(reports, prefix)
    caution_sentences = {c.start for c in r.cautions if c.category in {"risk", "uncertainty", "regulatory"}}
    for claim in r.claims:
        if claim.start in caution_sentences:
            assert claim.modality != "asserted", f"caution sentence read as an asserted claim: {claim.text!r}"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_founding_documents_score_as_not_credible(reports, prefix):
    r = report_for(reports, prefix)
    assert r.score < 50, f"{prefix} scored {r.score}"
    assert all(0 <= f.start <= f.end <= len(r.page.text) for f in r.findings)
