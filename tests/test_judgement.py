"""Judgements a reader can follow: contributions that add up, page-level findings, the
no-claims and not-assessed bands, one behaviour across commands, a readable terminal report."""

from __future__ import annotations

import json

import numpy as np
import pytest

from checker.analyze import Analyzer
from checker.claims import unproven_claims
from checker.language import _identifier, detect_language
from checker.model.document import DocumentModel
from checker.model.linear import LinearModel
from checker.scoring import rescore
from checker.suppress import apply_suppressions

SATURATED = (
    "Our stem cell injections cure arthritis and reverse multiple sclerosis. "
    "Stem cells regenerate damaged lungs and heal COPD in weeks. "
    "Our exosome infusions cure autism and reverse Parkinson's disease. "
    "The treatment is completely safe with no side effects and guaranteed results. "
    "Stem cell therapy eliminates diabetes for good. Book your stem cell treatment today!\n"
)
MILD = "Our stem cell injections may help relieve knee pain for some patients.\n"
SPANISH = ("Las células madre curan la artritis y la esclerosis múltiple sin ningún riesgo para el paciente. "
           "Llame hoy para reservar su cita en nuestra clínica.\n")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _head_text(report) -> str:  # noqa: ANN001
    from rich.console import Console

    from checker.report.console import render

    console = Console(record=True, width=400)
    render(report, console, compact=True)
    return console.export_text()


def _adds_up(report) -> None:  # noqa: ANN001
    total = sum(item.points for item in report.breakdown)
    assert abs(total - report.score) <= 0.5 + 0.01 * len(report.breakdown), (total, report.score)


def test_contributions_add_up_on_a_saturated_page(analyzer):
    report = analyzer.check_text(SATURATED)
    assert report.score == 0
    _adds_up(report)
    live = [f for f in report.findings if not f.suppressed]
    assert len(live) > 5
    assert all(f.explanation.contribution < 0 for f in live)  # no finding that lowered the page shows 0


def test_contributions_add_up_on_a_page_scored_in_the_middle(analyzer):
    report = analyzer.check_text(MILD + "Risks include infection and pain at the injection site.\n")
    assert 0 < report.score < 100
    _adds_up(report)
    assert any(i.kind == "caution" and i.points > 0 for i in report.breakdown)


def test_contributions_add_up_after_suppressions(analyzer):
    text = "<!-- checker-disable UNP004 -->\n" + SATURATED
    report = analyzer.check_text(text, format="markdown")
    suppressed = apply_suppressions(report, weights_of=analyzer.rule_weights).report
    assert any(f.suppressed for f in suppressed.findings)
    assert all(f.explanation.contribution == 0 for f in suppressed.findings if f.suppressed)
    _adds_up(suppressed)
    again = rescore(suppressed, list(suppressed.findings), weights_of=analyzer.rule_weights)
    assert again.score == suppressed.score


def test_document_model_contributions_are_exact_log_odds_shares(analyzer):
    report = analyzer.check_text(SATURATED)
    features = ("bias", "pack:unproven", "sev:high", "sev:medium", "claims:asserted", "caution:risk")
    model = LinearModel(features, np.array([2.0, -0.8, -0.9, -0.4, -0.3, 0.7]), intercept=0.5)
    document = DocumentModel(model)
    findings = list(report.findings)
    score, scored, items = document.score(findings, list(report.claims), list(report.cautions))
    total = sum(i.points for i in items)
    assert abs(total - score) <= 0.5 + 0.01 * len(items)
    moved = [f for f in scored if f.pack == "unproven" or f.severity in {"high", "medium"}]
    assert moved and all(f.explanation.contribution < 0 for f in moved)
    # identical findings share their feature's term equally
    same = {}
    for f in scored:
        same.setdefault((f.rule, f.pack, f.severity), set()).add(f.explanation.contribution)
    assert all(len(v) == 1 for v in same.values())


