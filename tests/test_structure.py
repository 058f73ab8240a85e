"""Claims read from the parse (checker.structure), on hand-built parses: each Doc's heads, deps,
POS and lemmas are set here, so these tests check our reading of a parse and not the trained
model's mistakes (tests/test_syntax_model.py covers the model on sentences written for them)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from checker.structure import Reading, read

_VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower_, is_punct)


def parsed(rows: list[tuple[str, str, int, str, str]]) -> Doc:
    """rows: (word, POS, head index, dep, lemma); a word followed by a space unless the next is punctuation."""
    words = [r[0] for r in rows]
    spaces = [i + 1 < len(rows) and rows[i + 1][1] != "PUNCT" for i in range(len(rows))]
    return Doc(_VOCAB, words=words, spaces=spaces, pos=[r[1] for r in rows], heads=[r[2] for r in rows],
               deps=[r[3] for r in rows], lemmas=[r[4] for r in rows])


def span(doc: Doc, phrase: str) -> tuple[int, int]:
    start = doc.text.index(phrase)
    return start, start + len(phrase)


# "Stem cells reverse arthritis."
ACTIVE = [("Stem", "NOUN", 1, "compound", "stem"), ("cells", "NOUN", 2, "nsubj", "cell"), ("reverse", "VERB", 2, "ROOT", "reverse"),
          ("arthritis", "NOUN", 2, "obj", "arthritis"), (".", "PUNCT", 2, "punct", ".")]


def test_an_effect_that_governs_its_condition_is_linked_with_its_arcs():
    doc = parsed(ACTIVE)
    r = read(doc, span(doc, "reverse"), span(doc, "arthritis"), interventions=[span(doc, "Stem cells")])
    assert r.linked and r.modality is None and r.agent == "intervention" and r.voice == "active"
    assert r.arcs == ("reverse -obj-> arthritis",)


def test_passive_voice_links_the_subject_and_names_the_agent_in_the_by_phrase():
    # "Arthritis is reversed by stem cells."
    doc = parsed([("Arthritis", "NOUN", 2, "nsubj:pass", "arthritis"), ("is", "AUX", 2, "aux:pass", "be"),
                  ("reversed", "VERB", 2, "ROOT", "reverse"), ("by", "ADP", 5, "case", "by"), ("stem", "NOUN", 5, "compound", "stem"),
                  ("cells", "NOUN", 2, "obl", "cell"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "reversed"), span(doc, "Arthritis"), interventions=[span(doc, "stem cells")])
    assert r.linked and r.voice == "passive" and not r.natural


def test_an_effect_word_modifying_another_noun_is_not_linked_to_the_condition():
    # "Poor sleep and reduced appetite are common in autism."
    doc = parsed([("Poor", "ADJ", 1, "amod", "poor"), ("sleep", "NOUN", 6, "nsubj", "sleep"), ("and", "CCONJ", 4, "cc", "and"),
                  ("reduced", "VERB", 4, "amod", "reduce"), ("appetite", "NOUN", 1, "conj", "appetite"), ("are", "AUX", 6, "cop", "be"),
                  ("common", "ADJ", 6, "ROOT", "common"), ("in", "ADP", 8, "case", "in"), ("autism", "NOUN", 6, "obl", "autism"),
                  (".", "PUNCT", 6, "punct", ".")])
    assert not read(doc, span(doc, "reduced"), span(doc, "autism")).linked


def test_an_effect_that_modifies_the_condition_is_linked():
    # "Patients had reduced pain."
    doc = parsed([("Patients", "NOUN", 1, "nsubj", "patient"), ("had", "VERB", 1, "ROOT", "have"), ("reduced", "VERB", 3, "amod", "reduce"),
                  ("pain", "NOUN", 1, "obj", "pain"), (".", "PUNCT", 1, "punct", ".")])
    assert read(doc, span(doc, "reduced"), span(doc, "pain")).linked


def test_an_organ_regenerating_by_itself_is_a_natural_process():
    # "The liver can regenerate itself."
    doc = parsed([("The", "DET", 1, "det", "the"), ("liver", "NOUN", 3, "nsubj", "liver"), ("can", "AUX", 3, "aux", "can"),
                  ("regenerate", "VERB", 3, "ROOT", "regenerate"), ("itself", "PRON", 3, "obj", "itself"), (".", "PUNCT", 3, "punct", ".")])
    r = read(doc, span(doc, "regenerate"), span(doc, "liver"), natural_terms=[span(doc, "liver")])
    assert r.natural and r.agent == "other"


def test_an_organ_regenerating_after_a_treatment_is_not_a_natural_process():
    # "The liver regenerates after stem cell infusions."
    doc = parsed([("The", "DET", 1, "det", "the"), ("liver", "NOUN", 2, "nsubj", "liver"), ("regenerates", "VERB", 2, "ROOT", "regenerate"),
                  ("after", "ADP", 6, "case", "after"), ("stem", "NOUN", 5, "compound", "stem"), ("cell", "NOUN", 6, "compound", "cell"),
                  ("infusions", "NOUN", 2, "obl", "infusion"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "regenerates"), span(doc, "liver"), interventions=[span(doc, "stem cell infusions")],
             natural_terms=[span(doc, "liver")])
    assert r.linked and not r.natural


def test_a_claim_attributed_to_others_is_attributed():
    # "Some clinics claim that stem cells cure lupus."
    doc = parsed([("Some", "DET", 1, "det", "some"), ("clinics", "NOUN", 2, "nsubj", "clinic"), ("claim", "VERB", 2, "ROOT", "claim"),
                  ("that", "SCONJ", 6, "mark", "that"), ("stem", "NOUN", 5, "compound", "stem"), ("cells", "NOUN", 6, "nsubj", "cell"),
                  ("cure", "VERB", 2, "ccomp", "cure"), ("lupus", "NOUN", 6, "obj", "lupus"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "cure"), span(doc, "lupus"), interventions=[span(doc, "stem cells")])
    assert r.linked and r.modality == "attributed" and r.trigger == "claim"


def test_our_own_claim_is_not_attributed():
    # "We claim that stem cells cure lupus."
    doc = parsed([("We", "PRON", 1, "nsubj", "we"), ("claim", "VERB", 1, "ROOT", "claim"), ("that", "SCONJ", 5, "mark", "that"),
                  ("stem", "NOUN", 4, "compound", "stem"), ("cells", "NOUN", 5, "nsubj", "cell"), ("cure", "VERB", 1, "ccomp", "cure"),
                  ("lupus", "NOUN", 5, "obj", "lupus"), (".", "PUNCT", 1, "punct", ".")])
    assert read(doc, span(doc, "cure"), span(doc, "lupus")).modality is None


def _read_that(verb: str, lemma: str, mark: bool) -> Doc:
    # "Patients have {verb} [that] stem cells cure lupus."
    rows = [("Patients", "NOUN", 2, "nsubj", "patient"), ("have", "AUX", 2, "aux", "have"), (verb, "VERB", 2, "ROOT", lemma)]
    rows += [("that", "SCONJ", 6, "mark", "that")] if mark else []
    base = len(rows)
    rows += [("stem", "NOUN", base + 1, "compound", "stem"), ("cells", "NOUN", base + 2, "nsubj", "cell"),
             ("cure", "VERB", 2, "ccomp", "cure"), ("lupus", "NOUN", base + 2, "obj", "lupus"), (".", "PUNCT", 2, "punct", ".")]
    return parsed(rows)


def test_hearsay_with_its_that_clause_is_attributed():
    doc = _read_that("read", "read", mark=True)
    r = read(doc, span(doc, "cure"), span(doc, "lupus"), interventions=[span(doc, "stem cells")])
    assert r.modality == "attributed" and r.trigger == "read"


def test_read_without_a_that_clause_is_not_hearsay():
    # "Patients have read stem cells cure lupus": no "that", so no hearsay ("Read how PRP healed…" is a clinic's own story)
    doc = _read_that("read", "read", mark=False)
    assert read(doc, span(doc, "cure"), span(doc, "lupus"), interventions=[span(doc, "stem cells")]).modality is None


def test_what_a_name_implies_is_attributed():
    doc = _read_that("implied", "imply", mark=False)
    assert read(doc, span(doc, "cure"), span(doc, "lupus"), interventions=[span(doc, "stem cells")]).modality == "attributed"


def test_an_effect_that_a_trial_evaluates_is_a_question_research_asks():
    # "The trial evaluates stem cells for treating COPD."
    doc = parsed([("The", "DET", 1, "det", "the"), ("trial", "NOUN", 2, "nsubj", "trial"), ("evaluates", "VERB", 2, "ROOT", "evaluate"),
                  ("stem", "NOUN", 4, "compound", "stem"), ("cells", "NOUN", 2, "obj", "cell"), ("for", "SCONJ", 6, "mark", "for"),
                  ("treating", "VERB", 2, "advcl", "treat"), ("COPD", "PROPN", 6, "obj", "copd"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "treating"), span(doc, "COPD"), interventions=[span(doc, "stem cells")])
    assert r.linked and r.modality == "question" and r.trigger == "evaluates"


def test_what_follows_a_study_in_its_own_clause_is_asserted():
    # "We studied PRP and it heals tendons."
    doc = parsed([("We", "PRON", 1, "nsubj", "we"), ("studied", "VERB", 1, "ROOT", "study"), ("PRP", "PROPN", 1, "obj", "prp"),
                  ("and", "CCONJ", 5, "cc", "and"), ("it", "PRON", 5, "nsubj", "it"), ("heals", "VERB", 1, "conj", "heal"),
                  ("tendons", "NOUN", 5, "obj", "tendon"), (".", "PUNCT", 1, "punct", ".")])
    assert read(doc, span(doc, "heals"), span(doc, "tendons"), interventions=[span(doc, "PRP")]).modality is None


def test_a_relative_clause_under_a_study_verb_is_asserted():
    # "We compared supplements that cure diabetes."
    doc = parsed([("We", "PRON", 1, "nsubj", "we"), ("compared", "VERB", 1, "ROOT", "compare"), ("supplements", "NOUN", 1, "obj", "supplement"),
                  ("that", "PRON", 4, "nsubj", "that"), ("cure", "VERB", 2, "acl:relcl", "cure"), ("diabetes", "NOUN", 4, "obj", "diabetes"),
                  (".", "PUNCT", 1, "punct", ".")])
    assert read(doc, span(doc, "cure"), span(doc, "diabetes"), interventions=[span(doc, "supplements")]).modality is None


def _promise_of(verb: str, lemma: str) -> Doc:
    # "Herbs {verb} promise in curing lupus."
    return parsed([("Herbs", "NOUN", 1, "nsubj", "herb"), (verb, "VERB", 1, "ROOT", lemma), ("promise", "NOUN", 1, "obj", "promise"),
                   ("in", "SCONJ", 4, "mark", "in"), ("curing", "VERB", 2, "acl", "cure"), ("lupus", "NOUN", 4, "obj", "lupus"),
                   (".", "PUNCT", 1, "punct", ".")])


def test_a_claim_named_as_someones_promise_is_attributed():
    doc = _promise_of("make", "make")
    r = read(doc, span(doc, "curing"), span(doc, "lupus"), interventions=[span(doc, "Herbs")])
    assert r.modality == "attributed" and r.trigger == "promise"


def test_a_promise_shown_is_a_hedge_not_an_attribution():
    doc = _promise_of("show", "show")
    assert read(doc, span(doc, "curing"), span(doc, "lupus"), interventions=[span(doc, "Herbs")]).modality is None


def _noun_to_repair(verb: str, lemma: str, noun: str) -> Reading:
    # "Cells {verb} the {noun} to repair tissue."
    doc = parsed([("Cells", "NOUN", 1, "nsubj", "cell"), (verb, "VERB", 1, "ROOT", lemma), ("the", "DET", 3, "det", "the"),
                  (noun, "NOUN", 1, "obj", noun), ("to", "PART", 5, "mark", "to"), ("repair", "VERB", 3, "acl", "repair"),
                  ("tissue", "NOUN", 5, "obj", "tissue"), (".", "PUNCT", 1, "punct", ".")])
    return read(doc, span(doc, "repair"), span(doc, "tissue"), interventions=[span(doc, "Cells")])


def test_what_cells_have_the_ability_to_do_is_a_capability():
    assert _noun_to_repair("have", "have", "ability").capability


def test_a_role_played_is_not_a_capability():
    # "Cells play the role to repair tissue": a part in the effect, claimed
    assert not _noun_to_repair("play", "play", "role").capability


def test_a_question_is_a_question():
    # "Can stem cells cure lupus?"
    doc = parsed([("Can", "AUX", 3, "aux", "can"), ("stem", "NOUN", 2, "compound", "stem"), ("cells", "NOUN", 3, "nsubj", "cell"),
                  ("cure", "VERB", 3, "ROOT", "cure"), ("lupus", "NOUN", 3, "obj", "lupus"), ("?", "PUNCT", 3, "punct", "?")])
    r = read(doc, span(doc, "cure"), span(doc, "lupus"))
    assert r.linked and r.modality == "question"


@pytest.mark.parametrize("rows, effect", [
    # "There is no cure for lupus."
    ([("There", "PRON", 1, "expl", "there"), ("is", "VERB", 1, "ROOT", "be"), ("no", "DET", 3, "det", "no"),
      ("cure", "NOUN", 1, "nsubj", "cure"), ("for", "ADP", 5, "case", "for"), ("lupus", "NOUN", 3, "nmod", "lupus"),
      (".", "PUNCT", 1, "punct", ".")], "cure"),
    # "Stem cells do not cure lupus."
    ([("Stem", "NOUN", 1, "compound", "stem"), ("cells", "NOUN", 4, "nsubj", "cell"), ("do", "AUX", 4, "aux", "do"),
      ("not", "PART", 4, "advmod", "not"), ("cure", "VERB", 4, "ROOT", "cure"), ("lupus", "NOUN", 4, "obj", "lupus"),
      (".", "PUNCT", 4, "punct", ".")], "cure"),
])
def test_negation_that_governs_the_effect(rows, effect):
    doc = parsed(rows)
    r = read(doc, span(doc, effect), span(doc, "lupus"))
    assert r.linked and r.modality == "negated"


def test_negation_elsewhere_in_the_sentence_does_not_negate_the_claim():
    # "Stem cells cure lupus, not just its symptoms."
    doc = parsed([("Stem", "NOUN", 1, "compound", "stem"), ("cells", "NOUN", 2, "nsubj", "cell"), ("cure", "VERB", 2, "ROOT", "cure"),
                  ("lupus", "NOUN", 2, "obj", "lupus"), (",", "PUNCT", 8, "punct", ","), ("not", "PART", 8, "advmod", "not"),
                  ("just", "ADV", 8, "advmod", "just"), ("its", "PRON", 8, "nmod:poss", "its"), ("symptoms", "NOUN", 3, "conj", "symptom"),
                  (".", "PUNCT", 2, "punct", ".")])
    assert read(doc, span(doc, "cure"), span(doc, "lupus")).modality is None


def test_a_heading_without_a_verb_is_an_offer():
    # "Stem Cell Therapy for COPD"
    doc = parsed([("Stem", "PROPN", 2, "compound", "stem"), ("Cell", "PROPN", 2, "compound", "cell"), ("Therapy", "PROPN", 2, "ROOT", "therapy"),
                  ("for", "ADP", 4, "case", "for"), ("COPD", "PROPN", 2, "nmod", "copd")])
    r = read(doc, span(doc, "Therapy for"), span(doc, "COPD"))
    assert r.linked and r.modality == "offer"


def _treatment_for(rows):
    doc = parsed(rows)
    return read(doc, span(doc, "treatment for"), span(doc, "ED"))


def test_a_treatment_noun_said_of_the_intervention_is_asserted():
    # "PRP is a treatment for ED."
    r = _treatment_for([("PRP", "PROPN", 3, "nsubj", "prp"), ("is", "AUX", 3, "cop", "be"), ("a", "DET", 3, "det", "a"),
                        ("treatment", "NOUN", 3, "ROOT", "treatment"), ("for", "ADP", 5, "case", "for"), ("ED", "PROPN", 3, "nmod", "ed"),
                        (".", "PUNCT", 3, "punct", ".")])
    assert r.linked and r.asserted


def test_a_treatment_noun_that_only_names_a_topic_is_not_asserted():
    # "Patients needing treatment for ED must see a specialist."
    r = _treatment_for([("Patients", "NOUN", 5, "nsubj", "patient"), ("needing", "VERB", 0, "acl", "need"),
                        ("treatment", "NOUN", 1, "obj", "treatment"), ("for", "ADP", 4, "case", "for"), ("ED", "PROPN", 2, "nmod", "ed"),
                        ("must", "AUX", 5, "aux", "must"), ("see", "VERB", 5, "ROOT", "see"), ("a", "DET", 7, "det", "a"),
                        ("specialist", "NOUN", 5, "obj", "specialist"), (".", "PUNCT", 5, "punct", ".")])
    assert r.linked and not r.asserted


def _treatment_for_subject_of(verb: str, lemma: str) -> Reading:
    # "The treatment for ED {verb} quickly."
    return _treatment_for([("The", "DET", 1, "det", "the"), ("treatment", "NOUN", 4, "nsubj", "treatment"),
                           ("for", "ADP", 3, "case", "for"), ("ED", "PROPN", 1, "nmod", "ed"), (verb, "VERB", 4, "ROOT", lemma),
                           ("quickly", "ADV", 4, "advmod", "quickly"), (".", "PUNCT", 4, "punct", ".")])


def test_a_treatment_noun_as_the_subject_of_a_verb_that_brings_nothing_about_is_a_topic():
    assert not _treatment_for_subject_of("varies", "vary").asserted


@pytest.mark.parametrize(("verb", "lemma"), [("works", "work"), ("helps", "help")])
def test_a_treatment_noun_as_the_subject_of_a_verb_that_delivers_is_asserted(verb, lemma):
    assert _treatment_for_subject_of(verb, lemma).asserted


def test_according_to_someone_else_is_attributed():
    # "According to sellers, the pills cure ED."
    doc = parsed([("According", "VERB", 2, "case", "accord"), ("to", "ADP", 0, "fixed", "to"), ("sellers", "NOUN", 6, "obl", "seller"),
                  (",", "PUNCT", 6, "punct", ","), ("the", "DET", 5, "det", "the"), ("pills", "NOUN", 6, "nsubj", "pill"),
                  ("cure", "VERB", 6, "ROOT", "cure"), ("ED", "PROPN", 6, "obj", "ed"), (".", "PUNCT", 6, "punct", ".")])
    r = read(doc, span(doc, "cure"), span(doc, "ED"))
    assert r.modality == "attributed" and r.trigger == "sellers"


def test_not_only_adds_rather_than_denies():
    # "PRP offers not only relief from pain."
    doc = parsed([("PRP", "PROPN", 1, "nsubj", "prp"), ("offers", "VERB", 1, "ROOT", "offer"), ("not", "PART", 4, "advmod", "not"),
                  ("only", "ADV", 4, "advmod", "only"), ("relief", "NOUN", 1, "obj", "relief"), ("from", "ADP", 6, "case", "from"),
                  ("pain", "NOUN", 4, "nmod", "pain"), (".", "PUNCT", 1, "punct", ".")])
    r = read(doc, span(doc, "relief from"), span(doc, "pain"))
    assert r.linked and r.asserted and r.modality is None



def test_an_effect_verb_the_tagger_read_as_a_noun_is_read_as_the_verb():
    # "PRP regenerates cartilage." with regenerates tagged NOUN and attached wrongly
    doc = parsed([("PRP", "NOUN", 2, "compound", "prp"), ("regenerates", "NOUN", 2, "compound", "regenerate"),
                  ("cartilage", "NOUN", 2, "ROOT", "cartilage"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "regenerates"), span(doc, "cartilage"), interventions=[span(doc, "PRP")], effect_verbs=frozenset({"regenerate"}))
    assert r.linked and r.asserted and r.modality is None
    assert r.verbal and r.agent == "intervention"  # the noun phrase before the verb does it


def test_a_misread_effect_verb_after_a_noun_that_is_no_treatment_has_another_agent():
    # "Knee cartilage regenerates slowly." with regenerates tagged NOUN
    doc = parsed([("Knee", "NOUN", 1, "compound", "knee"), ("cartilage", "NOUN", 2, "compound", "cartilage"),
                  ("regenerates", "NOUN", 2, "ROOT", "regenerate"), ("slowly", "ADV", 2, "advmod", "slowly"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "regenerates"), span(doc, "Knee cartilage"), interventions=[], effect_verbs=frozenset({"regenerate"}))
    assert r.agent == "other"


def test_the_subject_of_a_purpose_clause_is_the_subject_of_the_verb_it_serves():
    # "The treatment uses your own cells to speed healing of tendons."
    doc = parsed([("The", "DET", 1, "det", "the"), ("treatment", "NOUN", 2, "nsubj", "treatment"), ("uses", "VERB", 2, "ROOT", "use"),
                  ("your", "PRON", 5, "nmod:poss", "your"), ("own", "ADJ", 5, "amod", "own"), ("cells", "NOUN", 2, "obj", "cell"),
                  ("to", "PART", 7, "mark", "to"), ("speed", "VERB", 2, "advcl", "speed"), ("healing", "NOUN", 7, "obj", "healing"),
                  ("of", "ADP", 10, "case", "of"), ("tendons", "NOUN", 8, "nmod", "tendon"), (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "speed"), span(doc, "tendons"), anaphors=[span(doc, "The treatment")])
    assert r.linked and r.agent == "anaphor" and r.verbal


def test_a_target_the_parser_hung_on_the_governing_verb_is_linked_to_the_effect_it_completes():
    # "Cells can be used to treat conditions, including leukemia." with leukemia attached to "used"
    doc = parsed([("Cells", "NOUN", 3, "nsubj:pass", "cell"), ("can", "AUX", 3, "aux", "can"), ("be", "AUX", 3, "aux:pass", "be"),
                  ("used", "VERB", 3, "ROOT", "use"), ("to", "PART", 5, "mark", "to"), ("treat", "VERB", 3, "xcomp", "treat"),
                  ("conditions", "NOUN", 5, "obj", "condition"), (",", "PUNCT", 9, "punct", ","), ("including", "VERB", 9, "case", "include"),
                  ("leukemia", "NOUN", 3, "obl", "leukemia"), (".", "PUNCT", 3, "punct", ".")])
    assert read(doc, span(doc, "treat"), span(doc, "leukemia")).linked
    # but not a target before the effect ("For leukemia, cells are used to treat…" reads the other way round)
    doc = parsed([("Leukemia", "NOUN", 1, "obl", "leukemia"), ("worries", "VERB", 1, "ROOT", "worry"), ("people", "NOUN", 1, "obj", "people"),
                  ("to", "PART", 4, "mark", "to"), ("treat", "VERB", 1, "xcomp", "treat"), ("it", "PRON", 4, "obj", "it"), (".", "PUNCT", 1, "punct", ".")])
    assert not read(doc, span(doc, "treat"), span(doc, "Leukemia")).linked


def test_a_plural_noun_that_is_not_an_effect_verb_stays_a_noun():
    # "Stem cell treatments for COPD" (a heading: treatments is a noun, not the verb "treat")
    doc = parsed([("Stem", "NOUN", 1, "compound", "stem"), ("cell", "NOUN", 2, "compound", "cell"), ("treatments", "NOUN", 2, "ROOT", "treatment"),
                  ("for", "ADP", 4, "case", "for"), ("COPD", "PROPN", 2, "nmod", "copd")])
    r = read(doc, span(doc, "treatments for"), span(doc, "COPD"), effect_verbs=frozenset({"treat"}))
    assert r.modality == "offer"


def test_a_condition_named_in_the_subject_of_the_effect_clause_is_linked():
    # "Patients with lupus showed improvement."
    doc = parsed([("Patients", "NOUN", 3, "nsubj", "patient"), ("with", "ADP", 2, "case", "with"), ("lupus", "NOUN", 0, "nmod", "lupus"),
                  ("showed", "VERB", 3, "ROOT", "show"), ("improvement", "NOUN", 3, "obj", "improvement"), (".", "PUNCT", 3, "punct", ".")])
    r = read(doc, span(doc, "improvement"), span(doc, "lupus"))
    assert r.linked and r.asserted


def test_sentence_without_effect_form_is_not_parsed():
    """A sentence naming a treatment and a condition but no form of an effect verb cannot yield a
    claim by lemma, so it is never handed to the parser (parsing is the scan's largest cost)."""
    from checker.analyze import Analyzer
    from checker.claims import extract_claims
    from checker.ingest import page_from_text
    from checker.nlp.pipeline import annotate

    seen: list[str] = []

    def spy(texts):  # records what would be parsed; parses nothing
        seen.extend(texts)
        return [None] * len(texts)

    analyzer = Analyzer()
    page = page_from_text("Stem cell therapy and arthritis were the topics of the talk.\n\nOur stem cells fought arthritis.", format="text")
    ann = annotate(page, analyzer.nlp, [analyzer.matchers], key_terms=analyzer.key_terms)
    extract_claims(page, ann, analyzer.lexicon, parse=spy)
    assert seen == ["Our stem cells fought arthritis."]


def test_a_main_verb_left_without_a_subject_is_done_by_the_noun_before_it():
    # "Garlic cures colds." with Garlic hung on the verb as a compound
    doc = parsed([("Garlic", "NOUN", 1, "compound", "garlic"), ("cures", "VERB", 1, "ROOT", "cure"), ("colds", "NOUN", 1, "obj", "cold"),
                  (".", "PUNCT", 1, "punct", ".")])
    r = read(doc, span(doc, "cures"), span(doc, "colds"))
    assert r.linked and r.agent == "other" and r.agent_span == span(doc, "Garlic") and not r.natural


def test_an_effect_verb_after_an_infinitive_to_is_read_as_the_verb():
    # "It was shown to repair nerves." with repair tagged NOUN after "to" tagged ADP
    doc = parsed([("It", "PRON", 2, "nsubj:pass", "it"), ("was", "AUX", 2, "aux:pass", "be"), ("shown", "VERB", 2, "ROOT", "show"),
                  ("to", "ADP", 5, "case", "to"), ("repair", "NOUN", 5, "compound", "repair"), ("nerves", "NOUN", 2, "obl", "nerve"),
                  (".", "PUNCT", 2, "punct", ".")])
    r = read(doc, span(doc, "repair"), span(doc, "nerves"), effect_verbs=frozenset({"repair"}))
    assert r.linked and r.verbal


def test_the_object_of_help_is_who_heals_so_no_subject_is_offered_as_the_treatment():
    # "Rest helps the ankle heal."
    doc = parsed([("Rest", "NOUN", 1, "nsubj", "rest"), ("helps", "VERB", 1, "ROOT", "help"), ("the", "DET", 3, "det", "the"),
                  ("ankle", "NOUN", 1, "obj", "ankle"), ("heal", "VERB", 1, "xcomp", "heal"), (".", "PUNCT", 1, "punct", ".")])
    r = read(doc, span(doc, "heal"), span(doc, "ankle"))
    assert r.agent == "other" and r.agent_span is None


def test_a_verb_tagged_as_a_noun_after_a_plural_subject_is_read_as_the_verb():
    """"cord cells heal/NOUN torn cuffs": plural (the morphologizer's Number=Plur) before an
    uninflected effect verb read as a noun; after a singular noun it stays a noun ("cell heal")."""
    from checker.structure import mistagged_verb

    def doc(number: str) -> Doc:
        return Doc(_VOCAB, words=["cord", "cells", "heal", "cuffs"], pos=["NOUN", "NOUN", "NOUN", "NOUN"],
                   morphs=["Number=Sing", f"Number={number}", "Number=Sing", "Number=Plur"])

    assert mistagged_verb(doc("Plur")[2], frozenset({"heal"}))
    assert not mistagged_verb(doc("Sing")[2], frozenset({"heal"}))
    assert not mistagged_verb(doc("Plur")[2], frozenset({"cure"}))
