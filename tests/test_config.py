"""Configuration: discovery (nearest wins, .checker.toml beats pyproject.toml), validation
(unknown keys name the file and key), and every key taking effect in `checker ci` (and the rule
keys in `checker scan`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.config import CHECKER_TOML, find_config, load_config, settings_for
from checker.errors import ConfigError
from tests.helpers import CLEAN, HYPE, SAFE, write


def test_nearest_config_wins(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.checker]\nfail-on = 'low'\n")
    write(tmp_path, "sub/.checker.toml", "fail-on = 'medium'\n")
    write(tmp_path, "sub/deeper/page.md", "x")
    write(tmp_path, "other/page.md", "x")
    assert find_config(tmp_path / "sub/deeper/page.md") == (tmp_path / "sub" / CHECKER_TOML).resolve()
    assert settings_for(tmp_path / "sub/deeper/page.md").fail_on == "medium"
    assert settings_for(tmp_path / "other/page.md").fail_on == "low"


def test_checker_toml_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.checker]\nfail-on = 'low'\n")
    write(tmp_path, ".checker.toml", "fail-on = 'medium'\n")
    assert find_config(tmp_path).name == CHECKER_TOML
    assert settings_for(tmp_path).fail_on == "medium"


def test_pyproject_without_tool_checker_is_not_a_config(tmp_path):
    write(tmp_path, ".checker.toml", "min-score = 40\n")
    write(tmp_path, "pkg/pyproject.toml", "[project]\nname = 'x'\n[tool.other]\na = 1\n")
    assert find_config(tmp_path / "pkg") == (tmp_path / CHECKER_TOML).resolve()


def test_no_config_means_defaults(tmp_path):
    s = settings_for(tmp_path / "page.md")
    assert (s.path, s.fail_on, s.min_score, s.disable) == (None, "high", None, ())


def test_all_keys_load(tmp_path):
    pack = Path(__file__).resolve().parent.parent / "rules" / "packs" / "spam"
    write(tmp_path, "pyproject.toml", f"""
[tool.checker]
packs = [{json.dumps(str(pack))}]
disable = ["UNP008", "promotional"]
severity = {{ UNR001 = "low" }}
fail-on = "medium"
min-score = 40
include = ["content/**/*.md"]
exclude = ["drafts/**"]
""")
    s = load_config(tmp_path / "pyproject.toml")
    assert s.packs == (pack.resolve(),)
    assert s.disable == ("UNP008", "promotional") and s.severity == {"UNR001": "low"}
    assert (s.fail_on, s.min_score) == ("medium", 40)
    assert s.include == ("content/**/*.md",) and s.exclude == ("drafts/**",)
    assert s.root == tmp_path.resolve()


@pytest.mark.parametrize(("name", "body", "key"), [
    ("pyproject.toml", "[tool.checker]\nfail_on = 'low'\n", "tool.checker.fail_on"),
    ("pyproject.toml", "[tool.checker]\nrules = []\n", "tool.checker.rules"),
    (".checker.toml", "colour = 'red'\n", "colour"),
    (".checker.toml", "[severity]\nUNP001 = 'critical'\n", "severity.UNP001"),
    (".checker.toml", "min-score = 200\n", "min-score"),
    (".checker.toml", "packs = ['no/such/pack']\n", "packs.0"),
])
def test_bad_config_names_file_and_key(tmp_path, name, body, key):
    write(tmp_path, name, body)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / name)
    assert err.value.path == str((tmp_path / name).resolve())
    assert err.value.key == key


def test_unknown_key_suggests_the_right_one(tmp_path):
    write(tmp_path, ".checker.toml", "fail_on = 'low'\n")
    with pytest.raises(ConfigError, match="did you mean 'fail-on'"):
        load_config(tmp_path / ".checker.toml")


def test_invalid_toml_is_a_config_error(tmp_path):
    write(tmp_path, ".checker.toml", "fail-on = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path / ".checker.toml")


def test_unknown_key_exits_2_naming_file_and_key(cli, tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.checker]\nfail-on = 'high'\nthreshold = 3\n")
    write(tmp_path, "a.txt", CLEAN)
    code, out, err = cli("ci", "a.txt")
    assert code == 2 and out == ""
    known = "disable, exclude, fail-on, include, min-score, packs, severity"
    assert err.strip() == f"checker: error: [E605] {(tmp_path / 'pyproject.toml').resolve()}: tool.checker.threshold: unknown key (known keys: {known})"


def test_unknown_rule_in_config_names_the_config(cli, tmp_path):
    write(tmp_path, ".checker.toml", "disable = ['UNP999']\n")
    write(tmp_path, "a.txt", CLEAN)
    code, _, err = cli("ci", "a.txt")
    assert code == 2 and ".checker.toml: disable: unknown rule or pack 'UNP999'" in err


def test_config_keys_take_effect_and_flags_override(cli, tmp_path):
    write(tmp_path, "hype.txt", HYPE)
    write(tmp_path, "bad.txt", SAFE)
    assert cli("ci", "hype.txt")[0] == 0
    write(tmp_path, ".checker.toml", "fail-on = 'medium'\n")
    assert cli("ci", "hype.txt")[0] == 1
    assert cli("ci", "hype.txt", "--fail-on", "high")[0] == 0  # the flag beats the file
    write(tmp_path, ".checker.toml", "disable = ['fda-registered-misdirection']\n")
    assert cli("ci", "bad.txt")[0] == 0
    write(tmp_path, ".checker.toml", "severity = { UNR001 = 'medium' }\n")
    assert cli("ci", "bad.txt")[0] == 0
    assert cli("ci", "bad.txt", "--fail-on", "medium")[0] == 1
    write(tmp_path, ".checker.toml", "min-score = 100\n")
    assert cli("ci", "hype.txt")[0] == 1
    assert cli("ci", "hype.txt", "--min-score", "0")[0] == 0
    assert cli("ci", "hype.txt", "--isolated")[0] == 0


def test_explicit_config_file(cli, tmp_path):
    write(tmp_path, "hype.txt", HYPE)
    write(tmp_path, "strict.toml", "fail-on = 'medium'\n")
    assert cli("ci", "hype.txt", "--config", "strict.toml")[0] == 1
    assert cli("ci", "hype.txt", "--config", "missing.toml")[0] == 2


def test_config_packs_are_relative_to_the_config_file(cli, tmp_path):
    pack = write(tmp_path, "conf/packs/house/pack.yml",
                 "name: house\nversion: '1'\nprefix: HSE\ndescription: House style.\n")
    write(pack.parent, "HSE001-zebra.yml", """id: HSE001
