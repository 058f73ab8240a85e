"""Discover, validate and compile rule packs. A pack is a folder with pack.yml and one YAML file
per rule. Every problem is a RuleFileError naming the file and the key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from checker.engine.schema import KINDS, RULE_MODEL, PackModel, Strict
from checker.errors import Errors, RuleFileError, clip
from checker.lexicon import load_yaml, validation_error
from checker.paths import packs_dir
from checker.safe_regex import alternation, compile_regex, phrases_regex
from checker.types import Severity

# Findings that do not come from a rule file: the sentence model's, and ci's own. They can be
# disabled by id like any rule.
PSEUDO_RULES = frozenset({"MDL001", "CHK001", "CHK002"})

# Token attributes a blank pipeline never sets: a pattern using them would silently never match.
_UNSET_ATTRS = {"LEMMA", "POS", "TAG", "DEP", "MORPH", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID", "SENT_START", "IS_SENT_START"}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    pack: str
    kind: str
    severity: Severity
    confidence: float
    message: str
    rationale: str
    references: tuple[str, ...]
    match: Strict
    context: Any
    weight: float
    path: str
    aliases: tuple[str, ...] = ()
    taxonomy: str | None = None

    @property
    def why(self) -> str:
        return self.rationale.strip().split("\n\n")[0].replace("\n", " ")


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    packs: dict[str, PackModel] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()  # disabled ids of findings that come from outside the packs (MDL001)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id or rule_id in r.aliases or r.name == rule_id), None)

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


def builtin_pack_dirs() -> list[Path]:
    return sorted(p for p in packs_dir().iterdir() if (p / "pack.yml").is_file())


def load_rule_file(path: Path, pack: PackModel) -> Rule:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(Errors.E502, path=str(path))
    try:
        model = RULE_MODEL.validate_python(data)  # the rule checked against its kind's shape
    except ValidationError as exc:
        raise rule_error(exc, path, data) from None
    if not model.id.startswith(pack.prefix):
        raise RuleFileError(Errors.E503.format(prefix=pack.prefix), path=str(path), key="id")
    _check_match(model.kind, model.match, path, model.context)
    return Rule(
        id=model.id, name=model.name, pack=pack.name, kind=model.kind, severity=model.severity,
        confidence=model.confidence, message=model.message, rationale=model.rationale,
        references=tuple(model.references), match=model.match, context=model.context, weight=model.weight,
        path=str(path), aliases=tuple(model.aliases), taxonomy=model.taxonomy,
    )


def rule_error(exc: ValidationError, path: Path, data: dict[str, Any]) -> RuleFileError:
    """A rule file's first problem, keyed as in the file (not by the kind's model) and naming the rule."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        message, loc = Errors.E539.format(kinds=", ".join(KINDS)), ["kind"]
    else:
        loc = loc[1:] if loc[:1] == [data.get("kind")] else loc  # the union's tag is not a key of the file
        message = Errors.E505 if err["type"] == "extra_forbidden" else Errors.E504.format(reason=err["msg"])
    rule = data.get("id")
    if isinstance(rule, str):
        message += f" (rule {clip(rule, 40)})"
    return RuleFileError(message, path=str(path), key=".".join(loc) or "(top level)")


def _check_match(kind: str, match: Any, path: Path, context: Any = None) -> None:
    """Compile everything the scan will compile for this rule, exactly as it will (each regex
    alone first, to name the bad one; then the combined alternation the scan runs)."""
    where = str(path)
    if kind == "regex":
        for i, rx in enumerate(match.regex):
            compile_regex(rx, ignore_case=match.ignore_case, path=where, key=f"match.regex.{i}")
        _combined(alternation, (tuple(match.regex), match.ignore_case), where, "match.regex")
    elif kind == "pattern":
        for i, pattern in enumerate(match.patterns):
            for j, token in enumerate(pattern):
                unset = _UNSET_ATTRS & {str(k).upper() for k in token}
                if unset:
                    raise RuleFileError(
                        Errors.E506.format(attrs=sorted(unset)), path=where, key=f"match.patterns.{i}.{j}"
                    )
        _validate_patterns(match.patterns, where)
    elif kind == "link":
        for key in ("anchor_regex", "href_regex"):
            if getattr(match, key):
                compile_regex(getattr(match, key), path=where, key=f"match.{key}")
    elif kind == "metric":
        if match.terms and match.metric in ("term_density", "term_repeat"):
            _combined(phrases_regex, (tuple(match.terms),), where, "match.terms")
    elif kind == "conditional":
        for part in ("when", "and_present", "and_absent"):
            sel = getattr(match, part)
            for i, rx in enumerate(sel.regex if sel else []):
                compile_regex(rx, path=where, key=f"match.{part}.regex.{i}")
            if sel and sel.regex:
                _combined(alternation, (tuple(sel.regex), True), where, f"match.{part}.regex")
            if sel and sel.phrases:
                _combined(phrases_regex, (tuple(sel.phrases),), where, f"match.{part}.phrases")
        if not (match.and_present or match.and_absent):
            raise RuleFileError(Errors.E507, path=where, key="match")
    if context is not None and context.unless_sentence_has:
        _combined(phrases_regex, (tuple(context.unless_sentence_has),), where, "context.unless_sentence_has")


