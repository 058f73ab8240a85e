"""`checker eval`: metrics on hand-built examples, the harness's unit definitions, the CLI's exit
codes, and the measured figures on the held-out test split (asserted at the floors reached)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from checker.evaluate.metrics import Confusion, roc_auc
from checker.types import Claim, Explanation, Finding, Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "clinic-claims"


# --- metrics -----------------------------------------------------------------------------------

def test_precision_recall_f1_by_hand():
    gold = [True, True, True, False, False, False]
    pred = [True, True, False, True, False, False]
    c = Confusion.of(gold, pred)
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 2)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3) and c.f1 == pytest.approx(2 / 3)
    assert Confusion.of([False], [False]).f1 == 0.0
    assert (c + c).tp == 4


def test_roc_auc_by_hand_and_against_sklearn():
    assert roc_auc([True, True, False, False], [0.9, 0.8, 0.3, 0.1]) == 1.0
    assert roc_auc([True, False], [0.2, 0.8]) == 0.0
    assert roc_auc([True, False, True, False], [0.5, 0.5, 0.5, 0.5]) == 0.5  # ties count half
    assert roc_auc([True, False, False], [0.6, 0.6, 0.2]) == pytest.approx(0.75)
    assert roc_auc([True, True], [0.1, 0.2]) is None
    from sklearn.metrics import roc_auc_score

    rng = random.Random(4)
    y = [rng.random() < 0.4 for _ in range(200)]
    s = [round(rng.random() * 10) for _ in range(200)]  # many ties
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


# --- the harness on a hand-built corpus ----------------------------------------------------------

PAGE = ("Our stem cells cure multiple sclerosis. The clinic opens at nine. Book a free consultation today. "
        "Stem cells may help knee pain in early trials. We serve coffee.")
DOC = {
    "id": "t-001", "file": "texts/t-001.txt", "format": "txt", "genre": "clinic_marketing", "topic": "t",
    "label": "problematic", "split": "test", "part": "a",
    "sentences": [
        {"text": "Our stem cells cure multiple sclerosis.", "claim": True, "problematic": True, "tags": ["cure_claim"]},
        {"text": "Book a free consultation today.", "claim": False, "problematic": True, "tags": ["cta"]},
        {"text": "Stem cells may help knee pain in early trials.", "claim": True, "problematic": False, "tags": ["hedged"]},
    ],
}
CREDIBLE = {**DOC, "id": "t-002", "file": "texts/t-002.txt", "label": "credible", "sentences": []}


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "texts").mkdir(parents=True)
    (tmp_path / "texts" / "t-001.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "texts" / "t-002.txt").write_text("We serve coffee. The clinic opens at nine.", encoding="utf-8")
    (tmp_path / "corpus.jsonl").write_text(json.dumps(DOC) + "\n" + json.dumps(CREDIBLE) + "\n", encoding="utf-8")
    return tmp_path


def _span(text: str) -> tuple[int, int]:
    start = PAGE.index(text)
    return start, start + len(text)


def _claim(text: str, modality: str = "asserted", status: str = "not_approved") -> Claim:
    s, e = _span(text)
    return Claim(text, s, e, "stem cells", "explicit", "cure", "cure", "x", "x", status, "explicit", None, modality)  # type: ignore[arg-type]


def _finding(text: str, severity: str, rule: str = "R1") -> Finding:
    s, e = _span(text)
    return Finding(rule, "r", "p", severity, 1.0, "m", s, e, text, Explanation("w", (), 0.0, "s"))  # type: ignore[arg-type]


class StubAnalyzer:
    """Real sentence splitting; hand-made claims, findings and scores."""

    def __init__(self, reports: dict[str, tuple[list[Claim], list[Finding], int]]):
        from checker.nlp.pipeline import build_nlp

        self.nlp = build_nlp()
        self.ruleset = SimpleNamespace(rules=())
        self.page_rules = frozenset()
        self.reports = reports

    def check_page(self, page):  # type: ignore[no-untyped-def]
        claims, findings, score = self.reports[Path(page.source).stem]
        return Report(page.source, "text", "utf-8", (), 0, score, "x", tuple(claims), tuple(findings), (), (), page)


def test_harness_units_and_predictions_by_hand(tmp_path):
    from checker.evaluate.harness import evaluate_corpus

    corpus = _corpus(tmp_path)
    stub = StubAnalyzer({
        # claim: the cure sentence (TP) and the coffee sentence (FP); the hedged claim is missed (FN).
        # problematic: the cure claim (asserted, not approved) is TP, a low finding on the CTA does not
        # count (FN), a medium finding on "opens at nine" is an FP.
        "t-001": ([_claim("Our stem cells cure multiple sclerosis."), _claim("We serve coffee.", status="approved"),
                   _claim("Stem cells may help knee pain in early trials.", modality="negated")],
                  [_finding("Book a free consultation today.", "low"), _finding("The clinic opens at nine.", "medium")], 20),
        "t-002": ([], [], 80),
    })
    result = evaluate_corpus(corpus, splits=["test"], configurations={"stub": lambda: stub})
    r = result["configurations"]["stub"]
    # units: 3 labelled sentences + 2 unlabelled sentences in t-001, 2 unlabelled in t-002
    assert r["units"] == 7 and r["labelled_sentences"] == 3
    assert (r["claims"]["tp"], r["claims"]["fp"], r["claims"]["fn"], r["claims"]["tn"]) == (1, 1, 1, 4)
    assert (r["problematic"]["tp"], r["problematic"]["fp"], r["problematic"]["fn"], r["problematic"]["tn"]) == (1, 1, 1, 4)
    assert r["document"]["auc"] == 1.0 and r["document"]["false_flag_rate"] == 0.0
    assert r["document"]["confusion"] == {"problematic_flagged": 1, "credible_flagged": 0, "problematic_passed": 0,
                                          "credible_passed": 1}
    assert r["rules"]["R1"]["fired"] == 2 and r["rules"]["R1"]["problematic_precision"] == 0.5
    assert r["unlocated_sentences"] == []
    assert r["styles"]["seen_styles"]["documents"] == 2 and r["styles"]["held_out_social_post"] is None
    assert r["targets"]["document_auc"]["met"] is True and r["targets"]["claim_f1"]["met"] is False


def test_rule_tag_precision(tmp_path):
    from checker.evaluate.harness import evaluate_corpus

    stub = StubAnalyzer({
        "t-001": ([], [_finding("Our stem cells cure multiple sclerosis.", "high", "UNP001"),
                       _finding("Book a free consultation today.", "high", "UNP001")], 20),
        "t-002": ([], [], 80),
    })
    r = evaluate_corpus(_corpus(tmp_path), splits=["test"], configurations={"stub": lambda: stub})["configurations"]["stub"]
    assert r["rules"]["UNP001"] == {"level": "sentence", "fired": 2, "problematic_precision": 1.0,
                                    "tags": ["cure_claim"], "tag_precision": 0.5}


QUOTED = 'Doctors said the stem cells cured her knee pain. "We need a larger trial before anyone draws conclusions," one said. Book now!!!'


def test_harness_overlap_needs_a_shared_word(tmp_path):
    """The sentence splitter leaves the next sentence's opening quote at the end of a sentence:
    a claim there must not count for the quoted sentence after it. A finding whose match has no
    letter ("!!!") still counts for the sentence it is in."""
    from checker.evaluate.corpus import shares_word
    from checker.evaluate.harness import evaluate_corpus

    first = QUOTED.index(' "') + 2  # the pipeline's first sentence ends after the quote mark
    assert shares_word(QUOTED, (0, 10), (5, 20)) and not shares_word(QUOTED, (first - 1, 60), (0, first))
    assert shares_word(QUOTED, (117, 128), (125, 128)) and not shares_word(QUOTED, (0, 5), (5, 9))
    doc = {**DOC, "id": "t-003", "file": "texts/t-003.txt", "sentences": [
        {"text": "Doctors said the stem cells cured her knee pain.", "claim": True, "problematic": True, "tags": []},
        {"text": '"We need a larger trial before anyone draws conclusions," one said.', "claim": False,
         "problematic": False, "tags": ["caution"]},
        {"text": "Book now!!!", "claim": False, "problematic": True, "tags": ["cta"]},
    ]}
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t-003.txt").write_text(QUOTED, encoding="utf-8")
    (tmp_path / "corpus.jsonl").write_text(json.dumps(doc) + "\n", encoding="utf-8")
    claim = Claim(QUOTED[:first], 0, first, "stem cells", "explicit", "cured", "cure", "knee pain", "joint_pain",
                  "not_approved", "explicit", None, "reported")
    bang = QUOTED.index("!!!")
    shout = Finding("SPM004", "r", "spam", "medium", 1.0, "m", bang, bang + 3, "!!!", Explanation("w", (), 0.0, "s"))
    stub = StubAnalyzer({"t-003": ([claim], [shout], 10)})
    r = evaluate_corpus(tmp_path, splits=["test"], configurations={"stub": lambda: stub})["configurations"]["stub"]
    assert r["units"] == 3
    assert (r["claims"]["tp"], r["claims"]["fp"], r["claims"]["fn"]) == (1, 0, 0)
    assert (r["problematic"]["tp"], r["problematic"]["fp"], r["problematic"]["fn"]) == (2, 0, 0)


def test_training_alignment_uses_the_same_overlap(tmp_path):
    """The training data (checker.model.dataset) aligns labels to sentences as the harness does:
    the sentence before a quoted claim is not labelled a claim through the quote mark it holds."""
    from checker.analyze import Analyzer
    from checker.evaluate.corpus import load_corpus
    from checker.train.dataset import page_data

    text = 'The clinic was busy that morning. "The cells cured my knee pain," she said.'
    doc = {**DOC, "id": "t-004", "file": "texts/t-004.txt", "sentences": [
        {"text": '"The cells cured my knee pain," she said.', "claim": True, "problematic": True, "tags": ["testimonial"]}]}
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t-004.txt").write_text(text, encoding="utf-8")
    (tmp_path / "corpus.jsonl").write_text(json.dumps(doc) + "\n", encoding="utf-8")
    rules = Analyzer(use_models=False)
    data = page_data(load_corpus(tmp_path)[0], tmp_path, rules, rules.page_rules)
    assert [text[v.sentence.start : v.sentence.end] for v in data.views][0].endswith('morning. "')
    assert data.gold_claim == [False, True]
    assert data.units == [(True, True, (1,)), (False, False, (0,))]


def test_in_sample_splits_are_warned_about():
    from checker.evaluate.harness import in_sample

    part = SimpleNamespace(meta={"trained_on": ["train", "dev"]})
    models = SimpleNamespace(sentence=part, document=part)
    assert in_sample(models, ["test"]) == []
    warned = in_sample(models, ["dev", "test"])
    assert len(warned) == 1 and "dev split" in warned[0] and "in-sample" in warned[0]
    assert in_sample(SimpleNamespace(sentence=SimpleNamespace(meta={}), document=None), ["train"])  # old models: train


def test_a_negation_inside_the_effect_words_does_not_negate_the_claim(analyzer):
    """"could eliminate the need for insulin" is a (hedged) claim to replace standard care; the
    negation trigger "eliminate" is the effect's own word. A real negation still negates."""
    text = "Early results suggest the approach could eliminate the need for insulin injections in type 1 diabetes."
    claims = [c for c in analyzer.check_text(text).claims if c.condition_key == "type1_diabetes"]
    assert claims and all(c.modality == "hedged" for c in claims)
    negated = analyzer.check_text("Stem cells do not eliminate the need for insulin in type 1 diabetes.").claims
    assert any(c.modality == "negated" for c in negated if c.condition_key == "type1_diabetes")


