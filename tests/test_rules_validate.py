"""`checker rules validate PATH`: a user's pack and its cases. Exit 0 when all pass, 1 when a case
fails (naming it), 2 with one line `file: key: message` for a schema error; nothing in a YAML file
is ever executed. Also: a user's pack, disabled rules and severity overrides via load_ruleset."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from checker.analyze import Analyzer
from checker.cli import main
from checker.engine import load_ruleset
from checker.engine.cases import load_case_file, validate_pack
from checker.errors import RuleFileError

RULE = """\
id: MYP001
name: bee-venom
kind: phrase
severity: medium
confidence: 0.8
message: "'{match}': bee venom sold as a therapy."
rationale: |
  Bee venom therapy has no trial evidence behind it for joint disease, and stings can cause anaphylaxis.

  Better wording: say that it is unproven and can cause severe allergic reactions.
references: [https://example.org/bee-venom]
match:
  phrases: [bee venom therapy, apitherapy]
"""
CASES = """\
rule: MYP001
names_it:
  text: Try apitherapy for your arthritis.
  fire: true
  severity: medium
  match: apitherapy
negated:
  text: We do not offer apitherapy.
  fire: false
"""


def make_pack(root: Path, rule: str = RULE, cases: str | None = CASES, rule_file: str = "MYP001-bee-venom.yml") -> Path:
    pack = root / "mypack"
    (pack / "cases").mkdir(parents=True)
    (pack / "pack.yml").write_text("name: mypack\nprefix: MYP\ndescription: a user's pack\n")
    (pack / rule_file).write_text(rule)
    if cases is not None:
        (pack / "cases" / "MYP001.yml").write_text(cases)
    return pack


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["checker", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_pack_with_passing_cases_exits_0(tmp_path, monkeypatch, capsys):
    pack = make_pack(tmp_path)
    code, out, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 0, err
    assert "pack mypack: 1 rule(s) valid; 2 case(s)" in out and "2 passed, 0 failed" in out


def test_failing_case_exits_1_and_names_it(tmp_path, monkeypatch, capsys):
    pack = make_pack(tmp_path, cases=CASES + "wrong:\n  text: Nothing to see here.\n  fire: true\n")
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 1
    assert "FAIL MYP001-wrong" in out and "expected a MYP001 finding, got none" in out


def test_cases_option_points_elsewhere(tmp_path, monkeypatch, capsys):
    pack = make_pack(tmp_path, cases=None)
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "MYP001.yml").write_text(CASES)
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "validate", str(pack), "--cases", str(other))
    assert code == 0 and "2 passed" in out


def test_pack_without_cases_reports_untested_rules(tmp_path, monkeypatch, capsys):
    pack = make_pack(tmp_path, cases=None)
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 0 and "rules without cases: MYP001" in out


@pytest.mark.parametrize(
    ("broken", "key", "words", "error"),
    [
        (RULE + "colour: red\n", "colour", "unknown key", "E505"),
        (RULE.replace("kind: phrase", "kind: regex").replace("phrases: [bee venom therapy, apitherapy]", "regex: ['bee (venom']"),
         "match.regex.0", "bad regex", "E501"),
        (RULE.replace("kind: phrase", "kind: pattern").replace("phrases: [bee venom therapy, apitherapy]", "patterns: [[{LOWER: {FOO: [bee]}}]]"),
         "match.patterns.0", "bad token pattern", "E508"),
        (RULE.replace("kind: phrase", "kind: pattern").replace("phrases: [bee venom therapy, apitherapy]", "patterns: [[{LEMMA: sting}]]"),
         "match.patterns.0.0", "LEMMA", "E506"),
        (RULE.replace("severity: medium", "severity: extreme"), "severity", "Input should be", "E504"),
        (RULE.replace("references: [https://example.org/bee-venom]", "references: []"), "references", "at least 1", "E504"),
        (RULE.replace("id: MYP001", "id: XYZ001"), "id", "pack prefix", "E503"),
    ],
    ids=["unknown-key", "bad-regex", "bad-token-pattern", "lemma-rejected", "bad-severity", "no-references", "wrong-prefix"],
)
def test_schema_errors_exit_2_with_file_and_key(tmp_path, monkeypatch, capsys, broken, key, words, error):
    pack = make_pack(tmp_path, rule=broken)
    code, out, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2
    line = err.strip()
    assert "\n" not in line and "Traceback" not in err
    assert line.startswith(f"checker: error: [{error}] {pack / 'MYP001-bee-venom.yml'}: {key}: "), line
    assert words in line


def test_python_tag_is_refused_and_never_executed(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "executed"
    evil = RULE + f"payload: !!python/object/apply:os.system ['touch {marker}']\n"
    pack = make_pack(tmp_path, rule=evil)
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2
    line = err.strip()
    assert "\n" not in line and str(pack / "MYP001-bee-venom.yml") in line and "invalid YAML" in line
    assert not marker.exists()


def test_python_tag_in_a_case_file_is_refused(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "executed"
    pack = make_pack(tmp_path, cases=CASES + f"evil: !!python/object/apply:os.system ['touch {marker}']\n")
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2 and str(pack / "cases" / "MYP001.yml") in err and "\n" not in err.strip()
    assert not marker.exists()


@pytest.mark.parametrize(
    ("cases", "key", "words"),
    [
        (CASES.replace("rule: MYP001", "rule: MYP999"), "rule", "no rule 'MYP999'"),
        (CASES.replace("  fire: false\n", ""), "negated.fire", "Field required"),
        (CASES + "bad:\n  text: x\n  fire: false\n  severity: high\n", "bad", "only to cases with fire: true"),
        (CASES + "typo:\n  text: x\n  fires: true\n  fire: true\n", "typo.fires", "unknown key"),
        (CASES.replace("rule: MYP001\n", ""), "rule", "missing"),
    ],
    ids=["unknown-rule", "missing-fire", "severity-on-quiet-case", "unknown-case-key", "no-rule-key"],
)
def test_bad_case_files_exit_2(tmp_path, monkeypatch, capsys, cases, key, words):
    pack = make_pack(tmp_path, cases=cases)
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2
    assert f"{pack / 'cases' / 'MYP001.yml'}: {key}: " in err and words in err


def test_missing_pack_manifest_exits_2(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(tmp_path))
    assert code == 2 and "no pack.yml" in err


def test_id_clash_with_builtin_pack_is_an_error(tmp_path):
    pack = make_pack(tmp_path)
    (pack / "pack.yml").write_text("name: mypack\nprefix: UNP\n")
    (pack / "MYP001-bee-venom.yml").write_text(RULE.replace("MYP001", "UNP001"))
    with pytest.raises(RuleFileError, match="UNP001 already used"):
        validate_pack(pack)


def test_builtin_pack_validates_against_its_own_cases():
    root = Path(__file__).resolve().parent.parent
    result = validate_pack(root / "rules" / "packs" / "spam", cases_dir=root / "tests" / "rule_cases" / "spam")
    assert result.ok and result.results and not result.rules_without_cases


def test_json_output(tmp_path, monkeypatch, capsys):
    import json

    pack = make_pack(tmp_path)
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "validate", str(pack), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["pack"] == "mypack" and data["passed"] == 2 and data["failures"] == []


def test_case_loader_returns_sqlfluff_style_ids(tmp_path):
    pack = make_pack(tmp_path)
    cases = load_case_file(pack / "cases" / "MYP001.yml")
    assert [c.id for c in cases] == ["MYP001-names_it", "MYP001-negated"]
    assert cases[0].fire and cases[0].severity == "medium" and not cases[1].fire


# --- a user's pack, disabled rules, severity overrides (the engine side of configuration) --------

def test_user_pack_rules_run_beside_the_builtin_ones(tmp_path):
    pack = make_pack(tmp_path)
    analyzer = Analyzer(ruleset=load_ruleset(extra_pack_dirs=[pack]))
    rules = {f.rule for f in analyzer.check_text("Apitherapy and stem cell therapy cure arthritis.").findings}
    assert {"MYP001", "UNP001"} <= rules


def test_disable_by_id_name_or_pack():
    base = {r.id for r in load_ruleset().rules}
    assert "UNP001" not in {r.id for r in load_ruleset(disabled=["UNP001"]).rules}
    assert "UNP008" not in {r.id for r in load_ruleset(disabled=["hype-superlative"]).rules}
    without_spam = {r.id for r in load_ruleset(disabled=["spam"]).rules}
    assert without_spam == {i for i in base if not i.startswith("SPM")}


def test_disabled_rule_no_longer_fires():
    text = "Our stem cell therapy cures multiple sclerosis."
    on = Analyzer(ruleset=load_ruleset()).check_text(text)
    off = Analyzer(ruleset=load_ruleset(disabled=["UNP001"])).check_text(text)
    assert "UNP001" in {f.rule for f in on.findings} and "UNP001" not in {f.rule for f in off.findings}


def test_severity_override_changes_findings():
    rs = load_ruleset(severity={"UNP008": "low", "disclosure": "high"})
    assert rs.get("UNP008").severity == "low"
    assert {r.severity for r in rs.rules if r.pack == "disclosure"} == {"high"}
    finding = next(f for f in Analyzer(ruleset=rs).check_text("A revolutionary treatment.").findings if f.rule == "UNP008")
    assert finding.severity == "low"


def test_unknown_rule_in_disable_is_an_error():
    with pytest.raises(RuleFileError, match="unknown rule or pack 'NOPE001'"):
        load_ruleset(disabled=["NOPE001"])


def test_case_judging_respects_severity_and_match(tmp_path):
    path = tmp_path / "UNP008.yml"
    path.write_text(textwrap.dedent("""\
        rule: UNP008
        wrong_severity:
          text: A revolutionary treatment.
          fire: true
          severity: high
        wrong_match:
          text: A revolutionary treatment.
          fire: true
          match: miracle
        right:
          text: A revolutionary treatment.
          fire: true
          severity: low
          match: REVOLUTIONARY
    """))
    from checker.analyze import default_analyzer
    from checker.engine.cases import run_cases

    results = run_cases(load_case_file(path), default_analyzer())
    assert [r.passed for r in results] == [False, False, True]
    assert "severity high" in results[0].reason and "'miracle'" in results[1].reason


# ---- rule packs that validate but cannot run (issue 15) ----------------------------------------

def _rule(kind_and_match: str, extra: str = "") -> str:
    """RULE with another match block (and optional top-level keys)."""
    head = RULE[: RULE.index("kind: phrase")]
    body = RULE[RULE.index("severity:") : RULE.index("match:")]
    return head + kind_and_match.split("\n", 1)[0] + "\n" + body + kind_and_match.split("\n", 1)[1] + extra


def _words(n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) for _ in range(n)]


@pytest.fixture
def small_re2_budget(monkeypatch):
    """RE2 with a 1 MB budget instead of 64 MB, so that 'too large' needs kilobytes, not megabytes."""
    import checker.safe_regex as safe_regex

    def clear() -> None:
        for fn in (safe_regex._compile, safe_regex.phrases_regex, safe_regex.alternation):
            fn.cache_clear()

    clear()
    monkeypatch.setattr(safe_regex, "MAX_MEM", 1 << 20)
    yield
    clear()


def test_a_billion_laughs_under_a_token_pattern_is_refused_quickly(tmp_path, monkeypatch, capsys):
    laughs = "".join(f"x{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    rule = "x0: &l0 ['+', '+', '+', '+', '+', '+', '+', '+', '+', '+']\n" + laughs + _rule(
        "kind: pattern\nmatch:\n  patterns: [[{LOWER: bee, OP: *l9}]]\n")
    pack = make_pack(tmp_path, rule=rule, cases=None)
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2 and "Traceback" not in err
    assert ": YAML: YAML structure too large: " in err and "over the limit of 200,000" in err and err.count("\n") == 1


def test_a_yaml_alias_that_contains_itself_is_refused(tmp_path):
    pack = make_pack(tmp_path, rule="loop: &me [*me]\n" + RULE, cases=None)
    with pytest.raises(RuleFileError, match="contains it"):
        validate_pack(pack)


def test_regexes_that_only_fail_combined_are_refused_on_load(tmp_path, monkeypatch, capsys, small_re2_budget):
    import checker.safe_regex as safe_regex

    parts = ["|".join(_words(2000, seed)) for seed in range(3)]
    for part in parts:
        safe_regex.compile_regex(part)  # each one alone compiles...
    rule = _rule("kind: regex\nmatch:\n  regex:\n" + "".join(f"    - '{p}'\n" for p in parts))
    pack = make_pack(tmp_path, rule=rule, cases=None)
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2  # ...but not the alternation the scan runs: refused, not an internal error on every page
    assert f"{pack / 'MYP001-bee-venom.yml'}: match.regex: " in err and "pattern too large" in err
    assert "combined" in err and len(err) < 1000


def test_unless_sentence_has_is_compiled_on_load(tmp_path, small_re2_budget):
    context = "context:\n  unless_sentence_has:\n" + "".join(f"    - {w}\n" for w in _words(6000, 1))
    pack = make_pack(tmp_path, rule=RULE + context, cases=None)
    with pytest.raises(RuleFileError, match="context.unless_sentence_has: bad regex .*pattern too large"):
        validate_pack(pack)


def test_an_error_line_never_echoes_a_whole_regex(tmp_path, monkeypatch, capsys):
    huge = "(" + "a" * 1_000_000
    pack = make_pack(tmp_path, rule=_rule(f"kind: regex\nmatch:\n  regex: ['{huge}']\n"), cases=None)
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2 and "bad regex '(aaaa" in err and "… (1,000,003 characters)" in err
    assert len(err) < 1000


@pytest.mark.parametrize("what", ["rule file", "cases folder", "case file"])
def test_links_leading_out_of_the_pack_are_refused(tmp_path, monkeypatch, capsys, what):
    pack = make_pack(tmp_path / "in")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if what == "rule file":
        (elsewhere / "secret.yml").write_text(RULE.replace("MYP001", "MYP002"))
        (pack / "MYP002-linked.yml").symlink_to(elsewhere / "secret.yml")
    elif what == "cases folder":
        (pack / "cases" / "MYP001.yml").rename(elsewhere / "MYP001.yml")
        (pack / "cases").rmdir()
        (pack / "cases").symlink_to(elsewhere, target_is_directory=True)
    else:
        (elsewhere / "more.yml").write_text(CASES)
        (pack / "cases" / "more.yml").symlink_to(elsewhere / "more.yml")
    code, _, err = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 2 and "symbolic link leading out of" in err, err


def test_links_that_stay_inside_the_pack_are_followed(tmp_path, monkeypatch, capsys):
    pack = make_pack(tmp_path)
    (pack / "cases").rename(pack / "my-cases")
    (pack / "cases").symlink_to(pack / "my-cases", target_is_directory=True)
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "validate", str(pack))
    assert code == 0 and "2 passed" in out
