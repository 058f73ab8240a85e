"""Baselines: fingerprints ignore line numbers, counts catch extra occurrences, the file is stable."""

from __future__ import annotations

import json

from checker.ci.baseline import build_entries, dumps_baseline, fingerprint, load_baseline
from tests.helpers import CLEAN, SAFE, write

OTHER = "Our clinic offers stem cell therapy from a lab registered with the FDA.\n"  # a different UNR001 match


def test_fingerprint_normalizes_match_and_ignores_position():
    assert fingerprint("UNP004", "Completely  Safe", "a/b.md") == fingerprint("UNP004", "completely safe", "a/b.md")
    assert fingerprint("UNP004", "completely\nsafe", "a/b.md") == fingerprint("UNP004", "completely safe", "a/b.md")
    assert fingerprint("UNP004", "completely safe", "a/b.md") != fingerprint("UNP001", "completely safe", "a/b.md")
    assert fingerprint("UNP004", "completely safe", "a/b.md") != fingerprint("UNP004", "completely safe", "a/c.md")
    assert fingerprint("UNP004", "completely safe", "a/b.md") != fingerprint("UNP004", "perfectly safe", "a/b.md")


def test_file_is_sorted_counted_and_has_no_timestamps():
    entries = build_entries([("UNP004", "Completely safe", "b.md"), ("UNP001", "cure", "a.md"),
                             ("UNP004", "completely  safe", "b.md")])
    text = dumps_baseline(entries, tool_version="9.9")
    data = json.loads(text)
    assert data["version"] == 1 and data["tool"] == {"name": "checker", "version": "9.9"}
    assert [(e["path"], e["rule"], e["match"], e["count"]) for e in data["entries"]] == [
        ("a.md", "UNP001", "cure", 1), ("b.md", "UNP004", "completely safe", 2)]
    assert dumps_baseline(build_entries(reversed([("UNP004", "Completely safe", "b.md"), ("UNP001", "cure", "a.md"),
                                                  ("UNP004", "completely  safe", "b.md")])), tool_version="9.9") == text
    assert "time" not in text and "date" not in text


def test_write_then_check_passes_until_something_new(cli, tmp_path):
    page = write(tmp_path, "site/page.txt", SAFE)
    code, _, err = cli("ci", "site", "--write-baseline", "baseline.json")
    assert code == 0 and "wrote baseline.json: 1 finding" in err
    assert cli("ci", "site")[0] == 1
    code, out, _ = cli("ci", "site", "--baseline", "baseline.json", "--format", "text")
    assert code == 0 and "1 baselined" in out and len(out.splitlines()) == 1  # only the summary line

    # an edit elsewhere moves the finding to another line: still baselined
    page.write_text(CLEAN + "\n\n" + SAFE, encoding="utf-8")
    assert cli("ci", "site", "--baseline", "baseline.json")[0] == 0

    # a different finding is new
    page.write_text(CLEAN + SAFE + OTHER, encoding="utf-8")
    code, out, _ = cli("ci", "site", "--baseline", "baseline.json", "--format", "json")
    data = json.loads(out)
    statuses = [(f["match"], f["status"]) for f in data["pages"][0]["findings"] if f["rule"] == "UNR001"]
    assert code == 1 and statuses == [("FDA registered", "baselined"), ("registered with the FDA", "new")]


def test_extra_occurrence_counts_as_new(cli, tmp_path):
    page = write(tmp_path, "page.txt", SAFE)
    cli("ci", "page.txt", "--write-baseline", "baseline.json")
    page.write_text(SAFE + CLEAN + SAFE + SAFE, encoding="utf-8")
    code, out, _ = cli("ci", "page.txt", "--baseline", "baseline.json", "--format", "json")
    statuses = [f["status"] for f in json.loads(out)["pages"][0]["findings"] if f["rule"] == "UNR001"]
    assert code == 1 and statuses == ["baselined", "new", "new"]


def test_same_text_in_another_file_is_new(cli, tmp_path):
    write(tmp_path, "a.txt", SAFE)
    cli("ci", "a.txt", "--write-baseline", "baseline.json")
    write(tmp_path, "b.txt", SAFE)
    assert cli("ci", "a.txt", "--baseline", "baseline.json")[0] == 0
    assert cli("ci", "a.txt", "b.txt", "--baseline", "baseline.json")[0] == 1


def test_suppressed_findings_stay_out_of_the_baseline(cli, tmp_path):
    write(tmp_path, "a.txt", "# checker-disable-next-line UNR001\n" + SAFE)
    cli("ci", "a.txt", "--write-baseline", "baseline.json")
    entries = json.loads((tmp_path / "baseline.json").read_text())["entries"]
    assert not [e for e in entries if e["rule"] == "UNR001"]
    write(tmp_path, "a.txt", SAFE)
    cli("ci", "a.txt", "--write-baseline", "baseline.json")
    entries = json.loads((tmp_path / "baseline.json").read_text())["entries"]
    assert [e["rule"] for e in entries].count("UNR001") == 1
    assert sum(load_baseline(tmp_path / "baseline.json").values()) == sum(e["count"] for e in entries)


def test_min_score_with_baseline_fails_only_pages_with_something_new(cli, tmp_path):
    page = write(tmp_path, "a.txt", SAFE)
    cli("ci", "a.txt", "--write-baseline", "baseline.json")
    assert cli("ci", "a.txt", "--min-score", "99")[0] == 1
    assert cli("ci", "a.txt", "--min-score", "99", "--baseline", "baseline.json")[0] == 0
    page.write_text(SAFE + "Our new hours are completely safe!\n", encoding="utf-8")  # a new medium finding
    assert cli("ci", "a.txt", "--min-score", "99", "--baseline", "baseline.json")[0] == 1


def test_bad_baseline_files_exit_2(cli, tmp_path):
    write(tmp_path, "a.txt", CLEAN)
    code, _, err = cli("ci", "a.txt", "--baseline", "missing.json")
    assert code == 2 and "missing.json: no such baseline file" in err
    write(tmp_path, "broken.json", "{not json")
    code, _, err = cli("ci", "a.txt", "--baseline", "broken.json")
    assert code == 2 and "broken.json: not a checker baseline" in err
    write(tmp_path, "future.json", json.dumps({"version": 99, "entries": []}))
    code, _, err = cli("ci", "a.txt", "--baseline", "future.json")
    assert code == 2 and "future.json: version: unsupported baseline version 99" in err
