"""The rule engine: one test per rule kind on a throwaway pack, validation errors that name the
file and key, a crashing rule that becomes an internal-error finding, order independence."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from checker.analyze import Analyzer
from checker.engine import load_ruleset
from checker.engine.loader import RuleSet
from checker.errors import RuleFileError

REF = ["https://www.fda.gov/"]
RATIONALE = "Why this matters, in enough words to pass validation.\n\nBetter wording: something careful."


def make_pack(tmp_path: Path, rules: list[dict], name: str = "testpack", prefix: str = "TST") -> Path:
    pack = tmp_path / name
    pack.mkdir(parents=True, exist_ok=True)
    (pack / "pack.yml").write_text(yaml.safe_dump({"name": name, "prefix": prefix}))
    for rule in rules:
        body = {"name": rule["id"].lower(), "severity": "high", "confidence": 0.9, "message": "matched '{match}'",
                "rationale": RATIONALE, "references": REF, **rule}
        (pack / f"{rule['id']}.yml").write_text(yaml.safe_dump(body))
    return pack


@pytest.fixture
def run(tmp_path):
    def _run(rules: list[dict], text: str, format: str = "text"):
        ruleset = load_ruleset(pack_dirs=[make_pack(tmp_path, rules)])
        return Analyzer(ruleset=ruleset).check_text(text, format=format)

    return _run


def fired(report, rule_id="TST001"):
    return [f for f in report.findings if f.rule == rule_id]


def test_phrase_kind_and_context_skip_negated(run):
    rule = {"id": "TST001", "kind": "phrase", "match": {"phrases": ["miracle cure"]}}
    assert fired(run([rule], "It is a miracle cure for knees."))
    assert not fired(run([rule], "It is not a miracle cure for knees."))


def test_hedge_downgrades_and_never_raises_severity(run):
    rule = {"id": "TST001", "kind": "phrase", "match": {"phrases": ["regrows cartilage"]}}
    plain = fired(run([rule], "PRP regrows cartilage."))[0]
    hedged = fired(run([rule], "PRP may regrow cartilage, and it regrows cartilage in some."))
    assert plain.severity == "high"
    assert all(f.severity in {"high", "medium"} for f in hedged)
    hedged_only = fired(run([rule], "PRP possibly regrows cartilage."))[0]
    assert hedged_only.severity == "medium" and hedged_only.explanation.modifiers


def test_pattern_kind(run):
    rule = {"id": "TST001", "kind": "pattern",
            "match": {"patterns": [[{"LOWER": {"IN": ["cure", "cures"]}}, {"LOWER": "for"}, {"IS_ALPHA": True}]]}}
    assert fired(run([rule], "Finally a cure for arthritis."))
    assert not fired(run([rule], "Finally a treatment for arthritis."))


def test_regex_kind_on_re2(run):
    rule = {"id": "TST001", "kind": "regex", "match": {"regex": r"\b\d{2}% success\b"}}
    hits = fired(run([rule], "We report 95% success in knees."))
    assert hits and hits[0].match == "95% success"


def test_claim_kind(run):
    rule = {"id": "TST001", "kind": "claim", "match": {"effect_classes": ["cure"], "condition_status": ["not_approved"]}}
    assert fired(run([rule], "Our stem cells cure Parkinson's disease."))
    assert not fired(run([rule], "Our stem cells do not cure Parkinson's disease."))
    assert not fired(run([rule], "Bone marrow transplants cure some leukemias."))  # approved use


def test_absence_kind(run):
    rule = {"id": "TST001", "kind": "absence", "match": {"cautions": ["risk"]}}
    assert fired(run([rule], "Our stem cells cure Parkinson's disease."))
    assert not fired(run([rule], "Our stem cells cure Parkinson's disease. Risks include infection."))
    assert not fired(run([rule], "We are a clinic in Springfield."))  # no claims, nothing to disclose


def test_link_kind(run):
    rule = {"id": "TST001", "kind": "link", "match": {"anchor_regex": "stem cell", "min_anchor_words": 2}}
    html = '<p>Intro.</p><p>See <a href="https://promo.example">stem cell clinic</a> now.</p><p><a href="/local">stem cell page</a></p>'
    hits = fired(run([rule], html, "html"))
    assert [f.match for f in hits] == ["stem cell clinic"]  # the relative link is not external


def test_metric_kind(run):
    rule = {"id": "TST001", "kind": "metric", "match": {"metric": "exclamations", "threshold": 2}, "message": "{value} runs"}
    assert fired(run([rule], "Amazing!! Call now!!! Really."))[0].message == "2 runs"
    assert not fired(run([rule], "Amazing! Call now."))


def test_conditional_kind(run):
    rule = {"id": "TST001", "kind": "conditional",
            "match": {"when": {"regex": [r"NCT\d{8}"]}, "and_present": {"labels": ["PRICE"]}, "within": "document"}}
    assert fired(run([rule], "Join our study NCT01234567. The fee is $4,500."))
    assert not fired(run([rule], "Join our study NCT01234567. It is free."))


def test_crashing_rule_becomes_an_internal_error_finding(run, monkeypatch):
    from checker.engine import kinds

    def boom(rule, ctx):
        raise RuntimeError("kaboom")

    monkeypatch.setitem(kinds.EVALUATORS, "metric", boom)
    rules = [{"id": "TST001", "kind": "metric", "match": {"metric": "exclamations", "threshold": 1}},
             {"id": "TST002", "kind": "phrase", "match": {"phrases": ["miracle"]}}]
    report = run(rules, "A miracle!!")
    names = {(f.rule, f.name) for f in report.findings}
    assert ("TST001", "internal-error") in names and ("TST002", "tst002") in names


def test_rule_order_does_not_change_results(tmp_path):
    rules = [{"id": f"TST00{i}", "kind": "phrase", "match": {"phrases": [w]}} for i, w in enumerate(["cure", "miracle", "risk-free"], 1)]
    rs = load_ruleset(pack_dirs=[make_pack(tmp_path, rules)])
    text = "A risk-free miracle cure."
    forward = Analyzer(ruleset=rs).check_text(text).findings
    backward = Analyzer(ruleset=RuleSet(tuple(reversed(rs.rules)), rs.packs)).check_text(text).findings
    assert forward == backward


@pytest.mark.parametrize("patch,key", [
    ({"colour": "red"}, "colour"),
    ({"kind": "telepathy"}, "kind"),
    ({"severity": "extreme"}, "severity"),
    ({"references": ["not a url"]}, "references.0"),
    ({"match": {"regex": "(?<=x)y"}}, "match.regex.0"),
    ({"match": {"regex": "("}}, "match.regex.0"),
])
def test_bad_rule_files_name_the_file_and_key(tmp_path, patch, key):
    rule = {"id": "TST001", "kind": "regex", "match": {"regex": "x"}, **patch}
    pack = make_pack(tmp_path, [rule])
    with pytest.raises(RuleFileError) as err:
        load_ruleset(pack_dirs=[pack])
    assert "TST001.yml" in str(err.value) and key in str(err.value)


@pytest.mark.parametrize("kind, match, error", [
    ("claim", {"phrases": ["cure"]}, "[E505] {path}: match.phrases: unknown key (rule TST001)"),  # a phrase rule's shape
    ("regex", {"phrases": ["cure"]}, "[E504] {path}: match.regex: Field required (rule TST001)"),
    ("phrase", {"phrases": []}, "[E504] {path}: match.phrases: List should have at least 1 item after validation, not 0 (rule TST001)"),
    ("metric", {"metric": "exclamations"}, "[E504] {path}: match.threshold: Field required (rule TST001)"),
    ("conditional", {"when": {"phrases": ["x"]}, "within": "page"},
     "[E504] {path}: match.within: Input should be 'sentence', 'block' or 'document' (rule TST001)"),
    ("telepathy", {"phrases": ["cure"]}, "[E539] {path}: kind: kind must be one of phrase, pattern, regex, claim, absence, link, "
                                         "metric, conditional (rule TST001)"),
    (None, {"phrases": ["cure"]}, "[E539] {path}: kind: kind must be one of phrase, pattern, regex, claim, absence, link, "
                                  "metric, conditional (rule TST001)"),
])
def test_a_rule_is_checked_against_its_kinds_shape_on_load(tmp_path, kind, match, error):
    """One discriminated union keyed on `kind` (checker.engine.schema.RULE_MODEL): the error names the
    file, the key as written in the file, and the rule, with its code."""
    rule = {"id": "TST001", "kind": kind, "match": match}
    if kind is None:
        del rule["kind"]
    pack = make_pack(tmp_path, [rule])
    with pytest.raises(RuleFileError) as err:
        load_ruleset(pack_dirs=[pack])
    assert str(err.value) == error.format(path=pack / "TST001.yml")


def test_every_kind_has_its_own_rule_model():
    from typing import get_args

    from checker.engine.kinds import EVALUATORS
    from checker.engine.schema import KINDS, RULE_MODEL, RuleModel

    models = get_args(get_args(RuleModel)[0])
    tags = [get_args(m.model_fields["kind"].annotation)[0] for m in models]
    assert tags == list(KINDS) and set(KINDS) == set(EVALUATORS)
    assert all(m.model_fields["match"].annotation is not dict for m in models)
    assert type(RULE_MODEL.validate_python({"id": "TST001", "name": "t", "kind": "regex", "severity": "low", "confidence": 0.5,
                                            "message": "hello", "rationale": RATIONALE, "references": REF,
                                            "match": {"regex": "x"}}).match).__name__ == "RegexMatch"


def test_bad_token_pattern_and_lemma_are_rejected(tmp_path):
    bad = {"id": "TST001", "kind": "pattern", "match": {"patterns": [[{"LOWER": {"IN": "notalist"}}]]}}
    with pytest.raises(RuleFileError, match=r"match\.patterns\.0"):
        load_ruleset(pack_dirs=[make_pack(tmp_path / "a", [bad])])
    lemma = {"id": "TST001", "kind": "pattern", "match": {"patterns": [[{"LEMMA": "cure"}]]}}
    with pytest.raises(RuleFileError, match="never sets"):
        load_ruleset(pack_dirs=[make_pack(tmp_path / "b", [lemma])])


def test_unknown_key_inside_match_is_rejected(tmp_path):
    rule = {"id": "TST001", "kind": "phrase", "match": {"phrases": ["x"], "phrazes": ["y"]}}
    with pytest.raises(RuleFileError, match=r"match\.phrazes: unknown key"):
        load_ruleset(pack_dirs=[make_pack(tmp_path, [rule])])


def test_python_yaml_tags_are_refused_and_nothing_runs(tmp_path):
    pack = make_pack(tmp_path, [])
    marker = tmp_path / "pwned"
    (pack / "TST001.yml").write_text(textwrap.dedent(f"""\
        id: TST001
        name: !!python/object/apply:os.system ["touch {marker}"]
    """))
    with pytest.raises(RuleFileError, match="invalid YAML"):
        load_ruleset(pack_dirs=[pack])
    assert not marker.exists()


def test_duplicate_ids_and_disable_and_severity_override(tmp_path):
    rules = [{"id": "TST001", "kind": "phrase", "match": {"phrases": ["cure"]}}]
    a = make_pack(tmp_path / "one", rules, name="one")
    b = make_pack(tmp_path / "two", rules, name="two")
    with pytest.raises(RuleFileError, match="already used"):
        load_ruleset(pack_dirs=[a, b])
    assert load_ruleset(pack_dirs=[a], disabled=["TST001"]).rules == ()
    assert load_ruleset(pack_dirs=[a], severity={"TST001": "low"}).rules[0].severity == "low"
    with pytest.raises(RuleFileError, match="unknown rule"):
        load_ruleset(pack_dirs=[a], disabled=["NOPE999"])


def test_builtin_packs_load_with_at_least_three_rules_each():
    rs = load_ruleset()
    for pack in ("unproven", "unregulated", "promotional", "disclosure", "spam"):
        assert len([r for r in rs.rules if r.pack == pack]) >= 3, pack
    assert {r.kind for r in rs.rules} == {"phrase", "regex", "claim", "absence", "link", "metric", "conditional"} | (
        {"pattern"} & {r.kind for r in rs.rules})


def test_model_findings_can_be_disabled_by_id():
    from checker.analyze import Analyzer

    text = "Parking is free. Our stem cells may help with knee arthritis, which many say is a miracle."
    off = Analyzer(ruleset=load_ruleset(disabled=["MDL001"]))
    assert "MDL001" in off.ruleset.disabled
    assert not [f for f in off.check_text(text).findings if f.rule == "MDL001"]


def test_every_metric_a_rule_may_name_is_registered_once():
    """Metrics are registered functions (checker.engine.kinds.METRICS): the names rule files may
    use (the schema's) and the registry agree, so a new metric is a checked addition."""
    from checker.engine.kinds import METRICS as registered
    from checker.engine.schema import METRICS as allowed

    assert set(registered) == set(allowed)


def test_a_rule_whose_match_is_not_its_kinds_model_is_refused():
    from checker.engine.kinds import match_of
    from checker.engine.schema import AbsenceMatch, RegexMatch

    rule = next(r for r in load_ruleset().rules if r.kind == "absence")
    assert isinstance(match_of(rule, AbsenceMatch), AbsenceMatch)
    with pytest.raises(TypeError):
        match_of(rule, RegexMatch)
