"""The condition knowledge base and the other lexicons: approved uses are never flagged as unproven,
synonyms, abbreviations and inflected forms resolve to the right entry and status, every condition
has a status and a cited source, and a broken lexicon file is an error naming the file and key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from checker.errors import RuleFileError
from checker.ingest import page_from_text
from checker.lexicon import CONDITION_STATUSES, load_lexicon
from checker.nlp.pipeline import annotate
from checker.paths import lexicons_dir

ROOT = Path(__file__).resolve().parent.parent
UNPROVEN = {"UNP001", "UNP002", "UNP003", "UNR002", "UNR003"}


def mentions(analyzer, text: str, label: str):
    ann = annotate(page_from_text(text), analyzer.nlp)
    return [m for m in ann.mentions if m.label == label]


def resolve(analyzer, text: str, term: str, label: str = "CONDITION"):
    """The mention covering `term` inside `text`."""
    start = text.index(term)
    found = [m for m in mentions(analyzer, text, label) if m.start <= start < m.end]
    assert found, f"{term!r} in {text!r} is not marked {label}"
    return found[0]


# --- approved uses are never unproven ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Bone marrow transplants can cure some leukemias.",
    "Hematopoietic stem cell transplantation treats leukemia, lymphoma and multiple myeloma.",
    "A cord blood transplant can cure sickle cell anemia in children.",
    "Stem cell transplants restore blood production in severe aplastic anemia.",
    "Omisirge helps patients with blood cancers recover after a transplant.",
    "Ryoncil treats steroid-refractory acute GVHD in children.",
    "An HSCT can cure thalassemia and some inherited immune disorders such as SCID.",
    "Blood stem cell transplants can cure myelodysplastic syndromes.",
])
def test_approved_use_is_never_flagged_as_unproven(check, text):
    report = check(text)
    assert report.claims, f"no claim found in {text!r}"
    assert all(c.condition_status == "approved" for c in report.claims if c.condition)
    assert not {f.rule for f in report.findings} & UNPROVEN


def test_same_claim_for_an_unapproved_use_is_flagged(check):
    rules = {f.rule for f in check("Bone marrow stem cells can cure multiple sclerosis.").findings}
    assert "UNP001" in rules


# --- synonyms, abbreviations, inflections ------------------------------------------------------

@pytest.mark.parametrize(("text", "term", "key", "status"), [
    ("Stem cells for MS are sold in many clinics.", "MS", "multiple_sclerosis", "not_approved"),
    ("Injections for knee arthritis are common.", "knee arthritis", "osteoarthritis", "not_approved"),
    ("Injections for arthritic knees are common.", "arthritic knees", "osteoarthritis", "not_approved"),
    ("People with Parkinson's often ask about it.", "Parkinson's", "parkinsons", "not_approved"),
    ("People with Parkinson’s often ask about it.", "Parkinson’s", "parkinsons", "not_approved"),
    ("Families of children with T1D ask about it.", "T1D", "type1_diabetes", "not_approved"),
    ("Type-1 diabetes is an autoimmune disease.", "Type-1 diabetes", "type1_diabetes", "not_approved"),
    ("Many adults have type 2 diabetes.", "type 2 diabetes", "type2_diabetes", "not_approved"),
    ("Lou Gehrig's disease is another name for it.", "Lou Gehrig's disease", "als", "not_approved"),
    ("Clinics sell infusions for ALS.", "ALS", "als", "not_approved"),
    ("Alzheimer’s disease is common.", "Alzheimer’s disease", "alzheimers", "not_approved"),
    ("Clinics target autism spectrum disorder.", "autism spectrum disorder", "autism", "not_approved"),
    ("It is sold for macular degeneration.", "macular degeneration", "macular_degeneration", "not_approved"),
    ("It is sold for blindness.", "blindness", "macular_degeneration", "not_approved"),
    ("It is sold for COPD and emphysema.", "emphysema", "copd", "not_approved"),
    ("It is sold for long COVID.", "long COVID", "covid", "not_approved"),
    ("It is sold for ARDS.", "ARDS", "covid", "not_approved"),
    ("It is sold for tennis elbow.", "tennis elbow", "tendon_injury", "not_approved"),
    ("It is sold for degenerative disc disease.", "degenerative disc disease", "disc_disease", "not_approved"),
    ("It is sold for lower back pain.", "lower back pain", "joint_pain", "not_approved"),
    ("It is sold for shoulder pain.", "shoulder pain", "joint_pain", "not_approved"),
    ("It is sold for heart failure.", "heart failure", "heart_disease", "not_approved"),
    ("It is sold for epilepsy.", "epilepsy", "epilepsy", "not_approved"),
    ("It is sold after a stroke.", "stroke", "stroke", "not_approved"),
    ("It is sold for chronic pain.", "chronic pain", "chronic_pain", "not_approved"),
    ("It is sold for chronic fatigue.", "chronic fatigue", "fatigue", "not_approved"),
    ("It is sold for lupus.", "lupus", "lupus", "not_approved"),
    ("It is sold for rheumatoid arthritis.", "rheumatoid arthritis", "rheumatoid_arthritis", "not_approved"),
    ("It is sold for Crohn's disease.", "Crohn's disease", "crohns", "not_approved"),
    ("It is sold for liver cirrhosis.", "liver cirrhosis", "liver_disease", "not_approved"),
    ("It is sold for fatty liver disease.", "fatty liver disease", "liver_disease", "not_approved"),
    ("It is sold for autoimmune diseases.", "autoimmune diseases", "autoimmune", "not_approved"),
    ("Transplants treat leukemias.", "leukemias", "leukemia", "approved"),
    ("Transplants treat blood cancers.", "blood cancers", "leukemia", "approved"),
    ("Transplants treat non-Hodgkin lymphoma.", "non-Hodgkin lymphoma", "lymphoma", "approved"),
    ("Transplants treat blood-forming disorders.", "blood-forming disorders", "blood_disorders", "approved"),
    ("Transplants treat sickle cell disease.", "sickle cell disease", "sickle_cell", "approved"),
    ("Omisirge is approved for severe aplastic anemia.", "severe aplastic anemia", "aplastic_anemia", "approved"),
    ("Ryoncil is approved for steroid-refractory acute GVHD.", "steroid-refractory acute GVHD", "acute_gvhd", "approved"),
])
def test_condition_synonyms_resolve(analyzer, text, term, key, status):
    mention = resolve(analyzer, text, term)
    assert mention.key == key
    assert analyzer.lexicon.attrs("CONDITION", key)["status"] == status


@pytest.mark.parametrize("text", ["The scan took 40 ms.", "Ms Lopez will call you.", "We treat all patients kindly."])
def test_abbreviations_match_only_in_capitals(analyzer, text):
    assert not [m for m in mentions(analyzer, text, "CONDITION") if m.key in {"multiple_sclerosis", "als"}]


@pytest.mark.parametrize(("term", "key"), [
    ("stem cells", "stem_cells"), ("stem-cell injection", "stem_cells"), ("MSCs", "msc"),
    ("mesenchymal stem cells", "msc"), ("SVF", "svf"), ("stromal vascular fraction", "svf"),
    ("PRP", "prp"), ("platelet-rich plasma", "prp"), ("exosomes", "exosomes"), ("exosome injections", "exosomes"),
    ("umbilical cord stem cells", "umbilical"), ("Wharton's jelly", "umbilical"), ("amniotic fluid", "amniotic"),
    ("regenerative medicine", "regenerative_medicine"), ("IV infusions", "iv_infusion"), ("NAD+ infusion", "iv_infusion"),
    ("bone marrow transplant", "hsct"), ("Ryoncil", "approved_product"), ("Omisirge", "approved_product"),
])
def test_interventions_resolve(analyzer, term, key):
    text = f"We discussed {term} with the patient."
    assert resolve(analyzer, text, term, "INTERVENTION").key == key


@pytest.mark.parametrize(("form", "cls"), [
    (f, cls)
    for cls, forms in {
        "cure": ["cure", "cures", "cured", "curing"],
        "heal": ["heal", "heals", "healed", "healing"],
        "reverse": ["reverse", "reverses", "reversed", "reversing"],
        "regenerate": ["regenerate", "regenerates", "regenerated", "regenerating", "regrow", "rebuilt"],
        "repair": ["repair", "repairs", "repaired", "repairing", "fixes"],
        "restore": ["restore", "restores", "restored", "restoring"],
        "treat": ["treat", "treats", "treated", "treating"],
        "relieve": ["relieve", "relieves", "relieved", "relieving", "alleviates", "eases"],
        "eliminate": ["eliminate", "eliminates", "eliminated", "eliminating", "wipes out", "gets rid of"],
    }.items()
    for f in forms
])
def test_effect_inflections(analyzer, form, cls):
    text = f"The product {form} knee arthritis."
    effect = resolve(analyzer, text, form, "EFFECT")
    assert analyzer.lexicon.attrs("EFFECT", effect.key)["class"] == cls


@pytest.mark.parametrize(("text", "category"), [
    ("Stem cells may help knee pain.", "HEDGE"),
    ("Stem cells could potentially help knee pain.", "HEDGE"),
    ("In animal studies, stem cells regenerated cartilage.", "HEDGE"),
    ("Stem cells are guaranteed to help knee pain.", "AMPLIFIER"),
    ("Be wary of clinics that promise a cure.", "HYPOTHETICAL"),
    ("Patients report less knee pain.", "REPORTED"),
])
def test_qualifiers(analyzer, text, category):
    ann = annotate(page_from_text(text), analyzer.nlp)
    assert category in {q.category for q in ann.qualifiers}


@pytest.mark.parametrize(("text", "modality"), [
    ("Stem cells may regenerate cartilage in knee arthritis.", "hedged"),
    ("Stem cells do not regenerate cartilage in knee arthritis.", "negated"),
    ("Stem cells regenerate cartilage in knee arthritis.", "asserted"),
    ("Beware of clinics claiming stem cells regenerate cartilage in knee arthritis.", "hypothetical"),
])
def test_hedge_scope_sets_claim_modality(check, text, modality):
    claims = check(text).claims
    assert claims and claims[0].modality == modality


# --- the knowledge base itself ---------------------------------------------------------------

def test_every_condition_has_status_and_cited_source():
    lexicon = load_lexicon()
    refs = (ROOT / "rules" / "REFERENCES.md").read_text(encoding="utf-8")
    keys = set(re.findall(r"^\| ([A-Za-z0-9-]+) \|", refs, flags=re.M))
    conditions = lexicon.labelled("CONDITION")
    assert len(conditions) >= 40
    for entry in conditions:
        assert entry.attrs.get("status") in CONDITION_STATUSES, entry.key
        assert entry.attrs.get("source") in keys, f"{entry.key}: source {entry.attrs.get('source')!r} is not in rules/REFERENCES.md"
        assert entry.attrs.get("category") and entry.attrs.get("system"), entry.key


def test_approved_entries_are_only_the_narrow_blood_and_transplant_uses():
    approved = {e.key for e in load_lexicon().labelled("CONDITION") if e.attrs["status"] == "approved"}
    assert approved <= {"leukemia", "lymphoma", "myeloma", "blood_disorders", "sickle_cell", "thalassemia",
                        "aplastic_anemia", "acute_gvhd", "immune_deficiency"}
    assert {"leukemia", "blood_disorders", "acute_gvhd", "aplastic_anemia"} <= approved


def test_no_term_is_claimed_by_two_conditions():
    seen: dict[str, str] = {}
    for entry in load_lexicon().labelled("CONDITION"):
        for term in entry.terms:
            norm = term.lower().replace("’", "'")
            assert seen.setdefault(norm, entry.key) == entry.key, f"{term!r} is in {seen[norm]} and {entry.key}"


# --- broken lexicon files are errors naming the file and key --------------------------------------

@pytest.fixture
def lexicon_copy(tmp_path):
    target = tmp_path / "lexicons"
    shutil.copytree(lexicons_dir(), target)
    return target


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("filename", "old", "new", "key", "words", "code"), [
    ("conditions.yml", "attrs: {status: approved, category: blood, system: blood, source: FDA-CU}",
     "attrs: {category: blood, system: blood, source: FDA-CU}", "entries.0.attrs.status", "status must be one of", "E537"),
    ("conditions.yml", "attrs: {status: approved, category: blood, system: blood, source: FDA-CU}",
     "attrs: {status: maybe, category: blood, system: blood, source: FDA-CU}", "entries.0.attrs.status", "status must be one of", "E537"),
    ("conditions.yml", "  - key: lymphoma\n", "  - key: leukemia\n", "entries.1.key", "duplicate key", "E536"),
    ("conditions.yml", "  - key: lymphoma\n", "  - key: lymphoma\n    colour: red\n", "entries.1.colour", "unknown key", "E505"),
    ("conditions.yml", "label: CONDITION", "label: DISEASE", "label", "Input should be", "E504"),
    ("prices.yml", "regex: ['[$", "regex: ['(?<=x)[$", "entries.0.regex.0", "bad regex", "E501"),
    ("qualifiers.yml", "category: HEDGE", "category: MAYBE", "entries.0.category", "Input should be", "E504"),
    ("negation.yml", "termset: en_clinical", "termset: fr", "termset", "Input should be", "E504"),
    ("subjects.yml", "not_treatments: [", "not_treatment: [", "not_treatments", "Field required", "E504"),
    ("effects.yml", "label: EFFECT", "label: EFFECT\n  nested: [", "line 2", "invalid YAML", "E532"),
])
def test_broken_lexicon_names_file_and_key(lexicon_copy, filename, old, new, key, words, code):
    path = lexicon_copy / filename
    break_file(path, old, new)
    with pytest.raises(RuleFileError) as info:
        load_lexicon(lexicon_copy)
    message = str(info.value)
    assert message.startswith(f"[{code}] {path}: {key}: "), message
    assert words in message and "\n" not in message


def test_python_tag_in_a_lexicon_is_refused(lexicon_copy, tmp_path):
    marker = tmp_path / "executed"
    path = lexicon_copy / "urls.yml"
    path.write_text(path.read_text() + f"evil: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(RuleFileError, match="invalid YAML") as info:
        load_lexicon(lexicon_copy)
    assert str(path) in str(info.value) and not marker.exists()


def test_missing_qualifiers_file(lexicon_copy):
    (lexicon_copy / "qualifiers.yml").unlink()
    with pytest.raises(RuleFileError, match="qualifiers.yml is missing"):
        load_lexicon(lexicon_copy)


def test_a_lexicon_folder_without_subjects_uses_the_shipped_ones(lexicon_copy):
    (lexicon_copy / "subjects.yml").unlink()
    shipped = load_lexicon(None).not_treatments
    assert shipped and load_lexicon(lexicon_copy).not_treatments == shipped
