"""Every rule's cases (tests/rule_cases/<pack>/<ID>.yml), run through the whole pipeline with one
shared Analyzer: a `fire: true` case must produce a finding of its rule (with the expected
severity and match, when given), a `fire: false` case must produce none."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine.cases import load_cases, run_case

CASES_DIR = Path(__file__).resolve().parent / "rule_cases"
CASES = load_cases(CASES_DIR)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_rule_case(case, analyzer):
    result = run_case(case, analyzer)
    assert result.passed, f"{case.path}: {case.name}: {result.reason}\n  text: {case.text!r}"
