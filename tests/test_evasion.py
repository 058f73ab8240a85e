"""Text written to slip past the rules is normalized before matching and reported at the
original offsets; a finding says when evasion was detected."""

from __future__ import annotations

import pytest

from checker.ingest.normalize import normalize

KEYS = frozenset({"cure", "miracle", "stem", "cells", "risk", "free"})


@pytest.mark.parametrize("text,expected,kind", [
    ("Our сure works", "Our cure works", "homoglyph"),            # Cyrillic с
    ("Our cυre works", "Our cure works", "homoglyph"),            # Greek υ
    ("cu\u200bre", "cure", "invisible"),
    ("ｃｕｒｅ now", "cure now", "compatibility"),                  # fullwidth
    ("a c u r e now", "a cure now", "spacing"),
    ("m.i.r.a.c.l.e", "miracle", "spacing"),
    ("cur3 it", "cure it", "leet"),
    ("$tem c3lls", "stem cells", "leet"),
])
def test_normalize_undoes_disguises(text, expected, kind):
    n = normalize(text, KEYS)
    assert n.text == expected
    assert kind in {e.kind for e in n.evasions}


@pytest.mark.parametrize("text", [
    "plain ascii text", "a b c d", "COVID-19 and vitamin B12, 4x4", "Стволовые клетки", "naïve café …", "R&D 100%",
])
def test_ordinary_text_is_not_an_evasion(text):
    assert normalize(text, KEYS).evasions == ()


def test_spans_map_back_to_the_original_text():
    text = "We c u r e MS with ｓｔｅｍ cells."
    n = normalize(text, KEYS)
    i = n.text.index("cure")
    s, e = n.original_span(i, i + 4)
    assert text[s:e] == "c u r e"
    i = n.text.index("stem")
    s, e = n.original_span(i, i + 4)
    assert text[s:e] == "ｓｔｅｍ"


def test_findings_quote_the_original_and_say_evasion(check):
    text = "Our stem cells сure Parkinson's disease and are r1sk-free."
    report = check(text)
    cure = next(f for f in report.findings if f.rule == "UNP001")
    assert "сure" in text[cure.start : cure.end] or cure.match.startswith("сure")
    no_risk = next(f for f in report.findings if f.rule == "UNP004")
    assert no_risk.match == "r1sk-free" and no_risk.evasion
    assert any("disguised" in m for m in no_risk.explanation.modifiers)
    assert any(f.rule == "SPM007" for f in report.findings)


def test_disguise_lowers_the_score(check):
    plain = check("Our stem cells cure Parkinson's disease.").score
    disguised = check("Our stem cells сure Parkinson's disease.").score
    assert disguised < plain


def test_evasion_in_html_keeps_source_positions(check):
    src = "<p>Intro.</p>\n<p>Our PRP shots are 100% r1sk-free.</p>"
    report = check(src, "html")
    f = next(f for f in report.findings if f.rule == "UNP004")
    line, col = report.page.position(f.start)
    assert src.splitlines()[line - 1][col - 1 :].startswith("r1sk-free")