def test_disclosure_findings_are_page_scope_without_a_span(analyzer):
    report = analyzer.check_text(SATURATED)
    page_level = [f for f in report.findings if f.scope == "page"]
    assert page_level, "a page of unproven claims with no risk statement has page-level findings"
    assert all(f.start == f.end == 0 for f in page_level)
    assert all(f.scope == "sentence" and f.end > f.start for f in report.findings if f.rule in {"UNP001", "UNP002"})
    unproven = len(unproven_claims(report.claims))
    assert unproven and f"{unproven} made for uses not established or approved" in _head_text(report)
    dis001 = next(f for f in page_level if f.rule == "DIS001")
    assert f"makes {unproven} claim(s)" in dis001.message


def test_approved_use_needs_no_experimental_disclosure(analyzer):
    report = analyzer.check_text("Stem cell transplants treat leukaemia and lymphoma. Talk to your haematologist about them.\n")
    assert not [f for f in report.findings if f.pack == "disclosure"]


@pytest.mark.parametrize("text", ["", "   \n", "The clinic opens at nine on weekdays. Parking is free behind the building.\n"])
def test_page_without_claims_gets_the_no_claims_band(analyzer, text):
    report = analyzer.check_text(text)
    assert report.band == "no-claims"
    from checker.report.json import to_dict

    assert to_dict(report)["score"] is None


def test_not_english_page_is_not_assessed(analyzer):
    report = analyzer.check_text(SPANISH)
    assert report.band == "not-assessed" and report.language.code == "es"
    assert not report.findings and not report.claims
    assert any("not assessed" in n for n in report.notes)


def test_english_pages_never_load_the_language_identifier():
    _identifier.cache_clear()
    assert detect_language(SATURATED * 2).code == "en"
    assert detect_language("Stem cells cure arthritis.").code == "und"  # too short to tell: read as English
    assert _identifier.cache_info().currsize == 0
    assert detect_language(SPANISH).code == "es"
    assert _identifier.cache_info().currsize == 1


