"""The command line as a user meets it: exit codes, one-line errors, formats, stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "clinic-page.html"


def checker(*args: str, stdin: str | bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "checker", *args], input=data, capture_output=True, cwd=cwd, timeout=120)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_scan_example_text_report():
    proc = checker("scan", str(EXAMPLE))
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "score" in out and "credibility" in out
    assert "UNP004 no-risk-absolute" in out and "Claims found" in out


def test_scan_json_is_one_report(tmp_path):
    proc = checker("scan", str(EXAMPLE), "--format", "json")
    data = json.loads(proc.stdout)
    assert data["schema"] == "checker.report/1" and data["source"] == str(EXAMPLE)
    assert data["score"] < 50 and data["findings"] and data["claims"]


def test_scan_jsonl_one_line_per_input_and_errors_are_not_lost(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("PRP may help some knee pain; risks include infection.")
    proc = checker("scan", str(EXAMPLE), str(good), str(tmp_path / "missing.txt"), "--format", "jsonl")
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [d["source"] for d in lines] == [str(EXAMPLE), str(good), str(tmp_path / "missing.txt")]
    assert "error" in lines[2] and proc.returncode == 2
    assert "missing.txt: no such file" in one_line_error(proc)


def test_scan_reads_stdin():
    proc = checker("scan", "-", "--format", "json", stdin="Our exosome shots reverse Alzheimer's disease.")
    data = json.loads(proc.stdout)
    assert data["source"] == "<stdin>" and any(f["rule"] == "UNP001" for f in data["findings"])


@pytest.mark.parametrize("make,expect", [
    (lambda d: d / "nope.html", "no such file"),
    (lambda d: d, "is a directory"),
    (lambda d: (d / "img.png").write_bytes(bytes(range(256)) * 40) and d / "img.png", "binary file"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, make, expect):
    target = make(tmp_path)
    proc = checker("scan", str(target))
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert str(target) in line and expect in line


def test_empty_file_is_a_report_not_an_error(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("")
    proc = checker("scan", str(empty), "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["claims"] == [] and data["findings"] == []


def test_undecodable_bytes_are_decoded_and_noted(tmp_path):
    page = tmp_path / "latin.txt"
    page.write_bytes("Nuestras células madre curan la artritis. Garantía de éxito, sin riesgos ni efectos.".encode("latin-1"))
    data = json.loads(checker("scan", str(page), "--format", "json").stdout)
    assert data["notes"] and "células" in data["claims"][0]["text"] if data["claims"] else data["notes"]


def test_usage_error_exit_2():
    proc = checker("scan", "--format", "yaml", str(EXAMPLE))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode()


def test_bad_user_pack_is_one_line_exit_2(tmp_path):
    pack = tmp_path / "mine"
    pack.mkdir()
    (pack / "pack.yml").write_text("name: mine\nprefix: MY\ncolour: red\n")
    proc = checker("scan", str(EXAMPLE), "--packs", str(pack))
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert "pack.yml" in line and "colour" in line and "unknown key" in line


def test_rules_list_show_and_json():
    listing = checker("rules").stdout.decode()
    assert "UNP001" in listing and "cure-reverse-claim" in listing
    data = json.loads(checker("rules", "--format", "json").stdout)
    assert len(data) >= 30 and all({"id", "pack", "severity", "name", "references"} <= set(r) for r in data)
    shown = checker("rules", "show", "UNP004").stdout.decode()
    assert "no-risk-absolute" in shown and "Better wording" in shown and "https://" in shown
    missing = checker("rules", "show", "NOPE999")
    assert missing.returncode == 2 and "NOPE999" in one_line_error(missing)


def test_explain_shows_entities_qualifiers_and_claims():
    out = checker("explain", "Stem cells may help MS, but they do not cure lupus.").stdout.decode()
    assert "CONDITION" in out and "HEDGE" in out and "NEGATED" in out
    assert "CLAIM      hedged" in out and "CLAIM      negated" in out
    data = json.loads(checker("explain", "PRP cures knee pain.", "--format", "json").stdout)
    assert data["sentences"][0]["claims"][0]["modality"] == "asserted"


def test_scan_path_does_not_import_pandas_or_sklearn():
    code = ("import sys; from checker import check_text; check_text('Stem cells cure MS.'); "
            "print(','.join(m for m in ('pandas', 'sklearn') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == ""


def test_scanning_imports_no_optional_extra():
    """`pip install .` scans: the scan path never imports what the audit or train extras bring."""
    import subprocess
    import sys

    code = ("import sys; from checker.cli import main; sys.argv = ['checker', 'scan', 'examples/clinic-page.html', '--format', 'json']\n"
            "import contextlib, io\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: main()\n"
            "    except SystemExit: pass\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'sklearn', 'scipy') if m in sys.modules))")
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True).stdout
    assert out.strip() == "[]"


def test_missing_extra_is_named_in_one_line(monkeypatch, capsys, tmp_path):
    import importlib.util
    import sys

    from checker.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    monkeypatch.setattr(sys, "argv", ["checker", "audit", str(tmp_path), "--out", str(tmp_path / "out")])
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == "checker: error: [E201] `checker audit` needs pyarrow: pip install 'checker[audit]'"
