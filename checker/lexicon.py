"""Lexicons: the vocabulary the NLP rulers mark, loaded from rules/lexicons/*.yml and validated.

An entity lexicon file has a `label` and `entries`; each entry has a stable `key`, `terms`
(matched on token NORM, so case and curly apostrophes do not matter), `verbs` (expanded to
their inflections, since a blank pipeline has no lemmatizer), `regex` (safe RE2), and free
`attrs` (for conditions: approval `status`, `category`, `system` and the `source` for it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.errors import Errors, RuleFileError
from checker.paths import lexicons_dir

LABELS = (
    "INTERVENTION", "CONDITION", "EFFECT", "BODY_PART", "PROVIDER", "REGULATOR", "CTA", "PRICE",
    "URL", "CAUTION", "ANAPHOR", "CONDITION_ANAPHOR",
)
QUALIFIER_CATEGORIES = ("NEGATED", "HEDGE", "HYPOTHETICAL", "REPORTED", "AMPLIFIER", "TESTIMONIAL")
CONDITION_STATUSES = ("approved", "not_approved", "unknown")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntryModel(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    terms: list[str] = []
    verbs: list[str] = []
    regex: list[str] = []
    attrs: dict[str, Any] = {}


class EntityFileModel(_Strict):
    label: Literal[LABELS]  # type: ignore[valid-type]
    description: str = ""
    source: str = ""
    plurals: bool = False
    entries: list[EntryModel]


class QualifierEntryModel(_Strict):
    category: Literal[QUALIFIER_CATEGORIES]  # type: ignore[valid-type]
    terms: list[str]
    direction: Literal["forward", "backward", "both"] = "forward"
    max_scope: int = Field(default=12, ge=1, le=100)


class QualifierFileModel(_Strict):
    description: str = ""
    terminators: list[str]
    pseudo: list[str] = []
    entries: list[QualifierEntryModel]


class NegationFileModel(_Strict):
    description: str = ""
    termset: Literal["en", "en_clinical", "en_clinical_sensitive"] = "en_clinical"
    pseudo_negations: list[str] = []
    preceding_negations: list[str] = []
    following_negations: list[str] = []
    termination: list[str] = []
    remove: list[str] = []


class SubjectsFileModel(_Strict):
    """Words that, as the subject of an effect verb, are not a treatment (rules/lexicons/subjects.yml)."""

    description: str = ""
    not_treatments: list[str]


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    key: str
    terms: tuple[str, ...]
    regex: tuple[str, ...]
    attrs: dict[str, Any]
    verbs: tuple[str, ...] = ()  # the verb lemmas as written ("regrow", "wipe out"), matched by lemma on parsed text


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    qualifiers: QualifierFileModel
    negation: dict[str, list[str]]
    files: tuple[str, ...] = ()
    by_key: dict[tuple[str, str], Entry] = field(default_factory=dict)
    not_treatments: frozenset[str] = frozenset()  # lower-cased head words: who receives or reports an effect, or a measure

    def attrs(self, label: str, key: str) -> dict[str, Any]:
        entry = self.by_key.get((label, key))
        return entry.attrs if entry else {}

    def labelled(self, label: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.label == label)

    @cached_property
    def effect_lemmas(self) -> dict[str, str]:
        """Single-word effect verbs by lemma -> entry key ("fight" -> treat): on parsed text an
        irregular form ("fought", "rebuilt") is found by its lemma, with no inflection table."""
        return {v: e.key for e in self.labelled("EFFECT") for v in e.verbs if " " not in v}

    @cached_property
    def effect_verb_lemmas(self) -> frozenset[str]:
        """Effect verbs and one-word effect terms ("halt"), lower-cased: a word the tagger read as
        a noun is checked against these (checker.structure.mistagged_verb)."""
        single = {t.lower() for e in self.labelled("EFFECT") for t in e.terms if " " not in t}
        phrasal = {v.split(" ")[0] for e in self.labelled("EFFECT") for v in e.verbs}  # "wipe out" -> wipe
        return frozenset(self.effect_lemmas) | single | phrasal



_SIBILANT = re.compile(r"(s|x|z|ch|sh)$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


def inflect_verb(lemma: str) -> list[str]:
    """Regular inflections of the verb that opens `lemma` ("wipe out" -> "wiped out"…).
    Irregular forms are listed as terms in the lexicon instead."""
    word, *tail = lemma.split(" ")
    suffix = " " + " ".join(tail) if tail else ""
    if word.endswith("e"):
        forms = [word, word + "s", word + "d", word[:-1] + "ing"]
    elif _CONSONANT_Y.search(word):
        forms = [word, word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    elif _SIBILANT.search(word):
        forms = [word, word + "es", word + "ed", word + "ing"]
    else:
        forms = [word, word + "s", word + "ed", word + "ing"]
    return [f + suffix for f in forms]


def pluralize(term: str) -> str:
    *head, word = term.split(" ")
    if not word[-1:].isalpha() or word.isupper() or word.endswith("s"):
        return term
    if _CONSONANT_Y.search(word):
        plural = word[:-1] + "ies"
    elif _SIBILANT.search(word):
        plural = word + "es"
    else:
        plural = word + "s"
    return " ".join([*head, plural])


# libyaml's parser with the safe constructor when PyYAML has it (its wheels do): ~8x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Bounds on a loaded YAML structure, aliases expanded (the shipped files use ~1,500 nodes): anchors
# and aliases let 2 KB of YAML stand for a billion nodes ("billion laughs"), which whatever walks
# the data next (pydantic, spaCy's pattern validation) would expand.
MAX_YAML_NODES = 200_000
MAX_YAML_DEPTH = 50


def yaml_size(data: Any) -> tuple[int, int]:
    """(nodes, depth) of `data` with every alias expanded, computed without expanding it: each
    shared list or mapping is measured once. Raises ValueError on a structure that contains itself."""
    memo: dict[int, tuple[int, int]] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, list[Any]]] = []

    def children(obj: Any) -> list[Any]:
        return [x for kv in obj.items() for x in kv] if isinstance(obj, dict) else list(obj)

    def measure(obj: Any) -> tuple[int, int] | None:
        if not isinstance(obj, (dict, list)):
            return 1, 0
        if id(obj) in memo:
            return memo[id(obj)]
        if id(obj) in open_ids:
            raise ValueError("a YAML alias refers to a structure that contains it")
        open_ids.add(id(obj))
        stack.append((obj, children(obj)))
        return None

    result = measure(data)
    while stack:
        obj, todo = stack[-1]
        while todo:
            if measure(todo.pop()) is None:
                break
        else:
            stack.pop()
            parts = [memo.get(id(c), (1, 0)) for c in children(obj)]
            memo[id(obj)] = (1 + sum(n for n, _ in parts), 1 + max((d for _, d in parts), default=0))
            open_ids.discard(id(obj))
    return result if result is not None else memo[id(data)]


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_SAFE_LOADER)  # safe: no Python tags, nothing executed
    except RecursionError:
        raise RuleFileError(Errors.E530.format(limit=MAX_YAML_DEPTH), path=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "YAML"
        raise RuleFileError(Errors.E532.format(reason=getattr(exc, "problem", exc)), path=str(path), key=where) from None
    except OSError as exc:
        raise RuleFileError(Errors.E533.format(reason=exc.strerror or exc), path=str(path)) from None
    try:
        nodes, depth = yaml_size(data)
    except ValueError as exc:
        raise RuleFileError(Errors.E538.format(reason=exc), path=str(path), key="YAML") from None
    if nodes > MAX_YAML_NODES:
        raise RuleFileError(Errors.E534.format(nodes=nodes, limit=MAX_YAML_NODES), path=str(path), key="YAML")
    if depth > MAX_YAML_DEPTH:
        raise RuleFileError(Errors.E531.format(depth=depth, limit=MAX_YAML_DEPTH), path=str(path), key="YAML")
    return data


def validation_error(exc: ValidationError, path: Path) -> RuleFileError:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    msg = Errors.E505 if err["type"] == "extra_forbidden" else Errors.E504.format(reason=err["msg"])
    return RuleFileError(msg, path=str(path), key=key)


def load_lexicon(directory: Path | None = None) -> Lexicon:
    directory = directory or lexicons_dir()
    return _load_lexicon_cached(str(directory))


@cache
def _load_lexicon_cached(directory: str) -> Lexicon:
    root = Path(directory)
    entries: list[Entry] = []
    qualifiers: QualifierFileModel | None = None
    negation = NegationFileModel()
    not_treatments: frozenset[str] | None = None
    files = sorted(root.glob("*.yml"))
    for path in files:
        data = load_yaml(path)
        try:
            if path.stem == "qualifiers":
                qualifiers = QualifierFileModel.model_validate(data)
            elif path.stem == "negation":
                negation = NegationFileModel.model_validate(data)
            elif path.stem == "subjects":
                not_treatments = frozenset(w.lower() for w in SubjectsFileModel.model_validate(data).not_treatments)
            else:
                model = EntityFileModel.model_validate(data)
                entries.extend(_entries(model, path))
        except ValidationError as exc:
            raise validation_error(exc, path) from None
    if qualifiers is None:
        raise RuleFileError(Errors.E535, path=str(root))
    if not_treatments is None:  # a lexicon folder of its own may leave out the subjects: ours apply, as negspacy's defaults do for negation
        shipped = lexicons_dir()
        not_treatments = frozenset() if root.resolve() == shipped.resolve() else load_lexicon(shipped).not_treatments
    by_key = {(e.label, e.key): e for e in entries}
    return Lexicon(tuple(entries), qualifiers, _negation_termset(negation), tuple(str(f) for f in files), by_key,
                   not_treatments)


def _entries(model: EntityFileModel, path: Path) -> list[Entry]:
    from checker.safe_regex import compile_regex

    out = []
    seen: set[str] = set()
    for i, e in enumerate(model.entries):
        if e.key in seen:
            raise RuleFileError(Errors.E536.format(key=e.key), path=str(path), key=f"entries.{i}.key")
        seen.add(e.key)
        if model.label == "CONDITION" and e.attrs.get("status") not in CONDITION_STATUSES:
            raise RuleFileError(Errors.E537.format(statuses=CONDITION_STATUSES), path=str(path), key=f"entries.{i}.attrs.status")
        for j, rx in enumerate(e.regex):
            compile_regex(rx, path=str(path), key=f"entries.{i}.regex.{j}")
        terms = list(e.terms)
        for verb in e.verbs:
            terms.extend(inflect_verb(verb))
        if model.plurals:
            terms.extend(pluralize(t) for t in e.terms)
        out.append(Entry(model.label, e.key, tuple(dict.fromkeys(terms)), tuple(e.regex), dict(e.attrs), tuple(e.verbs)))
    return out


def _negation_termset(model: NegationFileModel) -> dict[str, list[str]]:
    from negspacy.termsets import termset

    base = termset(model.termset).get_patterns()
    removed = set(model.remove)
    merged: dict[str, list[str]] = {}
    for key in ("pseudo_negations", "preceding_negations", "following_negations", "termination"):
        terms = [t for t in base[key] if t not in removed] + list(getattr(model, key))
        merged[key] = list(dict.fromkeys(terms))
    return merged
