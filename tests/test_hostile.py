"""Hostile input: each has a clear result, no traceback, bounded time and memory."""

from __future__ import annotations

import subprocess
import sys

import pytest

from checker.ingest import load_page
from checker.report.json import dumps


def run_checker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, timeout=300)


def test_a_100_mb_file_is_refused_with_a_reason_in_bounded_memory(tmp_path):
    big = tmp_path / "huge.html"
    with big.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    proc = run_checker("scan", str(big))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    assert "huge.html" in err and "over the 52,428,800-byte limit" in err
    small = run_checker("scan", str(big), "--max-bytes", "1000")
    assert small.returncode == 2 and "1,000-byte limit" in small.stderr.decode()


@pytest.mark.slow
def test_a_single_5_million_character_line_is_processed_whole(check):
    line = ("stem cells cure knee pain and " * 170_000)[:5_000_000]
    report = check(line)
    assert len(report.page.text) == 5_000_000
    assert report.claims and report.claims[-1].end > 4_900_000  # the end of the line was read too


def test_60000_nested_tags(check):
    depth = 60_000
    html = "<div>" * depth + "<p>Our stem cells cure lupus.</p>" + "</div>" * depth
    report = check(html, "html")
    assert [c.condition_key for c in report.claims] == ["lupus"]


def test_entity_expansion_bomb_is_not_expanded(check):
    lol = "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" * 10}">' for i in range(1, 10))
    html = f'<!DOCTYPE html [<!ENTITY lol0 "lol">{lol}]><html><body><p>&lol9; Stem cells cure MS.</p></body></html>'
    report = check(html, "html")
    assert len(report.page.text) < 200
    assert any(c.condition_key == "multiple_sclerosis" for c in report.claims)


def test_nul_bytes_in_text(tmp_path):
    f = tmp_path / "nul.txt"
    f.write_bytes(b"Stem cells\x00 cure\x00 MS.\x00")
    page = load_page(f)
    assert "\x00" not in page.text and "cure" in page.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_and_without_bom(tmp_path, encoding):
    f = tmp_path / "wide.txt"
    f.write_bytes("Our exosome shots reverse Alzheimer's disease.".encode(encoding))  # "utf-16"/"utf-32" write a BOM
    page = load_page(f)
    assert page.text == "Our exosome shots reverse Alzheimer's disease."


def test_invalid_surrogates_in_bytes_and_in_strings(tmp_path, check):
    f = tmp_path / "surrogate.txt"
    f.write_bytes(b"Stem cells \xed\xa0\x80 cure MS.")  # an encoded lone surrogate: not valid UTF-8
    page = load_page(f)
    assert "cure MS" in page.text and page.notes
    report = check("Stem cells \ud800 cure MS.")
    dumps(report).encode("utf-8")  # must be serialisable


def test_mixed_encodings_in_one_file(tmp_path):
    f = tmp_path / "mixed.txt"
    f.write_bytes("Células madre curan la artrosis. ".encode() + "Garantía total, sin riesgo.".encode("cp1252"))
    page = load_page(f)
    assert "artrosis" in page.text and "Garant" in page.text and page.notes


def test_pathological_regex_input_does_not_hang(check):
    # long runs that make backtracking engines explode; RE2 rules stay linear
    text = "a" * 200_000 + "!" + " {" + "x|" * 50_000 + "}"
    report = check(text)
    assert report is not None


def test_markdown_bombs(check):
    md = "[" * 50_000 + "x" + "]" * 50_000 + "\n\n" + "> " * 5000 + "deep quote\n\n" + "*" * 100_000
    report = check(md, "markdown")
    assert report is not None
