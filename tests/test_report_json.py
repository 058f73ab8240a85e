"""The JSON report is a documented, versioned contract: docs/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from checker.report.json import SCHEMA, to_dict

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


@pytest.mark.parametrize("text,format", [
    ("Our stem cells cure MS with no side effects! Call now for a free consultation.", "text"),
    ("<h1>PRP</h1><p>PRP may help knee pain. Risks include infection.</p>", "html"),
    ("# Exosomes\n\nExosomes **regrow hair**. [Book](https://x.example)", "markdown"),
    ("", "text"),
])
def test_reports_validate_against_the_documented_schema(check, validator, text, format):
    data = to_dict(check(text, format))
    validator.validate(data)
    assert data["schema"] == SCHEMA == "checker.report/1"
    for item in data["claims"] + data["findings"] + data["cautions"]:
        assert 0 <= item["start"] <= item["end"] <= len(check(text, format).page.text)


def test_html_line_and_column_point_into_the_source(check):
    src = "<html><body>\n<main>\n  <p>Intro.</p>\n  <p>Our stem cells are <b>FDA registered</b>.</p>\n</main></body></html>"
    data = to_dict(check(src, "html"))
    finding = next(f for f in data["findings"] if f["rule"] == "UNR001")
    line = src.splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 :].startswith("FDA registered")


def test_every_finding_explains_itself(check):
    data = to_dict(check("Our breakthrough stem cells cure Parkinson's disease."))
    assert data["findings"]
    for f in data["findings"]:
        assert f["message"] and f["explanation"]["why"] and f["explanation"]["source"].startswith("http")
        assert f["explanation"]["contribution"] <= 0
