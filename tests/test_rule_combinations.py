"""Whole pages through the whole pipeline: rules that must fire together, rules that must stay
silent, and the band (tests/rule_combinations.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.analyze import Analyzer

PAGES = yaml.safe_load((Path(__file__).resolve().parent / "rule_combinations.yml").read_text(encoding="utf-8"))
KEYS = {"text", "format", "fire", "silent", "no_serious", "bands", "known_gap"}


def test_the_combination_file_is_well_formed(analyzer: Analyzer):
    known = {r.id for r in analyzer.ruleset.rules}
    for name, page in PAGES.items():
        assert set(page) <= KEYS and {"text", "fire", "silent", "bands"} <= set(page), name
        assert set(page["fire"]) | set(page["silent"]) | set(page.get("no_serious", ())) <= known, name
        assert not set(page["fire"]) & set(page["silent"]), name
        assert set(page["bands"]) <= {"high", "mixed", "low", "very low"}, name


def _param(name: str):  # type: ignore[no-untyped-def]
    gap = PAGES[name].get("known_gap")
    return pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=gap, strict=True)] if gap else [])


@pytest.mark.parametrize("name", [_param(n) for n in sorted(PAGES)])
def test_rule_combination(name: str, analyzer: Analyzer):
    page = PAGES[name]
    report = analyzer.check_text(page["text"], format=page.get("format", "text"))
    live = [f for f in report.findings if not f.suppressed]
    fired = {f.rule for f in live}
    serious = {f.rule for f in live if f.severity in ("medium", "high")}
    assert set(page["fire"]) <= fired, f"missing: {sorted(set(page['fire']) - fired)}"
    assert not set(page["silent"]) & fired, f"should be silent: {sorted(set(page['silent']) & fired)}"
    no_serious = set(page.get("no_serious", ()))
    assert not no_serious & serious, f"should be at most low: {sorted(no_serious & serious)}"
    assert report.band in page["bands"], f"band {report.band} (score {report.score}), expected one of {page['bands']}"
