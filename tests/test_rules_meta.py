"""Meta-tests over the rule registry (as sqlfluff's docstring test): every rule has a case file
with enough firing and non-firing cases, a rationale with a "Better wording" part, references,
a taxonomy row; ids are unique and stable (tests/rule_cases/ids.txt lists every id ever issued)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from checker.engine import load_ruleset
from checker.engine.cases import case_files, load_case_file
from checker.engine.loader import builtin_pack_dirs, load_pack

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "rule_cases"
IDS_FILE = CASES_DIR / "ids.txt"
SOURCES = ROOT.parent / "shared" / "design" / "rule-sources.md"
RULES = load_ruleset().rules
MIN_FIRE = MIN_QUIET = 2


def issued_ids() -> dict[str, tuple[str, str | None]]:
    """id -> (name, retirement reason or None), from ids.txt."""
    out: dict[str, tuple[str, str | None]] = {}
    for n, line in enumerate(IDS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([A-Z]{2,5}\d{3})\s+([a-z0-9-]+)(?:\s+retired:\s*(\S.*))?$", line)
        assert m, f"ids.txt line {n} is malformed: {line!r}"
        assert m.group(1) not in out, f"ids.txt lists {m.group(1)} twice"
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def cases_by_rule() -> dict[str, list]:
    out: dict[str, list] = {}
    for path in case_files(CASES_DIR):
        cases = load_case_file(path)
        assert path.stem == cases[0].rule, f"{path}: the file must be named after its rule ({cases[0].rule}.yml)"
        assert cases[0].rule not in out, f"{path}: a second case file for {cases[0].rule}"
        out[cases[0].rule] = cases
    return out


def test_at_least_thirty_rules():
    assert len(RULES) >= 30


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_cases(rule):
    cases = cases_by_rule().get(rule.id)
    assert cases, f"{rule.id} has no case file tests/rule_cases/{rule.pack}/{rule.id}.yml"
    assert Path(cases[0].path).parent.name == rule.pack, f"{rule.id}: put its cases under tests/rule_cases/{rule.pack}/"
    fire = sum(c.fire for c in cases)
    quiet = len(cases) - fire
    assert fire >= MIN_FIRE, f"{rule.id}: {fire} firing case(s), need {MIN_FIRE}"
    assert quiet >= MIN_QUIET, f"{rule.id}: {quiet} non-firing case(s), need {MIN_QUIET}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule):
    paragraphs = [p for p in rule.rationale.strip().split("\n\n") if p.strip()]
    assert len(paragraphs) >= 2 and len(paragraphs[0]) >= 80, f"{rule.id}: the rationale must say why it matters"
    assert "Better wording" in rule.rationale, f"{rule.id}: the rationale needs a 'Better wording' part"
    assert rule.references and all(r.startswith(("http://", "https://")) for r in rule.references)
    assert rule.taxonomy, f"{rule.id}: name the rule-sources.md row it implements (taxonomy:)"
    assert "{" in rule.message or rule.kind in {"absence", "conditional"}, f"{rule.id}: the message should name what matched"


def test_case_files_name_existing_rules():
    known = {r.id for r in RULES}
    orphans = sorted(set(cases_by_rule()) - known)
    assert not orphans, f"case files for rules that do not exist: {orphans}"


def test_ids_unique_across_packs():
    ids = Counter(i for d in builtin_pack_dirs() for r in load_pack(d)[1] for i in (r.id, *r.aliases))
    assert [i for i, n in ids.items() if n > 1] == []


def test_ids_are_stable_and_never_reused():
    issued = issued_ids()
    for rule in RULES:
        assert rule.id in issued, f"{rule.id} is new: add '{rule.id} {rule.name}' to {IDS_FILE.name}"
        name, retired = issued[rule.id]
        assert retired is None, f"{rule.id} was retired ({retired}); ids are never reused"
        assert name == rule.name or name in rule.aliases, f"{rule.id} was issued as {name!r}, now named {rule.name!r}"
    live = {r.id for r in RULES}
    for ident, (name, retired) in issued.items():
        if ident not in live:
            assert retired, f"{ident} ({name}) is gone from the packs: mark it 'retired: <reason>' in {IDS_FILE.name}"


def test_every_taxonomy_row_is_implemented_or_explained():
    if not SOURCES.is_file():
        pytest.skip("../shared/design/rule-sources.md is not present")
    rows = re.findall(r"^\| `([a-z_]+)` \|", SOURCES.read_text(encoding="utf-8"), flags=re.M)
    assert len(rows) >= 36
    implemented = {r.taxonomy for r in RULES}
    readmes = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "rules" / "packs").glob("*/README.md"))
    missing = [row for row in rows if row not in implemented and f"`{row}`" not in readmes]
    assert not missing, f"taxonomy rows with no rule and no written reason in a pack README: {missing}"


def test_taxonomy_keys_name_real_rows():
    if not SOURCES.is_file():
        pytest.skip("../shared/design/rule-sources.md is not present")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", SOURCES.read_text(encoding="utf-8"), flags=re.M))
    unknown = sorted({r.taxonomy for r in RULES} - rows)
    assert not unknown, f"taxonomy keys that are not rows of rule-sources.md: {unknown}"


def test_references_come_from_the_reference_list():
    refs = (ROOT / "rules" / "REFERENCES.md").read_text(encoding="utf-8")
    for rule in RULES:
        for url in rule.references:
            assert url in refs, f"{rule.id}: {url} is not in rules/REFERENCES.md"


def test_test_ids_look_like_sqlfluff():
    ids = [c.id for cases in cases_by_rule().values() for c in cases]
    assert len(ids) == len(set(ids))
    assert all(re.match(r"^[A-Z]{2,5}\d{3}-[A-Za-z0-9_-]+$", i) for i in ids)
