"""Output formats of `checker ci`: text, json, jsonl, github (and auto), junit; --output."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from checker.report.github import annotation, escape_data, escape_property
from tests.helpers import CLEAN, HYPE, SAFE, write

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>high|medium|low) (?P<rule>[A-Z]{3}\d{3}) (?P<msg>.+) \[(?P<name>[a-z0-9-]+)\]$")


def test_text_lines_are_file_line_col_severity_rule_message(cli, tmp_path):
    write(tmp_path, "a.md", "# Offer\n\n" + SAFE + HYPE)
    code, out, _ = cli("ci", "a.md", "--format", "text")
    *lines, summary = out.splitlines()
    parsed = [LINE.match(ln) for ln in lines]
    assert all(parsed), lines
    got = {(m["line"], m["col"], m["sev"], m["rule"], m["name"]) for m in parsed}
    assert ("3", "22", "high", "UNR001", "fda-registered-misdirection") in got
    assert ("4", "42", "medium", "UNP004", "no-risk-absolute") in got
    assert summary.startswith("checker: 1 page checked, ") and summary.endswith(": failed")


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    line = annotation("error", "bad: 100%\nreally", file="dir/a,b.md", line=3, col=4, end_line=3, end_column=9,
                      title="UNP001 cure-reverse-claim")
    assert line == "::error file=dir/a%2Cb.md,line=3,col=4,endLine=3,endColumn=9,title=UNP001 cure-reverse-claim::bad: 100%25%0Areally"


def test_github_annotations(cli, tmp_path):
    write(tmp_path, "x,y.md", "# Offer\n\n" + SAFE + HYPE)
    write(tmp_path, "ok.txt", "# checker-disable-next-line UNR001\n" + SAFE + HYPE)
    code, out, _ = cli("ci", ".", "--format", "github", "--min-score", "95")
    lines = out.splitlines()
    assert code == 1
    assert "::error file=x%2Cy.md,line=3,col=22,endLine=3,endColumn=36,title=UNR001 fda-registered-misdirection::" \
           "'FDA registered': registration or an exemption presented as if it were FDA approval." in lines
    assert any(ln.startswith("::warning file=x%2Cy.md,line=4,col=42,") and "title=UNP004 no-risk-absolute::" in ln for ln in lines)
    assert not any("file=ok.txt,line=" in ln and "UNR001" in ln for ln in lines)  # suppressed: not annotated
    assert any(ln.startswith("::error file=ok.txt,title=CHK002 under-min-score::page score ") for ln in lines)
    assert lines[-1].startswith("checker: 2 pages checked")
    for ln in lines[:-1]:
        assert re.match(r"^::(error|warning|notice) file=[^,:]+(,[a-zA-Z]+=[^,:]*)*::", ln), ln


def test_auto_format_follows_github_actions(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    _, out, _ = cli("ci", "a.txt")
    assert out.startswith("a.txt:1:22: high UNR001")
    _, out, _ = cli("ci", "a.txt", env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("::error file=a.txt,line=1,col=22,")
    _, out, _ = cli("ci", "a.txt", "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("a.txt:1:22:")


def test_junit_structure(cli, tmp_path):
    write(tmp_path, "bad.html", f"<p>{SAFE}</p><p>{HYPE}</p>")
    write(tmp_path, "clean.txt", CLEAN)
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 8)
    code, out, _ = cli("ci", "bad.html", "clean.txt", "bin.txt", "--format", "junit")
    assert code == 2
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"bad.html", "clean.txt", "bin.txt"}
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    failures = cases["bad.html"].findall("failure")
    assert [f.get("type") for f in failures] == ["high"]  # UNR001 only: the medium hype finding is below fail-on
    assert failures[0].get("message").startswith("UNR001 fda-registered-misdirection: ")
    assert "bad.html:1:" in failures[0].text
    assert "UNP004" in cases["bad.html"].find("system-out").text
    assert cases["clean.txt"].find("failure") is None
    assert cases["bin.txt"].find("error").get("message").startswith("[E308] binary file")
    code, out, _ = cli("ci", "bad.html", "--format", "junit", "--fail-on", "medium")
    failures = ET.fromstring(out.encode()).find("testsuite/testcase").findall("failure")
    assert {f.get("type") for f in failures} == {"high", "medium"}
    assert {f.get("message").split()[0] for f in failures} >= {"UNR001", "UNP004"}


def test_junit_survives_control_characters(cli, tmp_path):
    write(tmp_path, "odd.txt", "Stem cell therapy is completely\x0b safe.\n")
    _, out, _ = cli("ci", "odd.txt", "--format", "junit")
    ET.fromstring(out.encode())  # parses


def test_json_and_jsonl(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    write(tmp_path, "b.txt", CLEAN)
    code, out, _ = cli("ci", "a.txt", "b.txt", "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "checker.ci/1" and data["exit_code"] == 1 and data["failed"] is True
    assert data["fail_on"] == "high" and data["counts"]["pages"] == 2 and data["counts"]["blocking"] == 1
    a, b = data["pages"]
    assert a["schema"] == "checker.report/1" and a["path"] == "a.txt" and a["failed"] is True and b["failed"] is False
    f = a["findings"][0]
    assert {"fingerprint", "status", "blocking", "suppressed", "end_line", "end_column"} <= set(f)
    code, out, _ = cli("ci", "a.txt", "b.txt", "--format", "jsonl")
    rows = [json.loads(ln) for ln in out.splitlines()]
    assert [r["path"] for r in rows] == ["a.txt", "b.txt"] and code == 1


def test_output_file(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    code, out, _ = cli("ci", "a.txt", "--format", "sarif", "--output", "report.sarif")
    assert code == 1 and out == ""
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"


def test_every_ci_format_has_one_registered_reporter():
    """One registry (checker.report.CI_REPORTERS): each --format value names a reporter that imports,
    and every reporter has the one signature render(result, stream, *, options)."""
    import inspect

    from checker.cli.ci import CiFormat
    from checker.report import CI_REPORTERS, ci_reporter

    formats = {f.value for f in CiFormat} - {"auto"}
    assert formats == set(CI_REPORTERS)
    for fmt in CI_REPORTERS:
        params = inspect.signature(ci_reporter(fmt)).parameters
        assert [(n, p.kind) for n, p in params.items()] == [
            ("result", inspect.Parameter.POSITIONAL_OR_KEYWORD), ("stream", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            ("options", inspect.Parameter.KEYWORD_ONLY)], fmt


def test_each_reporter_writes_to_its_stream_what_the_cli_prints(cli, tmp_path):
    """Called through the registry with the same options, a reporter writes to the stream it is given
    the exact text `checker ci --format FMT` prints; options.exit_zero reaches every verdict line."""
    import io

    from checker.ci import CiOptions, run_ci
    from checker.report import CI_REPORTERS, render_ci
    from checker.report.model import ReportOptions

    write(tmp_path, "a.txt", SAFE)
    result = run_ci(["a.txt"], CiOptions(), cwd=tmp_path)
    for fmt in CI_REPORTERS:
        for exit_zero in (False, True):
            stream = io.StringIO()
            render_ci(result, fmt, stream, options=ReportOptions(exit_zero=exit_zero, cwd=tmp_path))
            _, out, _ = cli("ci", "a.txt", "--format", fmt, *(["--exit-zero"] if exit_zero else []))
            assert stream.getvalue() == out, (fmt, exit_zero)
    text = io.StringIO()
    render_ci(result, "text", text, options=ReportOptions(exit_zero=True))
    assert text.getvalue().rstrip().endswith("failed (ignored: --exit-zero)")


def test_sarif_root_is_the_options_cwd(tmp_path):
    import io

    from checker.ci import CiOptions, run_ci
    from checker.report import render_ci
    from checker.report.model import ReportOptions

    write(tmp_path, "a.txt", SAFE)
    result = run_ci(["a.txt"], CiOptions(), cwd=tmp_path)
    stream = io.StringIO()
    render_ci(result, "sarif", stream, options=ReportOptions(cwd=tmp_path / "sub"))
    root = json.loads(stream.getvalue())["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == (tmp_path / "sub").resolve().as_uri() + "/"


def test_reporters_do_not_import_the_ci_package():
    """Reporters read the neutral result model (checker.report.model); checker.ci builds it."""
    import ast
    from pathlib import Path

    import checker.report

    for path in Path(checker.report.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n == "checker.ci" or n.startswith("checker.ci.")], path.name
