"""`checker ci`: exit codes, file selection, errors. The CLI runs in-process (main() with argv)
so the spaCy pipeline is built once; one test runs the real executable end to end."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import CLEAN, HYPE, SAFE, write

# --- exit codes ---------------------------------------------------------------------------

def test_clean_page_exits_0(cli, tmp_path):
    write(tmp_path, "clean.txt", CLEAN)
    code, out, _ = cli("ci", "clean.txt", "--format", "text")
    assert code == 0
    assert out.strip().endswith("passed")


def test_high_finding_exits_1_and_names_file_line_col(cli, tmp_path):
    write(tmp_path, "bad.txt", "Opening hours are nine to five.\n" + SAFE)
    code, out, _ = cli("ci", "bad.txt", "--format", "text")
    assert code == 1
    assert "bad.txt:2:22: high UNR001 " in out
    assert out.strip().endswith("failed")


def test_fail_on_threshold(cli, tmp_path):
    write(tmp_path, "hype.txt", HYPE)
    assert cli("ci", "hype.txt")[0] == 0  # medium finding, default fail-on high
    assert cli("ci", "hype.txt", "--fail-on", "medium")[0] == 1
    assert cli("ci", "hype.txt", "--fail-on", "low")[0] == 1


def test_min_score(cli, tmp_path):
    write(tmp_path, "hype.txt", HYPE)  # a medium finding: judged, yet not blocking at the default fail-on
    code, out, _ = cli("ci", "hype.txt", "--format", "json")
    score = json.loads(out)["pages"][0]["score"]
    assert code == 0 and isinstance(score, int)
    assert cli("ci", "hype.txt", "--min-score", str(score))[0] == 0
    code, out, _ = cli("ci", "hype.txt", "--min-score", str(score + 1), "--format", "text")
    assert code == 1
    assert f"hype.txt:1:1: high CHK002 page score {score}/100" in out


def test_page_without_claims_passes_any_min_score(cli, tmp_path):
    """A page that makes no treatment claim has nothing to judge: band no-claims, no score, and it
    passes the gate whatever --min-score asks."""
    write(tmp_path, "clean.txt", CLEAN)
    code, out, _ = cli("ci", "clean.txt", "--min-score", "100", "--format", "json")
    page = json.loads(out)["pages"][0]
    assert code == 0 and page["band"] == "no-claims" and page["score"] is None and not page["under_min_score"]


def test_not_english_page_passes_unless_asked_to_fail(cli, tmp_path):
    write(tmp_path, "es.txt", "Las células madre curan la artritis y la esclerosis múltiple sin ningún riesgo. "
                              "Llame hoy para reservar su cita en nuestra clínica de la ciudad.\n")
    code, out, _ = cli("ci", "es.txt", "--min-score", "90", "--format", "json")
    page = json.loads(out)["pages"][0]
    assert code == 0 and page["band"] == "not-assessed" and page["language"]["code"] == "es"
    code, out, _ = cli("ci", "es.txt", "--fail-not-assessed", "--format", "text")
    assert code == 1 and "not assessed (language es)" in out


def test_exit_zero_reports_but_passes(cli, tmp_path):
    write(tmp_path, "bad.txt", SAFE)
    code, out, _ = cli("ci", "bad.txt", "--exit-zero", "--format", "text")
    assert code == 0
    assert "UNR001" in out and "ignored: --exit-zero" in out


def test_missing_path_exits_2_with_one_line(cli, tmp_path):
    code, out, err = cli("ci", "nope.html")
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines == ["checker: error: [E309] nope.html: no such file or folder"]


def test_binary_file_exits_2_naming_it_but_checks_the_rest(cli, tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write(tmp_path, "bad.txt", SAFE)
    code, out, err = cli("ci", "image.txt", "bad.txt", "--format", "json")
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("checker: error: [E308] image.txt: binary file")
    data = json.loads(out)
    assert [p["path"] for p in data["pages"]] == ["bad.txt"]  # nothing silently lost
    assert data["errors"][0]["source"] == "image.txt" and data["exit_code"] == 2


def test_usage_errors_exit_2(cli, tmp_path):
    write(tmp_path, "a.txt", CLEAN)
    for args in (("a.txt", "--fail-on", "critical"), ("a.txt", "--min-score", "101"), ("a.txt", "--format", "xml"), ()):
        code, out, err = cli("ci", *args)
        assert code == 2 and out == ""
        assert "Error:" in err and "internal error" not in err  # a usage message, not a crash report
    code, _, err = cli("ci", "a.txt", "--severity", "UNR001")
    assert code == 2 and "--severity" in err
    code, _, err = cli("ci", "a.txt", "--write-baseline", "b.json", "--changed-since", "HEAD")
    assert code == 2 and "--write-baseline" in err
    code, _, err = cli("ci", "a.txt", "--disable", "NOPE999")
    assert code == 2 and "NOPE999" in err


def test_severity_flag_overrides_rule_severity(cli, tmp_path):
    write(tmp_path, "hype.txt", HYPE)
    assert cli("ci", "hype.txt")[0] == 0
    assert cli("ci", "hype.txt", "--severity", "UNP004=high")[0] == 1
    write(tmp_path, "bad.txt", SAFE)
    assert cli("ci", "bad.txt", "--severity", "unregulated=low")[0] == 0  # a pack name works too


def test_disable_flag(cli, tmp_path):
    write(tmp_path, "bad.txt", SAFE)
    assert cli("ci", "bad.txt", "--disable", "UNR001")[0] == 0
    assert cli("ci", "bad.txt", "--disable", "fda-registered-misdirection")[0] == 0


# --- file selection -----------------------------------------------------------------------

def test_folders_are_walked_recursively_by_extension(cli, tmp_path):
    write(tmp_path, "site/a.html", f"<p>{SAFE}</p>")
    write(tmp_path, "site/deep/b.md", "# Title\n\n" + SAFE)
    write(tmp_path, "site/deep/c.txt", CLEAN)
    write(tmp_path, "site/script.py", "# " + SAFE)  # not content
    write(tmp_path, "site/.hidden/d.html", f"<p>{SAFE}</p>")
    write(tmp_path, "site/node_modules/pkg/e.md", SAFE)
    code, out, _ = cli("ci", "site", "--format", "json")
    assert [p["path"] for p in json.loads(out)["pages"]] == ["site/a.html", "site/deep/b.md", "site/deep/c.txt"]
    assert code == 1


def test_same_file_twice_is_checked_once(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    code, out, _ = cli("ci", "a.txt", ".", "./a.txt", "--format", "json")
    assert [p["path"] for p in json.loads(out)["pages"]] == ["a.txt"]


def test_named_file_with_other_extension_is_checked(cli, tmp_path):
    write(tmp_path, "page.php", f"<html><body><p>{SAFE}</p></body></html>")
    code, out, _ = cli("ci", "page.php", "--format", "json")
    page = json.loads(out)["pages"][0]
    assert code == 1 and page["format"] == "html"


def test_empty_folder_passes_with_zero_pages(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, _ = cli("ci", "empty", "--format", "text")
    assert code == 0 and "0 pages checked" in out


def test_end_to_end_executable(tmp_path):
    """The installed entry point, as CI runs it."""
    write(tmp_path, "bad.md", "# Offer\n\n" + SAFE)
    proc = subprocess.run([sys.executable, "-m", "checker", "ci", "bad.md", "--format", "text"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stderr
    assert "bad.md:3:22: high UNR001" in proc.stdout
