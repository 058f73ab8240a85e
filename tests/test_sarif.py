"""SARIF 2.1.0: validates against the official schema (read in place from ../shared/schemas,
never copied), carries rule metadata, and points at the source file's lines and columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAFE, write

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

PAGE = """<!DOCTYPE html>
<html><head><title>Knee clinic</title></head>
<body>
  <h1>Knee care</h1>
  <p>Our stem cell injections cure knee arthritis.</p>
  <!-- checker-disable-next-line UNR001 -->
  <p>Stem cell therapy is FDA registered.</p>
  <p>It is also FDA registered for children.</p>
  <!-- checker-disable-next-line PRO005 -->
  <p>Parking is free.</p>
</body></html>
"""


@pytest.fixture
def sarif(cli, tmp_path):
    write(tmp_path, "site/knee.html", PAGE)
    write(tmp_path, "site/ok.md", "# Hours\n\nThe clinic opens at nine.\n")
    code, out, _ = cli("ci", "site", "--format", "sarif", "--report-unused-suppressions", "--min-score", "99")
    assert code == 1
    return json.loads(out)


def validator():
    if not SCHEMA.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not present")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_validates_against_the_official_schema(sarif):
    errors = sorted(validator().iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_schema_rejects_a_broken_document(sarif):
    """The validation above can fail: a result without a message is caught."""
    del sarif["runs"][0]["results"][0]["message"]
    assert list(validator().iter_errors(sarif))


def test_driver_and_rule_metadata(sarif):
    from checker import __version__

    driver = sarif["runs"][0]["tool"]["driver"]
    assert sarif["version"] == "2.1.0"
    assert (driver["name"], driver["version"]) == ("checker", __version__)
    rules = {r["id"]: r for r in driver["rules"]}
    unp004 = rules["UNR001"]
    assert unp004["name"] == "fda-registered-misdirection"
    assert unp004["defaultConfiguration"]["level"] == "error"  # high
    assert unp004["helpUri"] == unp004["properties"]["references"][0]
    assert unp004["fullDescription"]["text"] and unp004["help"]["text"].startswith(unp004["fullDescription"]["text"][:40])
    assert unp004["properties"]["pack"] == "unregulated" and "unregulated" in unp004["properties"]["tags"]
    levels = {r["properties"]["severity"]: r["defaultConfiguration"]["level"] for r in driver["rules"] if "severity" in r.get("properties", {})}
    assert levels == {"high": "error", "medium": "warning", "low": "note"}
    assert {"CHK001", "CHK002"} <= set(rules)


def test_results_point_at_source_lines(sarif):
    results = sarif["runs"][0]["results"]
    unp004 = [r for r in results if r["ruleId"] == "UNR001"]
    assert len(unp004) == 2
    loc = unp004[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "site/knee.html", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 7, "startColumn": 27, "endLine": 7, "endColumn": 41,
                             "snippet": {"text": "FDA registered"}}
    assert PAGE.splitlines()[6][26:40] == "FDA registered"
    assert unp004[0]["suppressions"] == [{"kind": "inSource", "status": "accepted"}]
    assert "suppressions" not in unp004[1]
    assert unp004[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
    for r in results:
        assert r["ruleId"] == sarif["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"]


def test_fingerprints_match_the_baseline(sarif, cli, tmp_path):
    cli("ci", "site", "--write-baseline", "b.json")
    baseline = {e["fingerprint"] for e in json.loads((tmp_path / "b.json").read_text())["entries"]}
    unsuppressed = {r["partialFingerprints"]["checker/v1"] for r in sarif["runs"][0]["results"]
                    if "partialFingerprints" in r and "suppressions" not in r}
    assert unsuppressed == baseline


def test_pseudo_results_and_levels(sarif):
    results = sarif["runs"][0]["results"]
    unused = [r for r in results if r["ruleId"] == "CHK001"]
    assert len(unused) == 1 and unused[0]["level"] == "note" and "PRO005" in unused[0]["message"]["text"]
    under = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results if r["ruleId"] == "CHK002"]
    assert under == ["site/knee.html"]  # ok.md makes no claim: nothing to judge, never under a min-score
    assert {r["level"] for r in results if r["ruleId"].startswith("DIS00")} <= {"error", "warning", "note"}


def test_baseline_state_and_unreadable_files(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    cli("ci", "a.txt", "--write-baseline", "b.json")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 8)
    write(tmp_path, "a.txt", SAFE + "Our tissue bank is registered with the FDA.\n")
    code, out, _ = cli("ci", "a.txt", "bin.txt", "--baseline", "b.json", "--format", "sarif")
    doc = json.loads(out)
    assert code == 2
    states = [(r["ruleId"], r["baselineState"]) for r in doc["runs"][0]["results"]]
    assert states == [("UNR001", "unchanged"), ("UNR001", "new")]
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bin.txt"
    if SCHEMA.is_file():
        assert not list(validator().iter_errors(doc))


def test_information_uri_comes_from_package_metadata(monkeypatch, cli, tmp_path):
    import checker.report.sarif as sarif_mod

    monkeypatch.setattr(sarif_mod, "_information_uri", lambda: "https://example.org/checker")
    write(tmp_path, "a.txt", SAFE)
    _, out, _ = cli("ci", "a.txt", "--format", "sarif")
    assert json.loads(out)["runs"][0]["tool"]["driver"]["informationUri"] == "https://example.org/checker"


def test_findings_from_outside_the_rule_packs_get_a_descriptor(tmp_path):
    """e.g. the learned sentence model's MDL001: described from the finding itself."""
    from dataclasses import replace

    from checker.ci import CiOptions, run_ci
    from checker.report.sarif import to_sarif

    write(tmp_path, "a.txt", SAFE)
    result = run_ci(["a.txt"], CiOptions(), cwd=tmp_path)
    page = result.pages[0]
    c = page.findings[0]
    outsider = replace(c, finding=replace(c.finding, rule="EXT001", name="external-check",
                                          explanation=replace(c.finding.explanation, source="https://example.org/ext")))
    result = replace(result, pages=(replace(page, findings=(*page.findings, outsider)),))
    doc = to_sarif(result, cwd=tmp_path)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["EXT001"]["helpUri"] == "https://example.org/ext"
    assert rules["EXT001"]["fullDescription"]["text"] == " ".join(c.finding.explanation.why.split())
    if SCHEMA.is_file():
        assert not list(validator().iter_errors(doc))


def test_each_page_says_how_its_score_adds_up(sarif):
    """run.artifacts: every page's score, band and breakdown, whose points add up to the score."""
    artifacts = sarif["runs"][0]["artifacts"]
    assert artifacts and all("uri" in a["location"] for a in artifacts)
    for a in artifacts:
        props = a["properties"]
        if props["score"] is None:
            assert props["band"] in {"no-claims", "not-assessed"}
            continue
        total = sum(i["points"] for i in props["breakdown"])
        assert abs(total - props["score"]) <= 0.5 + 0.01 * len(props["breakdown"])
    page_level = [r for r in sarif["runs"][0]["results"] if r.get("properties", {}).get("scope") == "page"]
    assert page_level and all("region" not in r["locations"][0]["physicalLocation"] for r in page_level)