# --- external data ---------------------------------------------------------------------------------

def test_fda_quotes_keep_marketing_text_only():
    from checker.evaluate.external import fda_quotes

    letter = ("Your website states: “Our stem cell therapy repairs damaged knee cartilage and ends arthritis pain for good.” "
              "The product is not “intended for homologous use only, as reflected by the labeling and advertising”. "
              "See “Adequate directions for use”.")
    assert fda_quotes(letter) == ["Our stem cell therapy repairs damaged knee cartilage and ends arthritis pain for good."]


# --- the CLI ------------------------------------------------------------------------------------

def _cli(*args: str):  # type: ignore[no-untyped-def]
    from checker.cli.app import app

    return CliRunner().invoke(app, list(args))


def test_eval_cli_writes_json_and_prints_a_table(tmp_path):
    corpus = _corpus(tmp_path / "c")
    out = tmp_path / "report.json"
    result = _cli("eval", str(corpus), "--out", str(out), "--no-external", "--rules-only")
    assert result.exit_code == 0, result.output
    assert "claim F1" in result.output and "document ROC AUC" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "checker.eval/1" and data["splits"] == ["test"]
    assert set(data["configurations"]) == {"rules"}


def test_eval_cli_exit_codes(tmp_path):
    corpus = _corpus(tmp_path / "c")
    assert _cli("eval", str(tmp_path / "missing"), "--no-external").exit_code == 2
    bad = _cli("eval", str(corpus), "--split", "holdout", "--no-external")
    assert bad.exit_code == 2 and "unknown split" in bad.output
    assert _cli("eval", str(corpus), "--no-external", "--external", str(tmp_path / "nope")).exit_code == 0  # --no-external wins
    assert _cli("eval", str(corpus), "--external", str(tmp_path / "nope")).exit_code == 2
    assert _cli("eval", str(corpus), "--no-external", "--rules-only", "--check-targets").exit_code == 0  # all met
    missed = {**DOC, "sentences": DOC["sentences"] + [{"text": "The clinic opens at nine.", "claim": True,
                                                       "problematic": True, "tags": []}]}
    (corpus / "corpus.jsonl").write_text(json.dumps(missed) + "\n" + json.dumps(CREDIBLE) + "\n", encoding="utf-8")
    assert _cli("eval", str(corpus), "--no-external", "--rules-only", "--check-targets").exit_code == 1
    assert _cli("eval", str(corpus), "--no-external", "--out", str(tmp_path / "no" / "dir" / "x.json")).exit_code == 2


