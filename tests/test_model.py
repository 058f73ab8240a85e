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
from checker.paths import models_dir

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "clinic-claims"
BAD_PAGE = ("Our stem cell injections cure knee arthritis and regrow cartilage with no side effects. "
            "Patients report their MS symptoms disappeared. Book your free consultation today! "
            "Packages start at $5,000.")


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
    from checker.model.train import train_models

    ids = _subset()
    a = train_models(CORPUS, out_dir=tmp_path / "a", only=ids, force=True)
    b = train_models(CORPUS, out_dir=tmp_path / "b", only=ids, force=True)
    for name in (SENTENCE_FILE, DOCUMENT_FILE):
        first, second = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert first == second, name
        data = json.loads(first)
        assert data["meta"]["train_documents"] == 14 and data["meta"]["dev_documents"] == 8
        assert "date" not in json.dumps(data["meta"]).lower()
    assert a.ships == b.ships
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
    from checker.model.train import design_matrix, fit_logistic

    rows, y = _rows()
    model, est, vocabulary = fit_logistic(rows, y, c=1.0, min_df=1, seed=0)
    expected = est.predict_proba(design_matrix(rows, vocabulary))[:, 1]
    assert np.max(np.abs(model.proba_many(rows) - expected)) < 1e-12
    assert max(abs(model.proba(r) - e) for r, e in zip(rows, expected)) < 1e-12
    stored = LinearModel.from_json(json.loads(json.dumps(model.to_json())), path="m", key="k")
    assert np.max(np.abs(stored.proba_many(rows) - expected)) < 1e-9


def test_calibrated_numpy_application_equals_sklearn_and_keeps_signs():
    from checker.model.train import design_matrix, fit_calibrated

    rows, y = _rows(120, seed=3)
    model, est, vocabulary = fit_calibrated(rows, y, c=1.0, seed=0, sign=lambda name: -1 if name == "f3" else 0)
    expected = est.predict_proba(design_matrix(rows, vocabulary))[:, 1]
    assert np.max(np.abs(model.proba_many(rows) - expected)) < 1e-9
    assert model.scale != 1.0  # Platt scaling was fitted
    if "f3" in model.index:
        assert model.weights[model.index["f3"]] <= 0


def test_shipped_models_are_plain_json_with_metadata():
    for name in (SENTENCE_FILE, DOCUMENT_FILE):
        path = models_dir() / name
        if not path.exists():
            pytest.skip(f"{name} is not shipped")
        raw = path.read_bytes()
        assert raw.lstrip().startswith(b"{")  # JSON, never a pickle
        meta = json.loads(raw)["meta"]
        for key in ("sklearn_version", "training_data_sha256", "rules_sha256", "config", "dev", "ships"):
            assert key in meta, key
        assert meta["config"]["seed"] == 0
    assert not list(models_dir().glob("*.pkl")) and not list(models_dir().glob("*.pickle"))


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
    text = ("Why patients choose us\n\n- Less fatigue and brain fog\n- Steadier balance and walking\n- Fewer relapses\n\n"
            "Stem cell therapy does not cure multiple sclerosis.")
    report = model_analyzer.check_text(text, format="markdown")
    added = [c for c in report.claims if c.effect_class == "model"]
    assert added, "the benefit list should be read as claims"
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