def _combined(build: Any, args: tuple[Any, ...], where: str, key: str) -> None:
    try:
        build(*args)
    except RuleFileError as exc:
        raise RuleFileError(f"{exc.detail} (the combined pattern the scan runs)", path=where, key=key) from None


def _validate_patterns(patterns: list[list[dict[str, object]]], where: str) -> None:
    import spacy

    matcher = Matcher(spacy.blank("en").vocab, validate=True)
    for i, pattern in enumerate(patterns):
        try:
            matcher.add(f"p{i}", [pattern])
        except (MatchPatternError, ValueError, TypeError, KeyError) as exc:
            message = " ".join(str(exc).split())[:300]
            raise RuleFileError(Errors.E508.format(reason=message), path=where, key=f"match.patterns.{i}") from None


def load_pack(directory: Path) -> tuple[PackModel, list[Rule]]:
    manifest = directory / "pack.yml"
    if not manifest.is_file():
        raise RuleFileError(Errors.E509, path=str(directory))
    try:
        pack = PackModel.model_validate(load_yaml(inside(manifest, directory)))
    except ValidationError as exc:
        raise validation_error(exc, manifest) from None
    rules = [load_rule_file(inside(p, directory), pack) for p in sorted(directory.glob("*.yml")) if p.name != "pack.yml"]
    return pack, rules


def inside(path: Path, folder: Path) -> Path:
    """`path`, unless it is a symbolic link (or under one) that leads out of `folder`."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise RuleFileError(Errors.E510.format(folder=folder, target=path.resolve()), path=str(path))
    return path


def load_ruleset(
    *,
    pack_dirs: Iterable[Path] | None = None,
    extra_pack_dirs: Iterable[Path] = (),
    disabled: Iterable[str] = (),
    severity: dict[str, Severity] | None = None,
    only_packs: Iterable[str] | None = None,
) -> RuleSet:
    """The built-in packs (or `pack_dirs`), plus users' packs; minus disabled rules or packs;
    with severity overrides. Ids must be unique across all packs."""
    dirs = list(pack_dirs) if pack_dirs is not None else builtin_pack_dirs()
    dirs += list(extra_pack_dirs)
    packs: dict[str, PackModel] = {}
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for directory in dirs:
        pack, pack_rules = load_pack(Path(directory))
        if pack.name in packs:
            raise RuleFileError(Errors.E511.format(name=pack.name), path=str(directory), key="name")
        packs[pack.name] = pack
        for rule in pack_rules:
            for ident in (rule.id, *rule.aliases):
                if ident in seen:
                    raise RuleFileError(Errors.E512.format(rule=ident, path=seen[ident]), path=rule.path, key="id")
                seen[ident] = rule.path
            rules.append(rule)
    off = set(disabled)
    wanted = set(only_packs) if only_packs is not None else None
    overrides = severity or {}
    unknown = (off | set(overrides)) - {r.id for r in rules} - {r.name for r in rules} - set(packs) - PSEUDO_RULES
    if unknown:
        raise RuleFileError(Errors.E513.format(name=sorted(unknown)[0]), key="disable/severity")
    kept = []
    for rule in rules:
        if rule.id in off or rule.name in off or rule.pack in off:
            continue
        if wanted is not None and rule.pack not in wanted:
            continue
        new_severity = overrides.get(rule.id) or overrides.get(rule.name) or overrides.get(rule.pack)
        kept.append(replace(rule, severity=new_severity) if new_severity else rule)
    kept.sort(key=lambda r: r.id)
    return RuleSet(tuple(kept), packs, frozenset(off & PSEUDO_RULES))


class DocMatchers:
    """All phrase rules in one PhraseMatcher per attribute, all pattern rules in one Matcher:
    one pass over each Doc, whatever the number of rules."""

    def __init__(self, nlp: Language, ruleset: RuleSet) -> None:
        self.phrase: dict[str, PhraseMatcher] = {}
        self.matcher = Matcher(nlp.vocab)
        self.has_patterns = False
        for rule in ruleset.by_kind("phrase"):
            attr = rule.match.attr  # type: ignore[attr-defined]
            pm = self.phrase.setdefault(attr, PhraseMatcher(nlp.vocab, attr=attr))
            pm.add(rule.id, list(cast(Tokenizer, nlp.tokenizer).pipe(rule.match.phrases)))  # type: ignore[attr-defined]
        for rule in ruleset.by_kind("pattern"):
            self.matcher.add(rule.id, rule.match.patterns)  # type: ignore[attr-defined]
            self.has_patterns = True
        self.strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> Iterator[tuple[str, int, int]]:
        matchers: list[Any] = list(self.phrase.values())
        if self.has_patterns:
            matchers.append(self.matcher)
        from checker.nlp.components import token_offsets

        starts, ends = token_offsets(doc)
        for matcher in matchers:
            for match_id, start, end in matcher(doc):
                yield self.strings[match_id], int(starts[start]), int(ends[end - 1])