# --- CI: the real test split ----------------------------------------------------------------------

REAL = ROOT / "corpora" / "real"
# Floors: the real test split's figures when the shipped parts were last fitted (README), rounded
# down. The test split is never tuned on; these guard against regressions, not targets.
REAL_RULES_FLOORS = {"claim_f1": 0.50, "claim_precision": 0.58, "problematic_f1": 0.25, "document_auc": 0.72}


@pytest.fixture(scope="module")
def real_test_split():
    from checker.evaluate.harness import evaluate_corpus

    return evaluate_corpus(REAL, splits=["test"])


def test_the_rules_meet_their_floors_on_the_real_test_split(real_test_split):
    rules = real_test_split["configurations"]["rules"]
    for name, floor in REAL_RULES_FLOORS.items():
        assert rules["targets"][name]["value"] >= floor, (name, rules["targets"][name]["value"])
    assert rules["unlocated_sentences"] == []


def test_shipped_models_do_not_trade_claims_for_flags_on_the_real_test_split(real_test_split):
    """The sentence model ships for its problematic head: claims stay the rules' own, problematic
    sentences are found better, and no more credible pages score under 50 than with the rules."""
    from checker.model.store import shipped_models

    if not shipped_models().any:
        pytest.skip("no model ships (CHECKER_MODELS=off?)")
    rules = real_test_split["configurations"]["rules"]["targets"]
    models = real_test_split["configurations"]["rules+models"]["targets"]
    assert models["claim_precision"]["value"] >= rules["claim_precision"]["value"]
    assert models["claim_f1"]["value"] >= rules["claim_f1"]["value"]
    assert models["problematic_f1"]["value"] > rules["problematic_f1"]["value"]
    assert models["document_auc"]["value"] >= rules["document_auc"]["value"]
    assert models["false_flag_rate"]["value"] <= rules["false_flag_rate"]["value"]


