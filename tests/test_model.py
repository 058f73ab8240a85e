"""The learned models: reproducible training, numpy application equal to scikit-learn, plain
JSON files, scoring without scikit-learn, and how the models plug into a report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from checker.errors import ModelError
from checker.model.linear import LinearModel
from checker.model.store import DOCUMENT_FILE, SENTENCE_FILE, load_models, shipped_models
from checker.paths import weights_dir

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "clinic-claims"
BAD_PAGE = ("Our stem cell injections cure knee arthritis and regrow cartilage with no side effects. "
            "Patients report their MS symptoms disappeared. Book your free consultation today! "
            "Packages start at $5,000. Our clinic in Cancun welcomes patients from every country.")  # 5 sentences: in the document model's domain


def _subset() -> list[str]:
    from checker.evaluate.corpus import load_corpus

    docs = load_corpus(CORPUS, splits=["train", "dev"])
    picked = []
    for split, n in (("train", 14), ("dev", 8)):
        for label in ("problematic", "credible"):
            picked += [d.id for d in docs if d.split == split and d.label == label][: n // 2]
    return picked


@pytest.mark.slow
def test_training_is_reproducible_to_the_byte(tmp_path):
    from checker.train.run import train_models

    ids = _subset()
    a = train_models(CORPUS, out_dir=tmp_path / "a", only=ids, force=True)
    b = train_models(CORPUS, out_dir=tmp_path / "b", only=ids, force=True)
    for name in (SENTENCE_FILE, DOCUMENT_FILE):
        first, second = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert first == second, name
        data = json.loads(first)
        assert data["meta"]["train_documents"] == 14 and data["meta"]["dev_documents"] == 8
        assert data["meta"]["trained_on"] == ["train", "dev"]
        assert "date" not in json.dumps(data["meta"]).lower()
    assert a.ships == b.ships
    # every figure is out of fold: all 22 documents in the cross-validation, the 8 dev ones apart
    for name in ("rules", "rules+sentence", "rules+sentence+document"):
        assert a.cv[name]["documents"] == 22 and a.dev[name]["documents"] == 8
    assert a.cv == b.cv and a.thresholds == b.thresholds
    loaded = load_models(tmp_path / "a")
    assert loaded.sentence is not None and loaded.document is not None


def _rows(n: int = 80, seed: int = 1) -> tuple[list[dict[str, float]], list[bool]]:
    rng = np.random.default_rng(seed)
    rows, y = [], []
    for _ in range(n):
        row = {"bias": 1.0}
        for k in range(12):
            if rng.random() < 0.4:
                row[f"f{k}"] = float(rng.integers(1, 4))
        rows.append(row)
        y.append(bool(row.get("f1", 0) + row.get("f2", 0) - row.get("f3", 0) + rng.normal() > 1.0))
    return rows, y


def test_numpy_application_equals_sklearn_predict_proba():
    from checker.train.estimators import design_matrix, fit_logistic

    rows, y = _rows()
    model, est, vocabulary = fit_logistic(rows, y, c=1.0, min_df=1, seed=0)
    expected = est.predict_proba(design_matrix(rows, vocabulary))[:, 1]
    assert np.max(np.abs(model.proba_many(rows) - expected)) < 1e-12
    assert max(abs(model.proba(r) - e) for r, e in zip(rows, expected)) < 1e-12
    stored = LinearModel.from_json(json.loads(json.dumps(model.to_json())), path="m", key="k")
    assert np.max(np.abs(stored.proba_many(rows) - expected)) < 1e-9


def test_calibrated_numpy_application_equals_sklearn_and_keeps_signs():
    from checker.train.estimators import design_matrix, fit_calibrated

    rows, y = _rows(120, seed=3)
    model, est, vocabulary = fit_calibrated(rows, y, c=1.0, seed=0, sign=lambda name: -1 if name == "f3" else 0)
    expected = est.predict_proba(design_matrix(rows, vocabulary))[:, 1]
    assert np.max(np.abs(model.proba_many(rows) - expected)) < 1e-9
    assert model.scale != 1.0  # Platt scaling was fitted
    if "f3" in model.index:
        assert model.weights[model.index["f3"]] <= 0


TUNE_PAGE = "Our stem cells cure multiple sclerosis. Less fatigue every day. Stem cells do not cure lupus. We serve coffee."


def test_thresholds_are_tuned_as_the_model_is_applied(tmp_path):
    """The claim threshold maximises unit F1 given out-of-fold probabilities, counting a model
    claim only where the lexicon found none (a negated claim's sentence never gets one)."""
    from checker.analyze import Analyzer
    from checker.evaluate.corpus import load_corpus
    from checker.train.config import TrainConfig
    from checker.train.dataset import page_data
    from checker.train.sentence import Rated
    from checker.train.thresholds import tune_thresholds

    doc = {"id": "t-001", "file": "texts/t-001.txt", "format": "txt", "genre": "clinic_marketing", "topic": "t",
           "label": "problematic", "split": "train", "part": "a", "sentences": [
               {"text": "Our stem cells cure multiple sclerosis.", "claim": True, "problematic": True, "tags": []},
               {"text": "Less fatigue every day.", "claim": True, "problematic": True, "tags": []}]}
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t-001.txt").write_text(TUNE_PAGE, encoding="utf-8")
    (tmp_path / "corpus.jsonl").write_text(json.dumps(doc) + "\n", encoding="utf-8")
    rules = Analyzer(use_models=False)
    data = page_data(load_corpus(tmp_path)[0], tmp_path, rules, rules.page_rules)
    assert [bool(cs) for cs in data.claims_by_sentence] == [True, False, True, False]
    assert data.claims_by_sentence[2][0].modality == "negated"
    config = TrainConfig(thresholds=(0.5, 0.58, 0.7), downgrade=(0.0,), precision_floor=False)
    # the negated sentence rated 0.55 must not count: 0.5 and 0.58 then tie, and 0.5 is nearer 0.5
    tuned = tune_thresholds([Rated(data, [0.9, 0.6, 0.55, 0.3], [0.9, 0.9, 0.1, 0.1])], rules.lexicon, config)
    assert tuned.claim == 0.5
    # the unlabelled sentence rated 0.55 does count: 0.58 now keeps it out
    assert tune_thresholds([Rated(data, [0.9, 0.6, 0.55, 0.55], [0.9, 0.9, 0.1, 0.1])], rules.lexicon, config).claim == 0.58
    # with the precision floor, no threshold may add claims less precisely than the rules find
    # them (here the rules' claims are all right): the model adds none
    floored = TrainConfig(thresholds=(0.5, 0.58, 0.7), downgrade=(0.0,))
    assert tune_thresholds([Rated(data, [0.9, 0.6, 0.55, 0.55], [0.9, 0.9, 0.1, 0.1])], rules.lexicon, floored).claim == 1.01


def test_shipped_models_are_plain_json_with_metadata():
    for name in (SENTENCE_FILE, DOCUMENT_FILE):
        path = weights_dir() / name
        if not path.exists():
            pytest.skip(f"{name} is not shipped")
        raw = path.read_bytes()
        assert raw.lstrip().startswith(b"{")  # JSON, never a pickle
        meta = json.loads(raw)["meta"]
        for key in ("sklearn_version", "training_data_sha256", "rules_sha256", "config", "dev", "cv", "thresholds", "ships"):
            assert key in meta, key
        assert meta["config"]["seed"] == 0
    assert not list(weights_dir().glob("*.pkl")) and not list(weights_dir().glob("*.pickle"))


def test_scoring_a_page_does_not_import_sklearn():
    code = (
        "import sys, checker\n"
        f"r = checker.check_text({BAD_PAGE!r})\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
        "print(r.score, r.breakdown[0].label)\n"
    )
    env = {**os.environ, "CHECKER_MODELS": "on"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    if shipped_models_on().document is not None:
        assert "document model" in done.stdout


def shipped_models_on():
    from checker.model.store import _load_shipped

    return _load_shipped()


@pytest.fixture(scope="module")
def model_analyzer():
    from checker.analyze import Analyzer

    models = shipped_models_on()
    if not models.any:
        pytest.skip("no model ships")
    return Analyzer(models=models)


def test_document_model_scores_and_explains_every_finding(model_analyzer):
    report = model_analyzer.check_text(BAD_PAGE)
    if model_analyzer.models.document is None:
        pytest.skip("the document model does not ship")
    assert report.score < 50
    assert report.breakdown[0].label.startswith("document model")
    live = [f for f in report.findings if not f.suppressed]
    assert live and all(f.explanation.contribution <= 0 for f in live)  # findings only lower the score
    # a contribution is the finding's leave-one-out effect at this page's score
    doc = model_analyzer.models.document
    lexicon_claims = [c for c in report.claims if c.effect_class != "model"]
    extra = len(report.claims) - len(lexicon_claims)
    first = live[0]
    without = [f for f in report.findings if f is not first]
    expected = 100 * doc.probability(report.findings, lexicon_claims, report.cautions, model_claims=extra) - \
        100 * doc.probability(without, lexicon_claims, report.cautions, model_claims=extra)
    assert first.explanation.contribution == pytest.approx(expected, abs=0.01)


def test_careful_page_scores_credible(model_analyzer):
    text = ("Stem cell treatments for knee osteoarthritis are still experimental. Small early trials suggest they "
            "may reduce pain slightly, but the evidence is weak and no product is FDA-approved for this use. "
            "Risks include infection and pain after the injection. Ask your own doctor about proven options such as "
            "exercise and weight loss, and look for a registered clinical trial.")
    assert model_analyzer.check_text(text).score >= 50


def test_sentence_model_adds_claims_and_never_drops_negations(model_analyzer):
    if model_analyzer.models.sentence is None:
        pytest.skip("the sentence model does not ship")
    from checker.analyze import Analyzer
    from checker.model.store import Models
    from checker.train.config import Thresholds
    from checker.train.sentence import with_thresholds

    text = ("Why patients choose us\n\n- Less fatigue and brain fog\n- Steadier balance and walking\n- Fewer relapses\n\n"
            "Stem cell therapy does not cure multiple sclerosis.")
    shipped = model_analyzer.models.sentence
    # the shipped claim threshold may be above 1 (the claim head adds nothing at the rules'
    # precision); with the head on at any probability it reads the benefit list as claims
    claims_on = Analyzer(models=Models(sentence=with_thresholds(
        shipped, Thresholds(0.0, shipped.problematic.threshold, shipped.downgrade_below))))
    for analyzer in (model_analyzer, claims_on):
        report = analyzer.check_text(text, format="markdown")
        added = [c for c in report.claims if c.effect_class == "model"]
        if analyzer is claims_on:
            assert added, "the benefit list should be read as claims"
        elif shipped.claim.threshold > 1:
            assert not added
        assert all(c.intervention_source in {"explicit", "page", "none"} for c in added)
        assert any(c.modality == "negated" for c in report.claims)


def test_learned_findings_are_explained_and_in_a_known_pack(model_analyzer):
    from checker.model.sentence import MODEL_RULE

    report = model_analyzer.check_text(BAD_PAGE + " Doctors hate how well it works for everyone we see.")
    for f in report.findings:
        if f.rule == MODEL_RULE:
            assert f.pack in {"unproven", "promotional"}
            assert f.severity == "medium" and 0 < f.confidence <= 1
            assert "sentence model" in f.message and f.explanation.why


def test_checker_models_off_scores_with_the_rules(monkeypatch):
    from checker.analyze import Analyzer

    monkeypatch.setenv("CHECKER_MODELS", "off")
    assert not shipped_models().any
    report = Analyzer().check_text(BAD_PAGE)
    assert report.breakdown[0].label == "starting score"
    assert all(c.effect_class != "model" for c in report.claims)
    monkeypatch.setenv("CHECKER_MODELS", "on")
    assert shipped_models() is shipped_models_on()


def test_rules_alone_without_models(model_analyzer):
    from checker.analyze import Analyzer

    rules = Analyzer(use_models=False).check_text(BAD_PAGE)
    assert rules.breakdown[0].label == "starting score"
    assert all(f.rule != "MDL001" for f in rules.findings)


def test_rescore_after_suppression_uses_the_document_model(model_analyzer):
    from checker.scoring import rescore

    report = model_analyzer.check_text(BAD_PAGE)
    if model_analyzer.models.document is None:
        pytest.skip("the document model does not ship")
    marked = [replace(f, suppressed=True) if i == 0 else f for i, f in enumerate(report.findings)]
    again = rescore(report, marked)
    assert again.breakdown[0].label.startswith("document model")
    assert again.score >= report.score


def test_a_page_shorter_than_the_document_models_domain_gets_the_rule_score(model_analyzer):
    """The document model learnt from pages of min_sentences or more; a one-line claim is scored by
    the rules (a cure claim for MS must not come out credible), and the breakdown says why."""
    from checker.scoring import score_page

    doc = model_analyzer.models.document
    if doc is None:
        pytest.skip("the document model does not ship")
    assert doc.min_sentences >= 2
    report = model_analyzer.check_text("Our stem cell therapy cures multiple sclerosis.")
    assert report.score < 50
    assert report.score == score_page([f for f in report.findings], list(report.cautions)).score
    assert "fitted on pages of" in report.breakdown[-1].label
    long = model_analyzer.check_text(" ".join(["Our stem cell therapy cures multiple sclerosis."] * doc.min_sentences))
    assert long.breakdown[0].label.startswith("document model")


def test_min_sentences_round_trips_and_is_checked(tmp_path):
    from checker.model.document import from_json, to_json

    doc = shipped_models().document
    if doc is None:
        pytest.skip("no document model ships")
    assert from_json(to_json(doc), path="x").min_sentences == doc.min_sentences
    with pytest.raises(ModelError, match="min_sentences"):
        from_json({**to_json(doc), "min_sentences": -1}, path="x")


def test_malformed_model_files_are_model_errors(tmp_path):
    (tmp_path / SENTENCE_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="sentence.json.*not valid JSON"):
        load_models(tmp_path)
    (tmp_path / SENTENCE_FILE).write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        load_models(tmp_path)
    (tmp_path / SENTENCE_FILE).unlink()
    (tmp_path / DOCUMENT_FILE).write_text(json.dumps({"format": "checker.document-model/1", "model": {"format": "checker.linear/1"}}),
                                          encoding="utf-8")
    with pytest.raises(ModelError, match="document.json: model: malformed"):
        load_models(tmp_path)
    assert not load_models(tmp_path / "empty").any


# --- fast application equals the straightforward one ----------------------------------------------
# The scan path computes the sentence features once per page for both heads, reuses each
# sentence's tokens and lexicon features, and scores the breakdown's leave-one-out pages from
# counts. These reference versions are the plain definitions (as first written); on every corpus
# page the shipped code must give the same features, the same probabilities and the same
# breakdown.

def _reference_sentence_features(page, views, claims_by_sentence, facts, lexicon, groups, findings_by_sentence):  # type: ignore[no-untyped-def]
    from checker.claims import sections
    from checker.model.sentence_features import _FIRST_PERSON, _SECOND_PERSON, lexicon_features, masked_tokens

    groups = set(groups)
    section_of = sections(page)
    out = []
    for i, view in enumerate(views):
        f = {"bias": 1.0}
        s = view.sentence
        text = page.text[s.start : s.end]
        if "lex" in groups:
            f.update(lexicon_features(view, claims_by_sentence[i], lexicon))
        tokens = masked_tokens(page, view) if groups & {"words", "prefixes", "bigrams", "shape"} else []
        if "shape" in groups:
            block = page.blocks[s.block] if 0 <= s.block < len(page.blocks) else None
            f[f"block:{block.kind if block else 'none'}"] = 1.0
            if block is not None and block.region == "chrome":
                f["region:chrome"] = 1.0
            n = len(tokens)
            f[f"len:{'1-3' if n <= 3 else '4-7' if n <= 7 else '8-15' if n <= 15 else '16-30' if n <= 30 else '31+'}"] = 1.0
            if _FIRST_PERSON & set(tokens):
                f["person:first"] = 1.0
            if _SECOND_PERSON & set(tokens):
                f["person:second"] = 1.0
            if any(t.isdigit() for t in tokens):
                f["digits"] = 1.0
            if text.rstrip().endswith("?"):
                f["question"] = 1.0
            if text.rstrip().endswith("!"):
                f["exclamation"] = 1.0
            if text[:1] in "\"“'‘":
                f["quoted"] = 1.0
        if "context" in groups:
            if i > 0:
                prev = lexicon_features(views[i - 1], claims_by_sentence[i - 1], lexicon, "prev_")
                f.update({k: v for k, v in prev.items() if k.startswith(("prev_claim:", "prev_has:", "prev_pair:"))})
            heading = section_of[s.block] if 0 <= s.block < len(section_of) else -1
            if heading >= 0 and heading != s.block:
                for j in range(i - 1, -1, -1):
                    if views[j].sentence.block == heading:
                        head = lexicon_features(views[j], claims_by_sentence[j], lexicon, "head_")
                        f.update({k: v for k, v in head.items() if k.startswith(("head_has:", "head_claim:", "head_status:"))})
                        break
                    if views[j].sentence.block < heading:
                        break
            if facts.has_main_intervention:
                f["page:intervention"] = 1.0
            for cat in facts.caution_categories & {"risk", "uncertainty", "regulatory"}:
                f[f"page:caution:{cat}"] = 1.0
            if facts.unproven_claims:
                f["page:unproven_claims"] = min(1.0, facts.unproven_claims / 5)
        if "ctxwords" in groups:
            heading = section_of[s.block] if 0 <= s.block < len(section_of) else -1
            for j in range(i - 1, max(i - 30, -1), -1):
                if views[j].sentence.block == heading and heading != s.block:
                    for t in set(masked_tokens(page, views[j])):
                        f[f"hw:{t}"] = 1.0
                    break
            if i > 0:
                for t in set(masked_tokens(page, views[i - 1])):
                    f[f"pw:{t}"] = 1.0
        if "words" in groups:
            for t in set(tokens):
                f[f"w:{t}"] = 1.0
        if "prefixes" in groups:
            for t in set(tokens):
                if len(t) > 5 and not t.startswith("<"):
                    f[f"p:{t[:5]}"] = 1.0
        if "bigrams" in groups:
            for a, b in zip(tokens, tokens[1:]):
                f[f"b:{a}_{b}"] = 1.0
        if "findings" in groups and findings_by_sentence is not None:
            for fd in findings_by_sentence[i]:
                f[f"rule:{fd.rule}"] = 1.0
                f[f"pack:{fd.pack}"] = 1.0
                f[f"sev:{fd.severity}"] = 1.0
        out.append(f)
    return out


def _reference_proba(model, x):  # type: ignore[no-untyped-def]
    import math

    z = model.intercept + sum(float(model.weights[model.index[k]]) * v for k, v in x.items() if k in model.index)
    return 1.0 / (1.0 + math.exp(-(model.scale * z + model.shift)))


def _reference_breakdown(doc, findings, claims, cautions, model_claims):  # type: ignore[no-untyped-def]
    from checker.model.document_features import document_counts

    def points(fs, cs, ca, mc):  # type: ignore[no-untyped-def]
        flags = sum(1 for f in fs if f.rule.startswith("MDL") and not f.suppressed)
        x = document_counts(fs, cs, ca, page_rules=doc.page_rules, model_claims=mc, model_flags=flags).features()
        return 100.0 * _reference_proba(doc.model, x)

    total = points(findings, claims, cautions, model_claims)
    out = [("base", round(points([], [], [], 0), 2))]
    for i, f in enumerate(findings):
        if not f.suppressed:
            out.append((f.rule, round(total - points(findings[:i] + findings[i + 1 :], claims, cautions, model_claims), 2)))
    if claims or model_claims:
        out.append(("claims", round(total - points(findings, [], cautions, 0), 2)))
    for cat in sorted({c.category for c in cautions}):
        out.append((cat, round(total - points(findings, claims, [c for c in cautions if c.category != cat], model_claims), 2)))
    return int(round(min(100.0, max(0.0, total)))), out


@pytest.mark.slow
def test_fast_application_equals_the_reference_on_every_corpus_page(model_analyzer):
    from checker.analyze import Analyzer
    from checker.evaluate.corpus import load_corpus
    from checker.model.sentence_features import group_by_sentence, page_facts, sentence_feature_sets, sentence_features, sentence_findings
    from checker.model.store import Models

    models = model_analyzer.models
    if models.sentence is None or models.document is None:
        pytest.skip("both models must ship")
    sentence, document = models.sentence, models.document
    rules = Analyzer(use_models=False)
    pages = checked = 0
    for doc in load_corpus(CORPUS):
        from checker.claims import main_intervention, sentence_views
        from checker.ingest import load_page
        from checker.nlp.pipeline import annotate

        page = load_page(CORPUS / doc.file)
        report = rules.check_page(page)
        ann = annotate(page, rules.nlp)
        views = sentence_views(ann)
        main = main_intervention(ann)
        claims_by = group_by_sentence(views, report.claims)
        findings_by = group_by_sentence(views, sentence_findings(report.findings, rules.page_rules))
        facts = page_facts(views, report.claims, report.cautions)
        args = (page, views, claims_by, facts, rules.lexicon)
        for groups in (sentence.claim_groups, sentence.problematic_groups, ("bigrams", "shape")):
            expected = _reference_sentence_features(*args, groups, findings_by)
            got = sentence_features(*args, groups, findings_by)
            assert got == expected, (doc.id, groups)  # same features and values (key order follows set order: hash-seeded)
        both = sentence_feature_sets(*args, (sentence.claim_groups, sentence.problematic_groups), findings_by)
        assert both == [sentence_features(*args, g, findings_by) for g in (sentence.claim_groups, sentence.problematic_groups)]
        judged = sentence.judge(page, views, report.claims, report.cautions, report.findings, rules.lexicon, rules.page_rules,
                                main=main[1] if main else None)
        for head, rows, p in ((sentence.claim, both[0], judged.p_claim), (sentence.problematic, both[1], judged.p_problematic)):
            reference = [_reference_proba(head, r) for r in rows]
            assert np.max(np.abs(np.asarray(p) - np.asarray(reference)), initial=0.0) < 1e-9, doc.id
        extra = len(judged.extra_claims)
        score, scored, items = document.score(judged.findings, report.claims, report.cautions, model_claims=extra)
        ref_score, ref_items = _reference_breakdown(document, judged.findings, list(report.claims), list(report.cautions), extra)
        assert score == ref_score, doc.id
        got_items = [("base", items[0].points)] + [(f.rule, f.explanation.contribution) for f in scored if not f.suppressed]
        got_items += [(it.label, it.points) for it in items if it.kind in {"model", "caution"}]
        assert [round(v, 2) for _, v in got_items] == [v for _, v in ref_items], doc.id
        whole = Analyzer(models=Models(sentence, document)).check_page(page) if pages < 3 else None
        if whole is not None:
            assert whole.score == score
            checked += 1
        pages += 1
    assert pages == 220 and checked == 3


def test_fast_features_equal_the_reference_in_a_long_section():
    """A heading's words reach the next 29 sentences only; its lexicon features reach the whole
    section. The corpus has few sections that long, so a synthetic one checks the boundaries."""
    from checker.analyze import Analyzer
    from checker.claims import sentence_views
    from checker.ingest import page_from_text
    from checker.model.sentence_features import SENTENCE_GROUPS, group_by_sentence, page_facts, sentence_features
    from checker.nlp.pipeline import annotate

    body = "\n\n".join(f"Patient {i} says stem cells helped her knee pain." for i in range(40))
    text = f"# Stem cells cure arthritis\n\n{body}\n\n# Prices\n\nPackages start at $5,000."
    rules = Analyzer(use_models=False)
    page = page_from_text(text, format="markdown")
    report = rules.check_page(page)
    views = sentence_views(annotate(page, rules.nlp))
    claims_by = group_by_sentence(views, report.claims)
    facts = page_facts(views, report.claims, report.cautions)
    args = (page, views, claims_by, facts, rules.lexicon, SENTENCE_GROUPS, group_by_sentence(views, report.findings))
    got, expected = sentence_features(*args), _reference_sentence_features(*args)
    assert got == expected
    assert any("hw:cure" in r for r in got[25:31]) and not any("hw:cure" in r for r in got[31:41])
    assert all("head_has:CONDITION" in r for r in got[1:41])


def test_problematic_head_flags_nothing_on_a_page_about_no_treatment(model_analyzer):
    """Even at threshold 0, the problematic head stays silent on a page with no intervention, no
    lexicon claim and no sentence-level finding; the claim head still reads claims there."""
    from checker.analyze import Analyzer
    from checker.model.sentence import MODEL_RULE
    from checker.model.store import Models
    from checker.train.config import Thresholds
    from checker.train.sentence import with_thresholds

    if model_analyzer.models.sentence is None:
        pytest.skip("the sentence model does not ship")
    eager = Analyzer(models=Models(sentence=with_thresholds(model_analyzer.models.sentence, Thresholds(0.0, 0.0, 0.0))))
    lobby = eager.check_text("The lobby has zebra wallpaper. Parking is free behind the building.")
    assert not [f for f in lobby.findings if f.rule == MODEL_RULE]
    assert [c for c in lobby.claims if c.effect_class == "model"]
    clinic = eager.check_text("Our clinic offers stem cell therapy. The lobby has zebra wallpaper.")
    assert [f for f in clinic.findings if f.rule == MODEL_RULE]
    assert not [f for f in model_analyzer.check_text("The lobby has zebra wallpaper.").findings if f.rule == MODEL_RULE]


def test_train_command_prints_the_cross_validated_and_dev_figures(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import checker.train.run as training
    from checker.cli.app import app

    real = training.train_models
    monkeypatch.setattr(training, "train_models", lambda corpus, **kw: real(corpus, **{**kw, "only": _subset(), "force": True}))
    as_json = CliRunner().invoke(app, ["train", str(CORPUS), "--out", str(tmp_path / "j"), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["cv"]["rules"]["documents"] == 22 and data["dev"]["rules"]["documents"] == 8
    assert set(data["ships"]) == {"sentence", "document"} and len(data["written"]) == 2
    as_text = CliRunner().invoke(app, ["train", str(CORPUS), "--out", str(tmp_path / "t")])
    assert as_text.exit_code == 0, as_text.output
    assert "5-fold cross-validation, train + dev" in as_text.stdout and "dev split (out of fold)" in as_text.stdout


def _figures(claim_p: float, claim_f1: float, prob_p: float, prob_f1: float, ffr: float) -> dict:
    return {"claims": {"precision": claim_p, "f1": claim_f1}, "problematic": {"precision": prob_p, "f1": prob_f1},
            "document": {"false_flag_rate": ffr, "auc": 0.8, "confusion": {}}}


def test_the_sentence_model_ships_only_without_trading_claims_or_credible_pages_away():
    from checker.train.run import _beats_sentence

    rules = _figures(0.63, 0.61, 0.38, 0.37, 0.045)
    assert _beats_sentence(_figures(0.63, 0.61, 0.39, 0.44, 0.045), rules)  # flags better, claims the same
    assert _beats_sentence(_figures(0.64, 0.62, 0.38, 0.37, 0.030), rules)  # claims better, flags the same
    assert not _beats_sentence(_figures(0.63, 0.61, 0.38, 0.37, 0.045), rules)  # nothing better
    assert not _beats_sentence(_figures(0.62, 0.65, 0.40, 0.45, 0.045), rules)  # claim precision traded away
    assert not _beats_sentence(_figures(0.63, 0.61, 0.37, 0.50, 0.045), rules)  # flag precision traded away
    assert not _beats_sentence(_figures(0.63, 0.61, 0.39, 0.44, 0.076), rules)  # more credible pages under 50
    assert _beats_sentence(_figures(0.63, 0.61, 0.40, 0.45, 0.12), _figures(0.63, 0.61, 0.38, 0.37, 0.15))


def test_flags_shown_but_not_scored_leave_the_rules_score(model_analyzer):
    """score_weight 0: the sentence model's flags are findings with a 0-point contribution, their
    message says so, and the page scores as with the rules alone; at weight 1 they lower it."""
    from checker.analyze import Analyzer
    from checker.model.sentence import MODEL_RULE
    from checker.model.store import Models
    from checker.train.config import Thresholds
    from checker.train.sentence import with_thresholds

    if model_analyzer.models.sentence is None:
        pytest.skip("the sentence model does not ship")
    eager = with_thresholds(model_analyzer.models.sentence, Thresholds(1.01, 0.0, 0.0))  # flags every sentence it judges
    text = BAD_PAGE + " Doctors hate how well it works for everyone we see."
    rules = Analyzer(use_models=False).check_text(text)
    shown = Analyzer(models=Models(sentence=replace(eager, score_weight=0.0))).check_text(text)
    scored = Analyzer(models=Models(sentence=replace(eager, score_weight=1.0))).check_text(text)
    flags = [f for f in shown.findings if f.rule == MODEL_RULE]
    assert flags and all(f.explanation.contribution == 0 and "does not change the score" in f.message for f in flags)
    assert shown.score == rules.score and scored.score < rules.score
    assert round(sum(i.points for i in shown.breakdown), 0) == shown.score


def test_the_sentence_models_score_weight_round_trips_and_is_checked(tmp_path):
    from checker.model.sentence import from_json, to_json

    shipped = shipped_models_on().sentence
    if shipped is None:
        pytest.skip("the sentence model does not ship")
    data = to_json(replace(shipped, score_weight=0.0))
    assert from_json(data, path="s.json").score_weight == 0.0
    del data["problematic"]["score_weight"]
    assert from_json(data, path="s.json").score_weight == 1.0  # files written before it existed
    data["problematic"]["score_weight"] = 2
    with pytest.raises(ModelError, match="score_weight"):
        from_json(data, path="s.json")
