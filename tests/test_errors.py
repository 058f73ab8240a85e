"""Coded errors: every user-facing error message comes from one table (checker.errors.Errors),
carries a stable code, and is documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checker.errors import CheckerError, Errors, InputError, error_table, located

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"\[(E\d{3})\]")
ERROR_CLASSES = {"CheckerError", "InputError", "RuleFileError", "ConfigError", "ModelError", "MissingExtraError"}
# a message passed on from a caught CheckerError (already coded), by file and argument
RE_RAISED = {("config.py", "message"), ("lexicon.py", "msg"), ("loader.py", "message")}


def _sources() -> list[Path]:
    return sorted((ROOT / "checker").rglob("*.py"))


def test_codes_are_unique_and_messages_one_line():
    tree = ast.parse((ROOT / "checker" / "errors.py").read_text(encoding="utf-8"))
    table = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Errors")
    names = [t.id for n in table.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    assert len(names) == len(set(names)) == len(error_table())  # a repeated name would silently replace the first
    assert all(re.fullmatch(r"E[1-9]\d{2}", n) for n in names)
    assert all("\n" not in template for template in error_table().values())


def test_reading_a_code_gives_the_template_with_its_code():
    assert Errors.E301 == "[E301] no such file"
    assert Errors.E303.format(size=2_000_000, limit=1_000_000) == "[E303] file is 2,000,000 bytes, over the 1,000,000-byte limit"
    assert error_table()["E301"] == "no such file"


def test_an_error_line_puts_the_code_first_then_the_place():
    exc = InputError(Errors.E301, path="a.txt")
    assert (exc.code, exc.detail, str(exc)) == ("E301", "[E301] no such file", "[E301] a.txt: no such file")
    assert located(Errors.E513.format(name="X"), "c.toml", "disable") == "[E513] c.toml: disable: unknown rule or pack 'X'"
    assert CheckerError("uncoded").code is None


def test_every_error_raised_by_the_package_takes_its_message_from_the_table():
    """Every CheckerError (or subclass) built in checker/ gets Errors.E###, a coded message passed on
    from another CheckerError (`.detail`), or a literal starting with a code from the table."""
    unknown = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERROR_CLASSES):
                continue
            arg = ast.unparse(node.args[0]) if node.args else ""
            ok = (re.search(r"\bErrors\.E\d{3}\b", arg) or ".detail" in arg or (path.name, arg) in RE_RAISED
                  or (CODE.match(arg.strip("f'\"")) and CODE.match(arg.strip("f'\""))[1] in error_table()))
            if not ok:
                unknown.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg}")
    assert not unknown


def test_every_code_written_in_the_source_is_in_the_table():
    used = {code for path in _sources() for code in CODE.findall(path.read_text(encoding="utf-8"))}
    used |= set(re.findall(r"\bErrors\.(E\d{3})\b", "\n".join(p.read_text(encoding="utf-8") for p in _sources())))
    assert used and used <= set(error_table())


def test_the_error_docs_list_every_code_and_its_message():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(E\d{3})` \| (.*) \|$", doc, flags=re.M))
    assert rows == {code: template.replace("|", "\\|") for code, template in error_table().items()}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/errors.md" in readme and "`[E301]" in readme


@pytest.mark.parametrize("args, line", [
    (("scan", "missing.txt"), "checker: error: [E301] missing.txt: no such file"),
    (("ci", "missing.txt"), "checker: error: [E309] missing.txt: no such file or folder"),
    (("ci", "a.txt", "--severity", "oops"), "checker: error: [E610] --severity: expected RULE=high|medium|low, got 'oops'"),
    (("ci", "a.txt", "--baseline", "none.json"),
     "checker: error: [E702] none.json: no such baseline file (create one with --write-baseline)"),
    (("rules", "show", "NOPE999"), "checker: error: [E623] no rule 'NOPE999' (see `checker rules`)"),
])
def test_the_cli_prints_one_coded_line_and_exits_2(cli, tmp_path, args, line):
    (tmp_path / "a.txt").write_text("Our clinic offers consultations.\n", encoding="utf-8")
    code, _, err = cli(*args)
    assert code == 2 and err.strip() == line


def test_a_file_ci_cannot_read_is_reported_with_its_code(cli, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    code, out, err = cli("ci", "bin.txt", "--format", "json")
    import json

    assert code == 2 and err.strip().startswith("checker: error: [E308] bin.txt: binary file")
    assert json.loads(out)["errors"][0]["error"].startswith("[E308] binary file")
