"""The spaCy pass and claim extraction: sentences, entities, negation, qualifiers, modality,
anaphora and context resolution, long text in chunks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.ingest import page_from_text
from checker.nlp.pipeline import CHUNK_CHARS, annotate, chunks
from tests.strategies import words


def ann_of(analyzer, text, format="text"):
    page = page_from_text(text, format=format)
    return page, annotate(page, analyzer.nlp)


def claims_of(check, text, format="text"):
    return check(text, format).claims


def test_sentences_never_cross_a_heading(analyzer):
    page, ann = ann_of(analyzer, "<h2>Knee Pain</h2><p>Stem cells cure it.</p>", "html")
    texts = [page.text[s.start : s.end] for s in ann.sentences]
    assert texts == ["Knee Pain", "Stem cells cure it."]


def test_wrapped_plain_text_stays_one_sentence(analyzer):
    page, ann = ann_of(analyzer, "Our stem cell injections\nrelieve knee pain in weeks.")
    assert len(ann.sentences) == 1


def test_entities_match_case_and_curly_apostrophes(analyzer):
    _, ann = ann_of(analyzer, "We treat Parkinson’s disease, MS and knee arthritis with MSCs.")
    found = {(m.label, m.key) for m in ann.mentions}
    assert ("CONDITION", "parkinsons") in found
    assert ("CONDITION", "multiple_sclerosis") in found
    assert ("CONDITION", "osteoarthritis") in found
    assert ("INTERVENTION", "msc") in found


def test_abbreviations_match_only_in_capitals(analyzer):
    _, ann = ann_of(analyzer, "It takes 20 ms to load, as the ms timer shows.")
    assert not [m for m in ann.mentions if m.key == "multiple_sclerosis"]


def test_negspacy_negates_entities_after_a_trigger(analyzer):
    _, ann = ann_of(analyzer, "Stem cells do not cure Parkinson's disease. They may help knee pain.")
    by_text = {m.text: m.negated for m in ann.mentions}
    assert by_text["Parkinson's disease"] is True
    assert by_text["knee pain"] is False


def test_qualifier_scope_stops_at_terminator(analyzer):
    page, ann = ann_of(analyzer, "PRP may ease knee pain, but it cures arthritis.")
    hedge = next(q for q in ann.qualifiers if q.category == "HEDGE")
    assert page.text[hedge.scope_start : hedge.scope_end].startswith("may ease knee pain")
    assert "cures" not in page.text[hedge.scope_start : hedge.scope_end]


def test_pseudo_triggers_cancel_negation(analyzer):
    _, ann = ann_of(analyzer, "Book a free consultation to cure your back pain.")
    assert not [q for q in ann.qualifiers if q.category == "NEGATED"]


@pytest.mark.parametrize("text,modality", [
    ("Our stem cell therapy cures multiple sclerosis.", "asserted"),
    ("Our stem cell therapy may help multiple sclerosis.", "hedged"),
    ("Stem cell therapy does not cure multiple sclerosis.", "negated"),
    ("Researchers are testing whether stem cells can treat multiple sclerosis.", "hypothetical"),
    ("Patients report that stem cell infusions relieved their multiple sclerosis.", "reported"),
])
def test_claim_modality(check, text, modality):
    claims = [c for c in claims_of(check, text) if c.condition_key == "multiple_sclerosis"]
    assert claims and claims[0].modality == modality


def test_claim_fields(check):
    claim = claims_of(check, "Our PRP injections regenerate cartilage in knee osteoarthritis.")[0]
    assert claim.intervention == "prp injections" and claim.intervention_source == "explicit"
    assert claim.effect_class == "regenerate"
    assert claim.condition_key == "osteoarthritis" and claim.condition_status == "not_approved"


def test_it_resolves_to_the_main_intervention(check):
    claims = claims_of(check, "Exosome therapy is our signature treatment. It reverses Alzheimer's disease.")
    claim = next(c for c in claims if c.condition_key == "alzheimers")
    assert claim.intervention == "exosome therapy" and claim.intervention_source == "anaphora"


def test_these_conditions_resolve_to_the_conditions_named_before(check):
    text = "Chronic lung diseases such as COPD and emphysema damage the lungs. Stem cells can treat these conditions."
    targets = {c.condition for c in claims_of(check, text)}
    assert {"COPD", "emphysema"} <= targets


def test_body_part_claim_takes_the_condition_of_its_organ_system(check):
    text = "Liver Disease\nCirrhosis scars the liver over years. Stem cells regenerate liver tissue."
    claim = next(c for c in claims_of(check, text) if c.effect_class == "regenerate")
    assert claim.condition_key == "liver_disease" and claim.condition_source == "context"


def test_approved_use_has_approved_status(check):
    claim = claims_of(check, "Bone marrow transplants can cure some leukemias.")[0]
    assert claim.condition_status == "approved"


def test_eliminate_is_an_effect_not_a_negation(check):
    claim = claims_of(check, "Our infusions eliminate chronic back pain.")[0]
    assert claim.modality == "asserted"


def test_a_caution_sentence_is_not_an_asserted_claim(check):
    text = "There is no one-size-fits-all treatment; what works for one autoimmune disease may not work for another."
    assert all(c.modality != "asserted" for c in claims_of(check, text))


def test_chunks_cover_the_text_without_gaps(analyzer):
    para = "Stem cells cure knee pain. " * 200
    text = "\n\n".join([para] * 40)  # ~216k characters, over one chunk
    page = page_from_text(text)
    ranges = list(chunks(page, limit=CHUNK_CHARS))
    assert len(ranges) > 1
    assert all(e - s <= CHUNK_CHARS for s, e in ranges)
    assert ranges[0][0] == page.blocks[0].start and ranges[-1][1] == page.blocks[-1].end


def test_text_longer_than_spacy_max_length_is_processed_whole(check, analyzer):
    line = "Our stem cell injections cure knee arthritis. "
    text = line * (analyzer.nlp.max_length // len(line) + 2000)  # one block, > max_length characters
    report = check(text)
    assert len(text) > analyzer.nlp.max_length
    assert len(report.claims) == text.count("cure knee arthritis")
    assert report.claims[-1].end > len(text) - len(line)


# --- the tuple-based components agree with the spaCy code they replace -------------------------

_SAME = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_texts = st.lists(st.one_of(words, st.sampled_from(["!", "?", "...", "。", ")", "\"", "Dr.", "\r\n", " \n ", "  "]),
                          st.text(max_size=12)), max_size=60).map(" ".join)


def _reference_sentence_starts(text: str) -> list[int]:
    """The old pipeline: a sentence after every newline (skipping space tokens), then spaCy's
    own Sentencizer (which never overwrites a start already set)."""
    import re

    import spacy

    nlp = spacy.blank("en")
    sentencizer = nlp.add_pipe("sentencizer")
    doc = nlp.make_doc(text)
    for m in re.finditer(r"[\r\n]+", text):
        i = next((t.i for t in doc if t.idx > m.start()), len(doc))
        while i < len(doc) and doc[i].is_space:
            i += 1
        if 0 < i < len(doc):
            doc[i].is_sent_start = True
    sentencizer(doc)
    return [s.start for s in doc.sents]


@_SAME
@given(text=_texts)
def test_sentence_bounds_match_spacys_sentencizer_plus_newlines(text):
    from checker.nlp.components import sentence_starts
    from checker.nlp.pipeline import _make_doc, build_nlp

    nlp = build_nlp()
    doc = _make_doc(nlp, text)
    nlp.get_pipe("checker_sentences")(doc)
    expected = _reference_sentence_starts(text) if len(doc) else []
    assert sentence_starts(doc) == expected  # what the later components read
    assert [s.start for s in doc.sents] == expected  # and what spaCy itself sees in SENT_START


@_SAME
@given(text=_texts, data=st.data())
def test_expand_matches_doc_char_span_expand(text, data):
    from checker.nlp.components import _expand, token_offsets
    from checker.nlp.pipeline import _make_doc, build_nlp

    doc = _make_doc(build_nlp(), text)
    if not len(doc):
        return
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    span = doc.char_span(lo, hi, alignment_mode="expand")
    expected = (span.start, span.end) if span is not None and len(span) else None
    assert _expand(*token_offsets(doc), lo, hi) == expected


@_SAME
@given(spans=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6)), max_size=25))
def test_filter_longest_matches_spacy_filter_spans(spans):
    import spacy
    from spacy.util import filter_spans

    from checker.nlp.components import Entity, filter_longest

    doc = spacy.blank("en").make_doc(" ".join(["w"] * 40))
    found = [Entity(s, s + n, "X", str(i)) for i, (s, n) in enumerate(spans)]
    expected = [(s.start, s.end, s.kb_id_) for s in filter_spans([doc[e.start:e.end] for e in found])]
    # filter_spans keeps the first of equal spans; Span objects lose our index, so compare offsets
    assert [(e.start, e.end) for e in filter_longest(found)] == [(s, e) for s, e, _ in expected]
