"""Invariants, checked on generated input: nothing escapes but CheckerError, every offset lies
inside the text, the score stays in range, a hedge never raises a severity, and inputs the fuzzer
once crashed on (tests/fuzz_regressions/) stay fixed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import CheckerError
from checker.ingest import page_from_text
from checker.ingest.decode import decode_bytes
from checker.report.json import to_dict
from checker.types import severity_rank
from tests.strategies import HEDGES, claim_sentences, pages, raw_bytes

REGRESSIONS = Path(__file__).parent / "fuzz_regressions"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_report_invariants(report) -> None:
    n = len(report.page.text)
    assert 0 <= report.score <= 100
    for item in (*report.claims, *report.findings, *report.cautions):
        assert 0 <= item.start <= item.end <= n, item
    for f in report.findings:
        assert f.severity in {"high", "medium", "low"} and 0 <= f.confidence <= 1
    data = to_dict(report)  # positions computable, JSON-serialisable
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in data["findings"])


@SETTINGS
@given(data=raw_bytes, fmt=st.sampled_from(["text", "html", "markdown"]))
def test_any_bytes_either_read_or_refused_cleanly(analyzer, data, fmt):
    try:
        text, _, _ = decode_bytes(data, source="fuzz")
    except CheckerError:
        return
    assert_report_invariants(analyzer.check_page(page_from_text(text, format=fmt)))


@SETTINGS
@given(page=pages())
def test_generated_pages_keep_the_invariants(analyzer, page):
    text, fmt = page
    assert_report_invariants(analyzer.check_text(text, format=fmt))


@SETTINGS
@given(sentence=claim_sentences(), hedge=st.sampled_from(HEDGES))
def test_a_hedge_never_raises_a_severity(analyzer, sentence, hedge):
    subject, verb, rest = sentence.split(" ", 2)
    plain = analyzer.check_text(sentence)
    hedged = analyzer.check_text(f"{subject} {hedge} {verb} {rest}")
    worst = {}
    for f in plain.findings:
        worst[f.rule] = max(worst.get(f.rule, 0), severity_rank(f.severity))
    for f in hedged.findings:
        if f.rule in worst:
            assert severity_rank(f.severity) <= worst[f.rule], (sentence, hedge, f.rule)


@pytest.mark.parametrize("path", sorted(p for p in REGRESSIONS.glob("*") if p.name != "README.md") if REGRESSIONS.is_dir() else [], ids=lambda p: p.name)
def test_fuzz_regressions_stay_fixed(analyzer, path):
    fmt = {".html": "html", ".md": "markdown"}.get(path.suffix, "text")
    start = time.perf_counter()
    try:
        text, _, _ = decode_bytes(path.read_bytes(), source=str(path))
    except CheckerError:
        return
    assert_report_invariants(analyzer.check_page(page_from_text(text, format=fmt)))
    # slow inputs once took minutes; the fuzzer's bound is 2 s per 100 KB, this one leaves room for a busy machine
    assert time.perf_counter() - start < 20