def test_held_out_style_is_reported_separately_on_the_synthetic_supplement():
    from checker.analyze import Analyzer
    from checker.evaluate.harness import evaluate_corpus

    result = evaluate_corpus(CORPUS, splits=["test"], configurations={"rules": lambda: Analyzer(use_models=False)})
    styles = result["configurations"]["rules"]["styles"]
    assert styles["held_out_social_post"]["documents"] == 20 and styles["seen_styles"]["documents"] == 40
    assert 0 < styles["held_out_social_post"]["claims"]["f1"] <= 1


def test_external_data_when_present():
    from checker.analyze import Analyzer
    from checker.evaluate.external import default_external_dir, evaluate_external

    external = default_external_dir()
    if external is None:
        pytest.skip("../shared/corpora/external is not present")
    result = evaluate_external(external, Analyzer())
    fda = result["fda_letters"]
    if fda is not None:
        assert fda["quotes"] >= 30 and fda["claim_recall"] >= 0.4
    health = result["healthfc"]
    if health is not None:
        assert health["claims"] == 750 and health["claim_found_rate"] >= 0.5


def test_real_corpus_report_separates_ordinary_health_pages_and_compares_the_parser(tmp_path):
    """Real pages (part "real"): no held-out style, ordinary health pages reported apart with
    their own false-flag target, --compare-no-parse adds the co-occurrence reading and --compare-no-verifier every candidate claim."""
    corpus = tmp_path / "r"
    (corpus / "texts").mkdir(parents=True)
    (corpus / "texts" / "t-001.txt").write_text(PAGE, encoding="utf-8")
    (corpus / "texts" / "t-002.txt").write_text("Insulin lowers blood sugar in type 2 diabetes. Ask your nurse.", encoding="utf-8")
    health = {**CREDIBLE, "genre": "health_education", "part": "real", "site": "nhs.example",
              "sentences": [{"text": "Insulin lowers blood sugar in type 2 diabetes.", "claim": True, "problematic": False,
                             "tags": ["established"]}]}
    clinic = {**DOC, "part": "real", "site": "clinic.example"}
    (corpus / "corpus.jsonl").write_text(json.dumps(clinic) + "\n" + json.dumps(health) + "\n", encoding="utf-8")
    out = tmp_path / "e.json"
    result = _cli("eval", str(corpus), "--no-external", "--rules-only", "--compare-no-parse", "--compare-no-verifier", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "ordinary health pages (1 documents)" in result.output and "rules-no-parse" in result.output
    assert "rules-no-verifier" in result.output
    data = json.loads(out.read_text())
    rules = data["configurations"]["rules"]
    assert rules["styles"] == {} and set(rules["families"]) == {"ordinary_health", "stem_cell_and_clinic"}
    assert rules["targets"]["false_flag_rate_ordinary_health"] == {"value": 0.0, "target": 0.05, "met": True}
    assert set(data["configurations"]) == {"rules-no-verifier", "rules-no-parse", "rules"}
