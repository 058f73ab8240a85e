"""Inline suppressions in HTML, Markdown and plain text: ranges, next-line, rule selection,
unused-suppression reports, and the score ignoring what is suppressed."""

from __future__ import annotations

import json

import pytest

from checker.ingest import page_from_text
from checker.scoring import score_page
from checker.suppress import apply_suppressions, parse_directives
from tests.helpers import CLEAN, SAFE, write

CURE = "Our stem cell injections cure knee arthritis."  # UNP001 (plus page-level disclosure findings)


def check(analyzer, text: str, fmt: str):
    report = analyzer.check_page(page_from_text(text, format=fmt, source=f"page.{fmt}"))
    return apply_suppressions(report, weights_of=analyzer.rule_weights)


def states(result, rule: str) -> list[bool]:
    return [f.suppressed for f in result.report.findings if f.rule == rule]


def test_parse_directives_html_md_text():
    html = ("<p>a</p>\n  <!-- checker-disable UNP001, UNR001 -- quoting a patient -->\n"
            "<script>var s = '<!-- checker-disable -->';</script>\n<!--\n checker-enable\n-->\n")
    got = [(d.kind, d.rules, d.line, d.column, d.end_line) for d in parse_directives(page_from_text(html, format="html"))]
    assert got == [("disable", ("UNP001", "UNR001"), 2, 3, 2), ("enable", (), 4, 1, 6)]

    md = ("# T\n\n<!-- checker-disable-next-line UNP001 -->\nText.\n\n"
          "Inline <!-- checker-disable hype-superlative --> here, but `<!-- checker-enable -->` is code.\n\n"
          "```\n<!-- checker-enable -->\n```\n")
    got = [(d.kind, d.rules, d.line, d.column) for d in parse_directives(page_from_text(md, format="markdown"))]
    assert got == [("disable-next-line", ("UNP001",), 3, 1), ("disable", ("hype-superlative",), 6, 8)]

    text = "Hello.\n  # checker-disable-next-line UNR001\n#checker-enable\n# checker-disabled is not a directive\n"
    got = [(d.kind, d.rules, d.line, d.column) for d in parse_directives(page_from_text(text, format="text"))]
    assert got == [("disable-next-line", ("UNR001",), 2, 3), ("enable", (), 3, 1)]


def test_html_range_suppresses_only_inside_and_only_named_rules(analyzer):
    html = (f"<html><body>\n<!-- checker-disable UNR001 -->\n<p>{SAFE}</p>\n<!-- checker-enable UNR001 -->\n"
            f"<p>{SAFE}</p>\n</body></html>\n")
    result = check(analyzer, html, "html")
    assert states(result, "UNR001") == [True, False]
    assert not any(f.suppressed for f in result.report.findings if f.rule != "UNR001")


def test_disable_all_then_enable_one_rule(analyzer):
    html = (f"<!-- checker-disable -->\n<p>{CURE}</p>\n<!-- checker-enable UNR001 -->\n<p>{SAFE}</p>\n"
            f"<!-- checker-enable -->\n<p>{SAFE}</p>\n")
    result = check(analyzer, html, "html")
    assert states(result, "UNP001") == [True]
    assert states(result, "UNR001") == [False, False]  # re-enabled inside the disabled range, then everything on


def test_markdown_next_line_by_rule_name_and_pack(analyzer):
    md = (f"# Offer\n\n<!-- checker-disable-next-line fda-registered-misdirection -->\n{SAFE}\n{SAFE}\n\n"
          f"<!-- checker-disable-next-line unregulated -->\n{SAFE}\n")
    result = check(analyzer, md, "markdown")
    assert states(result, "UNR001") == [True, False, True]


def test_plain_text_hash_comments(analyzer):
    text = f"# checker-disable-next-line UNR001\n{SAFE}{SAFE}# checker-disable\n{SAFE}# checker-enable\n{SAFE}"
    result = check(analyzer, text, "text")
    assert states(result, "UNR001") == [True, False, True, False]