def test_scan_json_keeps_failed_inputs_in_place(cli_runner, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(MILD)
    code, out, _ = cli_runner("scan", str(good), str(tmp_path / "missing.txt"), "--format", "json")
    data = json.loads(out)
    assert code == 2 and len(data) == 2
    assert data[0]["source"].endswith("good.txt") and "error" in data[1] and data[1]["source"].endswith("missing.txt")


def test_scan_audit_and_ci_give_one_score(cli_runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- checker-disable UNP004 -->\n" + SATURATED.replace("Our stem", "Stem", 1) + MILD)
    _, out, _ = cli_runner("scan", str(page), "--format", "json")
    scanned = json.loads(out)
    _, out, _ = cli_runner("ci", str(page), "--format", "json", "--exit-zero")
    gated = json.loads(out)["pages"][0]
    assert scanned["score"] == gated["score"]
    assert any(f["suppressed"] for f in scanned["findings"])
    out_dir = tmp_path / "audit"
    cli_runner("audit", str(page), "--out", str(out_dir))
    import pandas as pd

    audited = pd.read_csv(out_dir / "pages.csv")
    assert int(audited["score"].iloc[0]) == scanned["score"]


def test_terminal_report_explains_each_rule_once_and_adds_up(cli_runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SATURATED)
    _, out, _ = cli_runner("scan", str(page))
    assert out.count("why: ") == len({line.split()[2] for line in out.splitlines() if line.strip().startswith(("page  ", "1:"))
                                       and len(line.split()) > 2})
    assert "About the whole page" in out and "In the text" in out
    assert "= 88 base" in out and out.count("HIGH") >= 1
    _, compact, _ = cli_runner("scan", str(page), "--compact")
    live = json.loads(cli_runner("scan", str(page), "--format", "json")[1])["findings"]
    finding_lines = [ln for ln in compact.splitlines() if ln.startswith(("page ", "1:"))]
    assert len(finding_lines) == len(live)


def test_claim_parts_point_at_their_words(analyzer):
    text = "We treat many patients. This therapy reverses arthritis in the knee.\n\nOur stem cell injections heal torn rotator cuffs.\n"
    report = analyzer.check_text("Stem cell therapy at our clinic.\n\n" + text)
    assert report.claims
    for claim in report.claims:
        assert claim.parts.effect is not None and 0 < claim.confidence <= 1
        for name in ("intervention", "effect", "condition", "body_part"):
            part = claim.parts.get(name)
            if part is not None and part.start is not None:
                assert report.page.text[part.start:part.end] == part.text
                assert claim.start <= part.start < part.end <= claim.end
    anaphoric = [c for c in report.claims if c.intervention_source == "anaphora"]
    assert anaphoric and anaphoric[0].parts.intervention.text.lower() == "this therapy"
    assert anaphoric[0].parts.intervention.resolved == "anaphora"


def test_scan_html_is_one_self_contained_page(cli_runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SATURATED)
    code, out, _ = cli_runner("scan", str(page), "--format", "html")
    assert code == 0 and out.startswith("<!doctype html>")
    assert "http://" not in out.split("<main>")[0] and "<script" not in out  # nothing to fetch, nothing to run
    assert "id='breakdown'" in out and "id='page-findings'" in out and "class='legend'" in out
    assert "p-effect" in out and "p-intervention" in out and "f-high" in out
    code, _, err = cli_runner("scan", str(page), str(page), "--format", "html")
    assert code == 2 and "one input at a time" in err


def test_explanations_keep_their_adjustments_as_fields(analyzer):
    """A hedged claim's finding says, as fields, what lowered it (kind, trigger, severity before
    and after); the prose modifier is built from the same fields."""
    report = analyzer.check_text("Our stem cell injections may reverse multiple sclerosis.\n")
    lowered = [f for f in report.findings if f.explanation.adjustments]
    assert lowered
    adjustment = lowered[0].explanation.adjustments[0]
    assert adjustment.kind == "hedged" and "may" in adjustment.trigger
    assert adjustment.severity_after == lowered[0].severity and adjustment.severity_before != adjustment.severity_after
    assert lowered[0].explanation.modifiers[0] == adjustment.text
    from checker.report.json import to_dict

    data = next(f for f in to_dict(report)["findings"] if f["explanation"]["adjustments"])
    assert data["explanation"]["adjustments"][0]["kind"] == "hedged"


def test_credits_past_100_are_shared_so_the_parts_still_add_up():
    """Every caution credited on a page with nothing against it would pass 100: the credits are
    scaled by one factor so base + credits = 100 exactly."""
    from checker.scoring import load_weights, score_page
    from checker.types import Caution

    weights = load_weights()
    cautions = [Caution(category, "x", 0, 1, "x") for category in weights.caution_credit]
    assert weights.base + sum(weights.caution_credit.values()) > 100
    scored = score_page([], cautions)
    assert scored.score == 100
    assert abs(sum(i.points for i in scored.breakdown) - 100) <= 0.01 * len(scored.breakdown)
    assert all(i.points > 0 for i in scored.breakdown if i.kind == "caution")


def test_audit_skips_a_page_it_cannot_read_with_the_reason(tmp_path):
    from checker.audit import audit, read_tables

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "es.txt").write_text(SPANISH, encoding="utf-8")
    (tmp_path / "in" / "en.txt").write_text(MILD, encoding="utf-8")
    audit([tmp_path / "in"], out=tmp_path / "out", jobs=1)
    pages = read_tables(tmp_path / "out")["pages"].set_index("path")
    row = pages.loc[str(tmp_path / "in" / "es.txt")]
    assert row.status == "skipped" and "not assessed" in row.reason and "'es'" in row.reason
    assert pages.loc[str(tmp_path / "in" / "en.txt")].status == "ok"
