"""spaCy components. They only annotate, nothing judged here.

- checker_sentences: sentence starts after sentence-final punctuation (spaCy's Sentencizer rule)
  and after every newline token (blocks are newline-separated in the text the pipeline reads),
  so a sentence never runs across a heading or list item.
- checker_entities: lexicon terms and regexes, overlaps resolved.
- checker_negex: negspacy's negation triggers and test over those entities.
- checker_qualifiers: ConText-style triggers with direction, scope and terminators.

Annotations are plain tuples of token offsets in doc.user_data (see the *_KEY names and
`entities`, `negated`, `qualifiers` below), not Span objects: building a Span costs more than
matching it, and the pipeline only ever reads offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple, cast

import numpy as np
from negspacy.negation import Negex
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from thinc.types import Ints2d

from checker.lexicon import Lexicon, load_lexicon
from checker.nlp.phrases import PhraseTable, phrase_table
from checker.safe_regex import compile_regex

ENT_KEY = "checker_entities"  # user_data: list[Entity], sorted
NEG_KEY = "checker_negated"  # user_data: list[bool], parallel to the entities
QUAL_KEY = "checker_qualifiers"  # user_data: list[QualifierMatch]
STARTS_KEY = "checker_sentence_starts"  # user_data: list[int], the first token of each sentence
_NEWLINES = re.compile(r"[\r\n]+")


class Entity(NamedTuple):
    start: int  # token offsets
    end: int
    label: str
    key: str


class QualifierMatch(NamedTuple):
    category: str
    start: int  # token offsets of the trigger
    end: int
    scope_start: int  # character offsets (in the Doc's text) of the range it governs
    scope_end: int


def doc_text(doc: Doc) -> str:
    """The Doc's text. `doc.text` re-joins every token in Python, so annotate() stores the chunk
    string it tokenized in user_data and the components read that."""
    text = doc.user_data.get("checker_text")
    if text is None:
        text = doc.user_data["checker_text"] = doc.text
    return text


def token_offsets(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Character start and end of every token, computed once per Doc (cached in user_data)."""
    cached = doc.user_data.get("checker_offsets")
    if cached is None:
        arr = doc.to_array([IDX, LENGTH]).astype(np.int64) if len(doc) else np.zeros((0, 2), dtype=np.int64)
        cached = (arr[:, 0], arr[:, 0] + arr[:, 1])
        doc.user_data["checker_offsets"] = cached
    return cached