name: zebra-word
kind: phrase
severity: high
confidence: 0.9
message: 'Says {match}.'
rationale: House style forbids it.
references: [https://example.org/style]
match:
  phrases: [zebra]
  attr: LOWER
""")
    write(tmp_path, "conf/.checker.toml", "packs = ['packs/house']\n")
    write(tmp_path, "conf/page.txt", "The lobby has zebra wallpaper.\n")
    write(tmp_path, "elsewhere/page.txt", "The lobby has zebra wallpaper.\n")
    code, out, _ = cli("ci", "conf/page.txt", "elsewhere/page.txt", "--format", "json")
    pages = {p["path"]: [f["rule"] for f in p["findings"]] for p in json.loads(out)["pages"]}
    assert code == 1
    assert pages == {"conf/page.txt": ["HSE001"], "elsewhere/page.txt": []}  # per-file: nearest config wins


def test_include_and_exclude_globs(cli, tmp_path):
    write(tmp_path, ".checker.toml", "include = ['content/**/*.md', '*.html']\nexclude = ['drafts/**', '*.skip.md']\n")
    write(tmp_path, "content/a.md", SAFE)
    write(tmp_path, "content/x/b.md", SAFE)
    write(tmp_path, "content/c.txt", SAFE)  # not included
    write(tmp_path, "content/d.skip.md", SAFE)  # excluded by name
    write(tmp_path, "drafts/e.html", SAFE)  # excluded folder
    write(tmp_path, "f.html", SAFE)
    code, out, _ = cli("ci", ".", "--format", "json")
    assert [p["path"] for p in json.loads(out)["pages"]] == ["content/a.md", "content/x/b.md", "f.html"]
    # a named file that the config excludes is reported as skipped, not silently dropped
    code, out, _ = cli("ci", "drafts/e.html", "f.html", "--format", "text")
    assert "drafts/e.html: skipped: excluded by 'drafts/**'" in out and "1 skipped" in out
    assert "1 page checked" in out


def test_scan_honours_config_rules(monkeypatch, capsys, tmp_path):
    from tests.helpers import run_cli

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.txt", SAFE)
    def unp004() -> list[str]:
        code, out, _ = run_cli(monkeypatch, capsys, "scan", "bad.txt", "--format", "json")
        assert code == 0
        return [f["severity"] for f in json.loads(out)["findings"] if f["rule"] == "UNR001"]

    assert unp004() == ["high"]
    write(tmp_path, ".checker.toml", "disable = ['UNR001']\nseverity = { hype-superlative = 'high' }\n")
    assert unp004() == []
    write(tmp_path, ".checker.toml", "severity = { UNR001 = 'low' }\n")
    assert unp004() == ["low"]
    write(tmp_path, ".checker.toml", "bogus = 1\n")
    code, out, err = run_cli(monkeypatch, capsys, "scan", "bad.txt")
    assert code == 2 and "bogus: unknown key" in err
