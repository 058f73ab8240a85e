"""Lexicon terms as the PhraseMatchers read them: the NORM, ORTH and LOWER hash of each token of each term.

Tokenizing the ~3,000 lexicon terms (spaCy creates a lexeme, with all its attributes, for every
new word) was most of the cost of building the pipeline. PhraseMatcher.add takes a sequence of
attribute hashes as it takes a Doc (spaCy's own pickling of a PhraseMatcher rebuilds it that
way), so the hashes are kept in the user cache (checker.cachedir) and the matchers are built
from them without tokenizing. The file is named by a hash of the lexicon files, the negation
termset, spaCy's version and checker's; any change, or a file that does not read back whole,
means tokenizing again. A spaCy DocBin of the term Docs was measured and not kept: reading it
back creates the same lexemes, and took as long as tokenizing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

import orjson
from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from checker import cachedir
from checker.lexicon import Lexicon

FORMAT = 1  # bump when the file's layout or what a row means changes
ATTRS = ("NORM", "ORTH", "LOWER")  # the attributes our PhraseMatchers (and negspacy's) match on
Row = tuple[tuple[int, ...], ...]  # per attribute in ATTRS, the hash of each token
_U64 = 2**64

_memo: dict[str, dict[str, Row]] = {}  # fingerprint -> rows, for the pipelines built in one process


def lexicon_terms(lexicon: Lexicon) -> list[str]:
    """Every phrase the entity and qualifier rulers add to a PhraseMatcher."""
    q = lexicon.qualifiers
    terms = [t for e in lexicon.entries for t in e.terms]
    terms += [t for entry in q.entries for t in entry.terms] + q.pseudo + q.terminators
    terms += [t for key in sorted(lexicon.negation) for t in lexicon.negation[key]]
    return list(dict.fromkeys(terms))


def tokenize(nlp: Language, terms: Sequence[str]) -> dict[str, Row]:
    """The slow path: tokenize every term."""
    rows: dict[str, Row] = {}
    for term, doc in zip(terms, cast(Tokenizer, nlp.tokenizer).pipe(terms)):
        if not len(doc):
            rows[term] = tuple(() for _ in ATTRS)
            continue
        arr = doc.to_array([NORM, ORTH, LOWER])
        rows[term] = tuple(tuple(int(h) for h in arr[:, i]) for i in range(len(ATTRS)))
    return rows


class PhraseTable:
    """Hash rows of known terms; a term not in the table is tokenized when asked for."""

    def __init__(self, nlp: Language, rows: dict[str, Row]) -> None:
        self.nlp = nlp
        self.rows = rows

    def patterns(self, terms: Iterable[str], attr: str) -> list[list[int]]:
        terms = list(terms)
        missing = [t for t in terms if t not in self.rows]
        if missing:
            self.rows = {**self.rows, **tokenize(self.nlp, missing)}
        col = ATTRS.index(attr)
        return [list(self.rows[t][col]) for t in terms]

    def add(self, matcher: PhraseMatcher, key: str, terms: Iterable[str], attr: str) -> None:
        """matcher.add(key, terms as Docs), from the table: the matcher's `attr` must be `attr`."""
        matcher.add(key, cast(list[Doc], self.patterns(terms, attr)))  # the .pyx takes hash lists; the stub says Doc


def fingerprint(nlp: Language, lexicon: Lexicon) -> str:
    import spacy

    from checker import __version__

    h = hashlib.sha256(f"{FORMAT}|{spacy.__version__}|{__version__}|{nlp.lang}".encode())
    for name in lexicon.files:
        path = Path(name)
        h.update(f"|{path.name}|".encode())
        h.update(path.read_bytes())
    h.update(orjson.dumps(lexicon.negation, option=orjson.OPT_SORT_KEYS))  # negspacy's termset is not in a lexicon file
    return h.hexdigest()


def file_name(key: str) -> str:
    return f"phrases-{key[:32]}.json"


def phrase_table(nlp: Language, lexicon: Lexicon) -> PhraseTable:
    """The table for `lexicon`: from this process's memo, else the user cache, else tokenized
    (and then written to the cache). The cache never makes this fail."""
    try:
        key = fingerprint(nlp, lexicon)
    except OSError:  # a lexicon file vanished since it was loaded: no key, no cache
        return PhraseTable(nlp, tokenize(nlp, lexicon_terms(lexicon)))
    rows = _memo.get(key)
    if rows is None:
        terms = lexicon_terms(lexicon)
        rows = decode(cachedir.read(file_name(key)), key, terms)
        if rows is None:
            rows = tokenize(nlp, terms)
            cachedir.write(file_name(key), encode(rows, key), prune="phrases-*.json")
        _memo[key] = rows
    return PhraseTable(nlp, rows)


def encode(rows: dict[str, Row], key: str) -> bytes:
    return orjson.dumps({"format": FORMAT, "fingerprint": key, "rows": rows})


def decode(data: bytes | None, key: str, terms: Sequence[str]) -> dict[str, Row] | None:
    """The rows in `data`, or None unless it is a whole file for this key holding every term."""
    if not data:
        return None
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT or obj.get("fingerprint") != key:
        return None
    raw = obj.get("rows")
    if not isinstance(raw, dict) or any(t not in raw for t in terms):
        return None
    rows: dict[str, Row] = {}
    for term, row in raw.items():
        if not (isinstance(row, list) and len(row) == len(ATTRS) and all(isinstance(c, list) and len(c) == len(row[0]) for c in row)
                and all(type(h) is int and 0 <= h < _U64 for c in row for h in c)):
            return None
        rows[term] = tuple(tuple(c) for c in row)
    return rows