def test_suppressed_findings_do_not_lower_the_score(analyzer):
    from checker.scoring import rescore

    text = CLEAN + "# checker-disable UNR001\n" + SAFE
    plain = analyzer.check_text(text)  # as analysed: the finding counts
    hidden = check(analyzer, text, "text").report  # the finding suppressed
    absent = rescore(plain, [f for f in plain.findings if f.rule != "UNR001"], weights_of=analyzer.rule_weights)
    assert [f.suppressed for f in hidden.findings if f.rule == "UNR001"] == [True]
    assert plain.score < hidden.score == absent.score  # suppressed counts as absent, whichever scorer ships
    assert [f.explanation.contribution for f in hidden.findings if f.suppressed] == [0.0]


def test_rule_based_scoring_skips_suppressed_findings(analyzer):
    from dataclasses import replace

    finding = next(f for f in analyzer.check_text(SAFE).findings if f.rule == "UNR001")
    assert score_page([finding], []).score < score_page([], []).score
    assert score_page([replace(finding, suppressed=True)], []).score == score_page([], []).score


def test_no_directives_returns_report_unchanged(analyzer):
    report = analyzer.check_text(SAFE)
    assert apply_suppressions(report).report is report


def test_unused_suppressions(analyzer):
    html = ("<!-- checker-disable-next-line UNR001 PRO005 -->\n<p>" + SAFE.strip() + "</p>\n"
            "<!-- checker-disable UNP001 -->\n<p>Nothing to see.</p>\n<!-- checker-enable -->\n"
            "<!-- checker-disable-next-line -->\n<hr>\n")
    result = check(analyzer, html, "html")
    unused = [(u.line, u.kind, u.rule) for u in result.unused]
    assert unused == [(1, "disable-next-line", "PRO005"), (3, "disable", "UNP001"), (6, "disable-next-line", None)]


def test_cli_json_marks_suppressed_and_gate_ignores_them(cli, tmp_path):
    write(tmp_path, "page.md", f"# Offer\n\n<!-- checker-disable-next-line UNR001 -->\n{SAFE}")
    code, out, _ = cli("ci", "page.md", "--format", "json")
    finding = json.loads(out)["pages"][0]["findings"][0]
    assert code == 0
    assert (finding["rule"], finding["suppressed"], finding["status"], finding["blocking"]) == ("UNR001", True, "suppressed", False)


def test_cli_report_unused_suppressions(cli, tmp_path):
    write(tmp_path, "page.txt", f"{CLEAN}# checker-disable-next-line UNR001\n{CLEAN}")
    code, out, _ = cli("ci", "page.txt", "--format", "text")
    assert code == 0 and "CHK001" not in out
    code, out, _ = cli("ci", "page.txt", "--format", "text", "--report-unused-suppressions")
    assert code == 0  # low severity: reported, not blocking under the default fail-on high
    assert "page.txt:2:1: low CHK001 unused suppression: rule 'UNR001' in `checker-disable-next-line` suppressed no finding" in out
    code, out, _ = cli("ci", "page.txt", "--report-unused-suppressions", "--fail-on", "low", "--format", "junit")
    assert code == 1 and 'type="low"' in out and "CHK001 unused-suppression" in out
    code, out, _ = cli("ci", "page.txt", "--format", "json", "--report-unused-suppressions")
    unused = json.loads(out)["pages"][0]["unused_suppressions"]
    assert [(u["rule"], u["line"], u["suppressed_rule"]) for u in unused] == [("CHK001", 2, "UNR001")]


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_disable_without_enable_covers_page_level_findings(analyzer, fmt):
    """A disable at the top of the file, never closed, covers the whole page (page-level
    findings such as DIS001 included)."""
    head = {"html": "<!-- checker-disable DIS001 -->\n", "markdown": "<!-- checker-disable DIS001 -->\n\n",
            "text": "# checker-disable DIS001\n"}[fmt]
    body = f"<p>{CURE}</p>" if fmt == "html" else CURE
    result = check(analyzer, head + body + "\n", fmt)
    assert states(result, "DIS001") == [True]
    assert not result.unused


def test_unused_suppressions_block_only_under_fail_on_low(analyzer):
    from checker.report.model import PageResult
    from checker.suppress import UnusedSuppression

    unused = (UnusedSuppression(2, 1, "disable-next-line", "UNR001", "checker-disable-next-line UNR001"),)
    report = analyzer.check_text(CLEAN)

    def page(fail_on: str, unused=unused) -> PageResult:
        return PageResult("p.txt", report, (), unused, fail_on, None, False)  # type: ignore[arg-type]

    assert page("low").failed and not page("medium").failed and not page("high").failed
    assert not page("low", unused=()).failed
