"""Rule test cases (the sqlfluff pattern): one YAML file per rule, loaded, validated and run.

A case file names its rule, then holds named cases:

    rule: UNP001
    cure_asserted:
      text: "Our stem cell therapy cures multiple sclerosis."
      fire: true            # at least one finding of the rule
      severity: high        # optional: one such finding has this severity...
      match: cures          # ...and this substring in its matched text (case-insensitive)
    negated:
      text: "Stem cells do not cure MS."
      fire: false           # no finding of the rule
      format: text          # optional: text (default), html or markdown

The library loads and runs cases and returns data; `checker rules validate` and the test suite
print or assert on it. Every malformed file or case is a RuleFileError naming the file and key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field, ValidationError, model_validator

from checker.engine.schema import Strict
from checker.errors import Errors, RuleFileError
from checker.lexicon import load_yaml, validation_error
from checker.types import Finding, Report

CASE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


class CaseModel(Strict):
    text: str = Field(min_length=1)
    fire: bool
    format: Literal["text", "html", "markdown"] = "text"
    severity: Literal["high", "medium", "low"] | None = None
    match: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _fire_only_options(self) -> CaseModel:
        if not self.fire and (self.severity or self.match):
            raise ValueError("severity and match apply only to cases with fire: true")
        return self


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    text: str
    fire: bool
    format: str = "text"
    severity: str | None = None
    match: str | None = None
    path: str = ""

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"


@dataclass(frozen=True)
class CaseResult:
    case: Case
    passed: bool
    reason: str  # why it failed ("" when it passed)
    findings: tuple[Finding, ...]  # the findings of the case's rule


class TextChecker(Protocol):
    def check_text(self, text: str, *, format: str = ..., source: str = ...) -> Report: ...


def load_case_file(path: Path) -> list[Case]:
    data = load_yaml(path)
    where = str(path)
    if not isinstance(data, dict):
        raise RuleFileError(Errors.E520, path=where)
    rule = data.get("rule")
    if not isinstance(rule, str) or not rule:
        raise RuleFileError(Errors.E521, path=where, key="rule")
    cases = []
    for name, body in data.items():
        if name == "rule":
            continue
        if not isinstance(name, str) or not re.match(CASE_NAME, name):
            raise RuleFileError(Errors.E522, path=where, key=str(name))
        if not isinstance(body, dict):
            raise RuleFileError(Errors.E523, path=where, key=name)
        try:
            model = CaseModel.model_validate(body)
        except ValidationError as exc:
            err = validation_error(exc, path)
            raise RuleFileError(err.detail, path=where, key=f"{name}.{err.key}" if err.key != "(top level)" else name) from None
        cases.append(Case(rule, name, model.text, model.fire, model.format, model.severity, model.match, where))
    if not cases:
        raise RuleFileError(Errors.E524, path=where)
    return cases


def case_files(directory: Path) -> list[Path]:
    """Every *.yml / *.yaml file under `directory`, sorted."""
    return sorted(p for p in directory.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())


def load_cases(directory: Path) -> list[Case]:
    """The cases of every file under `directory`; a file reached through a symbolic link that
    leads out of `directory` is refused."""
    from checker.engine.loader import inside

    if not directory.is_dir():
        raise RuleFileError(Errors.E525, path=str(directory))
    return [case for path in case_files(directory) for case in load_case_file(inside(path, directory))]


def judge(case: Case, findings: Sequence[Finding]) -> CaseResult:
    """Pass or fail one case, given all the findings on its text."""
    own = tuple(f for f in findings if f.rule == case.rule)
    shown = "; ".join(f"{f.severity} {f.match!r}" for f in own[:3])
    if not case.fire:
        if own:
            return CaseResult(case, False, f"expected no {case.rule} finding, got {len(own)}: {shown}", own)
        return CaseResult(case, True, "", own)
    if not own:
        return CaseResult(case, False, f"expected a {case.rule} finding, got none", own)
    wanted = [
        f for f in own
        if (case.severity is None or f.severity == case.severity)
        and (case.match is None or case.match.casefold() in f.match.casefold())
    ]
    if not wanted:
        expect = " and ".join(
            part for part in (
                f"severity {case.severity}" if case.severity else "",
                f"match containing {case.match!r}" if case.match else "",
            ) if part
        )
        return CaseResult(case, False, f"expected a {case.rule} finding with {expect}, got: {shown}", own)
    return CaseResult(case, True, "", own)


def run_case(case: Case, checker: TextChecker) -> CaseResult:
    report = checker.check_text(case.text, format=case.format, source=f"{case.path}#{case.name}")
    return judge(case, report.findings)


def run_cases(cases: Iterable[Case], checker: TextChecker) -> list[CaseResult]:
    return [run_case(case, checker) for case in cases]


@dataclass(frozen=True)
class PackValidation:
    """What `checker rules validate` found: the pack's rules, and each case's result."""

    pack: str
    path: str
    rules: tuple[str, ...]
    cases_dir: str | None
    results: tuple[CaseResult, ...]
    rules_without_cases: tuple[str, ...]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return not self.failed


def validate_pack(path: Path, *, cases_dir: Path | None = None) -> PackValidation:
    """Validate a pack directory (pack.yml + rule files) together with the built-in packs (so an
    id that clashes with a built-in one is an error), then run its cases: `cases_dir`, or
    PATH/cases when it exists. Raises RuleFileError (file and key) for any schema problem."""
    from checker.analyze import Analyzer
    from checker.engine.loader import builtin_pack_dirs, inside, load_pack, load_ruleset

    path = Path(path)
    pack, rules = load_pack(path)
    builtin = [d.resolve() for d in builtin_pack_dirs()]
    if path.resolve() in builtin:
        ruleset = load_ruleset()
    else:
        ruleset = load_ruleset(extra_pack_dirs=[path])
    if cases_dir is None and (path / "cases").is_dir():
        cases_dir = inside(path / "cases", path)  # the pack's own cases stay inside the pack
    cases = load_cases(Path(cases_dir)) if cases_dir is not None else []
    ids = {r.id for r in rules}
    for case in cases:
        if case.rule not in ids:
            raise RuleFileError(Errors.E526.format(rule=case.rule, pack=pack.name), path=case.path, key="rule")
    results = tuple(run_cases(cases, Analyzer(ruleset=ruleset))) if cases else ()
    tested = {c.rule for c in cases}
    return PackValidation(
        pack=pack.name, path=str(path), rules=tuple(sorted(ids)), cases_dir=str(cases_dir) if cases_dir else None,
        results=results, rules_without_cases=tuple(sorted(ids - tested)),
    )