def sentence_starts(doc: Doc) -> list[int]:
    """The first token of every sentence, from SENT_START (no Span objects); checker_sentences
    leaves them in user_data, so the later components and annotate() do not read them again."""
    cached = doc.user_data.get(STARTS_KEY)
    if cached is not None:
        return cached
    if not len(doc):
        return []
    starts = np.flatnonzero(doc.to_array(SENT_START).astype(np.int64) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def entities(doc: Doc) -> list[Entity]:
    return doc.user_data.get(ENT_KEY, [])


def negated(doc: Doc) -> list[bool]:
    return doc.user_data.get(NEG_KEY) or [False] * len(entities(doc))


def qualifiers(doc: Doc) -> list[QualifierMatch]:
    return doc.user_data.get(QUAL_KEY, [])


@Language.factory("checker_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceBounds:
    return SentenceBounds(nlp)


class SentenceBounds:
    """spaCy's Sentencizer rule, vectorised: a token that is neither punctuation nor a
    sentence-final character starts a sentence when such a character came since the previous
    such token. Plus: the first non-space token after a newline starts a sentence. The
    Sentencizer walks the Doc token by token in Python; this reads three arrays."""

    def __init__(self, nlp: Language) -> None:
        strings = nlp.vocab.strings
        self.final = np.array(sorted(strings.add(c) for c in Sentencizer.default_punct_chars), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, IS_SPACE])
        at = np.minimum(np.searchsorted(self.final, arr[:, 0]), len(self.final) - 1)
        final = self.final[at] == arr[:, 0]  # np.isin, without its fixed cost
        ordinary = np.flatnonzero(~(final | arr[:, 1].astype(bool)))
        seen = np.concatenate(([0], np.cumsum(final)))  # seen[i]: final characters before token i
        previous = np.concatenate(([-1], ordinary[:-1]))
        is_start = np.zeros(n, dtype=bool)
        is_start[ordinary[seen[ordinary] - seen[previous + 1] > 0]] = True
        text = doc_text(doc)
        if "\n" in text or "\r" in text:
            is_start |= self._after_newlines(doc, text, ~arr[:, 2].astype(bool))
        is_start[0] = True
        # thinc's Ints2d names the array type spaCy's stub expects; the uint64 column is what Doc.from_array reads
        doc.from_array([SENT_START], cast(Ints2d, np.where(is_start, 1, -1).astype(np.int64).astype(np.uint64)[:, None]))
        doc.user_data[STARTS_KEY] = np.flatnonzero(is_start).tolist()
        return doc

    @staticmethod
    def _after_newlines(doc: Doc, text: str, not_space: np.ndarray) -> np.ndarray:
        out = np.zeros(len(doc), dtype=bool)
        newlines = np.fromiter((m.start() for m in _NEWLINES.finditer(text)), dtype=np.int64)
        first = np.searchsorted(token_offsets(doc)[0], newlines, side="right")  # first token after each newline
        words = np.flatnonzero(not_space)
        k = np.searchsorted(words, first)  # the first non-space token at or after it
        hits = words[k[k < len(words)]]
        out[hits[hits > 0]] = True
        return out


def _is_abbreviation(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and term.replace("-", "").replace("'", "").isalnum() and term.isupper() and len(term) <= 6


@Language.factory("checker_entities", default_config={"lexicon_dir": ""})
def make_entities(nlp: Language, name: str, lexicon_dir: str) -> EntityRuler:
    from pathlib import Path

    return EntityRuler(nlp, load_lexicon(Path(lexicon_dir) if lexicon_dir else None))


class EntityRuler:
    """One PhraseMatcher on NORM (case- and apostrophe-insensitive) for ordinary terms, one on
    ORTH for short all-caps abbreviations (MS, ALS, RA), plus RE2 regexes on the text. The terms
    come tokenized from the phrase table (checker.nlp.phrases), usually read from the cache."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        table = phrase_table(nlp, lexicon)
        self.norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.regexes: list[tuple[str, str, object]] = []
        strings = nlp.vocab.strings
        by_id: dict[int, tuple[str, str]] = {}
        for entry in lexicon.entries:
            match_id = strings.add(f"{entry.label}|{entry.key}")
            by_id[match_id] = (entry.label, entry.key)
            abbreviations = [t for t in entry.terms if _is_abbreviation(t)]
            ordinary = [t for t in entry.terms if not _is_abbreviation(t)]
            if ordinary:
                table.add(self.norm, f"{entry.label}|{entry.key}", ordinary, "NORM")
            if abbreviations:
                table.add(self.orth, f"{entry.label}|{entry.key}", abbreviations, "ORTH")
            for rx in entry.regex:
                self.regexes.append((entry.label, entry.key, compile_regex(rx, ignore_case=entry.label != "CTA")))
        self.by_id = by_id

    def __call__(self, doc: Doc) -> Doc:
        found: list[Entity] = []
        by_id = self.by_id
        for matcher in (self.norm, self.orth):
            for match_id, start, end in matcher(doc):
                found.append(Entity(start, end, *by_id[match_id]))
        if self.regexes and len(doc):
            text = doc_text(doc)
            starts, ends = token_offsets(doc)
            for label, key, rx in self.regexes:
                for m in rx.finditer(text):  # type: ignore[attr-defined]
                    span = _expand(starts, ends, m.start(), m.end())
                    if span is not None:
                        found.append(Entity(*span, label, key))
        doc.user_data[ENT_KEY] = resolve_overlaps(found)
        return doc


def _expand(starts: np.ndarray, ends: np.ndarray, lo: int, hi: int) -> tuple[int, int] | None:
    """The tokens a character range touches (Doc.char_span(..., alignment_mode="expand")): a
    token owns its characters and the whitespace after it, up to the next token."""
    if hi <= 0 or lo >= int(ends[-1]) + 1:
        return None
    first = int(np.searchsorted(starts, lo, side="right")) - 1
    last = int(np.searchsorted(starts, hi - 1, side="right")) - 1
    if first < 0 or last < 0:
        return None
    if lo == int(ends[first]):  # starts in the whitespace after a token
        first += 1
    return (first, last + 1) if last + 1 > first else None


def filter_longest(entities: list[Entity]) -> list[Entity]:
    """spacy.util.filter_spans for tuples: the longest (then first) of overlapping entities."""
    ordered = sorted(entities, key=lambda e: (e.end - e.start, -e.start), reverse=True)
    seen: set[int] = set()
    kept = []
    for e in ordered:
        if e.start not in seen and e.end - 1 not in seen:
            kept.append(e)
            seen.update(range(e.start, e.end))
    return sorted(kept, key=lambda e: e.start)


_CONTAINER_KEEPS_INNER = {("EFFECT", "CONDITION"), ("EFFECT", "BODY_PART")}


def resolve_overlaps(found: list[Entity]) -> list[Entity]:
    """Within a label keep the longest non-overlapping entities. Across labels, drop one that
    lies strictly inside a longer entity of another label ("lower" inside "lower back pain",
    "liver" inside "liver failure"), except the object inside an effect phrase ("pain" in
    "pain relief"). Cautions are independent of the other labels."""
    by_label: dict[str, list[Entity]] = {}
    for e in found:
        by_label.setdefault(e.label, []).append(e)
    kept = [e for group in by_label.values() for e in filter_longest(group)]
    kept.sort(key=lambda e: (e.start, -e.end, e.label))
    others = [e for e in kept if e.label != "CAUTION"]  # sorted by start: a sweep finds containers
    out = []
    lo = 0
    for e in kept:
        if e.label != "CAUTION":
            while lo < len(others) and others[lo].end <= e.start:
                lo += 1  # entities ending before this one starts cannot contain it
            inside = False
            for o in others[lo:]:
                if o.start > e.start:
                    break
                if (o.label != e.label and e.end <= o.end and (o.end - o.start) > (e.end - e.start)
                        and (o.label, e.label) not in _CONTAINER_KEEPS_INNER):
                    inside = True
                    break
            if inside:
                continue
        out.append(e)
    out.sort(key=lambda e: (e.start, e.end, e.label))
    return out


@Language.factory("checker_qualifiers", default_config={"lexicon_dir": ""})
def make_qualifiers(nlp: Language, name: str, lexicon_dir: str) -> QualifierRuler:
    from pathlib import Path

    return QualifierRuler(nlp, load_lexicon(Path(lexicon_dir) if lexicon_dir else None))


class QualifierRuler:
    """ConText: a trigger governs up to max_scope tokens in its direction, never past the
    sentence edge or a terminator. Pseudo-triggers ("not only", "free consultation") cancel the
    triggers they overlap. Negation triggers are negspacy's termset plus ours (negation.yml), so
    a rule match that is not an entity is judged by the same words as the entities are."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        q = lexicon.qualifiers
        neg = lexicon.negation
        table = phrase_table(nlp, lexicon)
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.settings: dict[int, tuple[str, str, int]] = {}
        strings = nlp.vocab.strings

        def add(name: str, terms: list[str], setting: tuple[str, str, int] | None) -> None:
            if not terms:
                return
            match_id = strings.add(name)
            table.add(self.matcher, name, terms, "NORM")
            if setting:
                self.settings[match_id] = setting

        for i, entry in enumerate(q.entries):
            add(f"Q{i}|{entry.category}", entry.terms, (entry.category, entry.direction, entry.max_scope))
        add("NEG|forward", neg["preceding_negations"], ("NEGATED", "forward", 10))
        add("NEG|backward", neg["following_negations"], ("NEGATED", "backward", 8))
        self.pseudo_id = strings.add("PSEUDO")
        table.add(self.matcher, "PSEUDO", q.pseudo + neg["pseudo_negations"], "NORM")
        self.term_id = strings.add("TERMINATE")
        table.add(self.matcher, "TERMINATE", q.terminators + neg["termination"], "NORM")

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        pseudo = [(s, e) for m, s, e in matches if m == self.pseudo_id]
        terms = sorted(s for m, s, _ in matches if m == self.term_id)
        triggers = [
            (m, s, e) for m, s, e in matches
            if m in self.settings and not any(ps <= s < pe for ps, pe in pseudo)
        ]
        triggers = _longest_first(triggers)
        out: list[QualifierMatch] = []
        if triggers:
            starts_of_sentences = sentence_starts(doc)
            tok_starts, tok_ends = token_offsets(doc)
        for match_id, start, end in triggers:
            category, direction, max_scope = self.settings[match_id]
            k = bisect_right(starts_of_sentences, start) - 1
            lo = starts_of_sentences[k]
            hi = starts_of_sentences[k + 1] if k + 1 < len(starts_of_sentences) else len(doc)
            if direction in {"forward", "both"}:
                stop = next((t for t in terms if end <= t < hi), hi)
                hi_scope = min(stop, end + max_scope)
            else:
                hi_scope = end
            if direction in {"backward", "both"}:
                stop = max((t + 1 for t in terms if lo <= t < start), default=lo)
                lo_scope = max(stop, start - max_scope)
            else:
                lo_scope = start
            if hi_scope > lo_scope:
                scope = (int(tok_starts[lo_scope]), int(tok_ends[hi_scope - 1]))
            else:
                scope = (int(tok_starts[lo_scope]), int(tok_starts[start]))
            out.append(QualifierMatch(category, start, end, *scope))
        doc.user_data[QUAL_KEY] = out
        return doc


def _longest_first(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop a trigger inside a longer trigger ("may" inside "may help"), keeping overlaps of
    different lengths that are not nested."""
    ordered = sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1]))
    # A Fenwick tree over start tokens holds the furthest end of the kept triggers starting at or
    # before each token, so the nesting test is O(log n), not a scan of everything kept (which was
    # quadratic: 6,000 triggers in one block took 10 s).
    size = max((m[1] for m in matches), default=0) + 1
    reach = [-1] * (size + 1)
    kept: list[tuple[int, int, int]] = []
    for m in ordered:
        _, start, end = m
        i, furthest = start + 1, -1
        while i > 0:
            furthest = max(furthest, reach[i])
            i -= i & -i
        if furthest >= end:
            continue  # inside a kept trigger at least as long
        kept.append(m)
        i = start + 1
        while i <= size:
            reach[i] = max(reach[i], end)
            i += i & -i
    return sorted(kept, key=lambda m: m[1])


@Language.factory("checker_negex", default_config={"neg_termset": None, "lexicon_dir": ""})
def make_negex(nlp: Language, name: str, neg_termset: dict, lexicon_dir: str) -> FastNegex:
    from pathlib import Path

    return FastNegex(nlp, name, neg_termset, phrase_table(nlp, load_lexicon(Path(lexicon_dir) if lexicon_dir else None)))


class FastNegex(Negex):
    """negspacy's Negex: its termsets, matcher and pseudo-trigger handling (`process_negations`),
    and its negation test (a preceding trigger before the entity, or a following one after it,
    within the same sentence-or-termination boundary). What differs: it reads our entity tuples
    and writes a flag per entity (NEG_KEY) instead of Span extensions, and places each entity in
    its boundary by binary search, once, where negspacy re-scans every span for every boundary
    (quadratic in the spans of a document); and its triggers come from the phrase table, not tokenized."""

    def __init__(self, nlp: Language, name: str, neg_termset: dict[str, list[str]], table: PhraseTable) -> None:
        self.table = table
        super().__init__(nlp, name, neg_termset=neg_termset)

    def build_patterns(self) -> None:
        """negspacy's four trigger sets on LOWER, as negspacy adds them."""
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for key, terms in (("pseudo", self.pseudo_negations), ("Preceding", self.preceding_negations),
                           ("Following", self.following_negations), ("Termination", self.termination)):
            self.table.add(self.matcher, key, terms, "LOWER")

    def negex(self, doc: Doc) -> Doc:
        found = entities(doc)
        flags = [False] * len(found)
        doc.user_data[NEG_KEY] = flags
        if not found:
            return doc
        preceding, following, terminating = self.process_negations(doc)
        if not preceding and not following and not self.chunk_prefix:
            return doc
        starts = sorted(set(sentence_starts(doc)) | {t[1] for t in terminating})
        ends = starts[1:] + [len(doc)]
        by_boundary: dict[int, tuple[list[int], list[int]]] = {}
        for n, e in enumerate(found):
            i = bisect_right(starts, e.start) - 1
            if i < 0 or e.end > ends[i]:
                continue
            if self.ent_types and e.label not in self.ent_types:
                continue
            if i not in by_boundary:
                lo, hi = starts[i], ends[i]
                by_boundary[i] = ([m[1] for m in preceding if lo <= m[1] < hi], [m[2] for m in following if lo <= m[1] < hi])
            before, after = by_boundary[i]
            flags[n] = (any(p < e.start for p in before) or any(f > e.end for f in after)
                        or self._chunk_prefixed(doc, e))
        return doc

    def _chunk_prefixed(self, doc: Doc, e: Entity) -> bool:
        if not self.chunk_prefix:
            return False
        starts, ends = token_offsets(doc)
        text = doc_text(doc)[int(starts[e.start]) : int(ends[e.end - 1])].lower()
        return any(text.startswith(c.lower()) for c in self.chunk_prefix)
