"""spaCy components. They only annotate: spans in doc.spans, nothing judged here.

- checker_block_bounds: a sentence starts after every newline token (blocks are newline-separated
  in the text the pipeline reads), so a sentence never runs across a heading or list item.
- checker_entities: lexicon terms and regexes -> doc.spans["checker"], overlaps resolved.
- checker_qualifiers: ConText-style triggers with direction, scope and terminators ->
  doc.spans["qualifiers"], each span's governed range in span._.checker_scope.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy as np
from negspacy.negation import Negex
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from checker.lexicon import Lexicon, load_lexicon
from checker.safe_regex import compile_regex

ENT_KEY = "checker"
_NEWLINES = re.compile(r"[\r\n]+")
QUAL_KEY = "qualifiers"

if not Span.has_extension("checker_scope"):
    Span.set_extension("checker_scope", default=None)


def doc_text(doc: Doc) -> str:
    """The Doc's text. `doc.text` re-joins every token in Python, so annotate() stores the chunk
    string it tokenized in user_data and the components read that."""
    text = doc.user_data.get("checker_text")
    if text is None:
        text = doc.user_data["checker_text"] = doc.text
    return text


def _token_index(doc: Doc) -> np.ndarray:
    return doc.to_array("IDX").astype(np.int64) if len(doc) else np.zeros(0, dtype=np.int64)


@Language.factory("checker_block_bounds")
def make_block_bounds(nlp: Language, name: str) -> "BlockBounds":
    return BlockBounds()


class BlockBounds:
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        n = len(doc)
        if "\n" not in text or n < 2:
            return doc
        newlines = np.fromiter((m.start() for m in _NEWLINES.finditer(text)), dtype=np.int64)
        first = np.searchsorted(_token_index(doc), newlines, side="right")  # first token after each newline
        is_space = doc.to_array("IS_SPACE").astype(bool)
        for i in first.tolist():
            while i < n and is_space[i]:
                i += 1
            if 0 < i < n:
                doc[i].is_sent_start = True
        return doc


def _is_abbreviation(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and term.replace("-", "").replace("'", "").isalnum() and term.isupper() and len(term) <= 6


@Language.factory("checker_entities", default_config={"lexicon_dir": ""})
def make_entities(nlp: Language, name: str, lexicon_dir: str) -> "EntityRuler":
    from pathlib import Path

    return EntityRuler(nlp, load_lexicon(Path(lexicon_dir) if lexicon_dir else None))


class EntityRuler:
    """One PhraseMatcher on NORM (case- and apostrophe-insensitive) for ordinary terms, one on
    ORTH for short all-caps abbreviations (MS, ALS, RA), plus RE2 regexes on the text."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
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
                self.norm.add(f"{entry.label}|{entry.key}", list(nlp.tokenizer.pipe(ordinary)))
            if abbreviations:
                self.orth.add(f"{entry.label}|{entry.key}", list(nlp.tokenizer.pipe(abbreviations)))
            for rx in entry.regex:
                self.regexes.append((entry.label, entry.key, compile_regex(rx, ignore_case=entry.label != "CTA")))
        self.by_id = by_id

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher in (self.norm, self.orth):
            for match_id, start, end in matcher(doc):
                label, key = self.by_id[match_id]
                spans.append(Span(doc, start, end, label=label, kb_id=key))
        text = doc_text(doc)
        for label, key, rx in self.regexes:
            for m in rx.finditer(text):  # type: ignore[attr-defined]
                span = doc.char_span(m.start(), m.end(), label=label, kb_id=key, alignment_mode="expand")
                if span is not None and len(span):
                    spans.append(span)
        doc.spans[ENT_KEY] = resolve_overlaps(spans)
        return doc


_CONTAINER_KEEPS_INNER = {("EFFECT", "CONDITION"), ("EFFECT", "BODY_PART")}


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Within a label keep the longest non-overlapping spans. Across labels, drop a span that
    lies strictly inside a longer span of another label ("lower" inside "lower back pain",
    "liver" inside "liver failure"), except the object inside an effect phrase ("pain" in
    "pain relief"). Cautions are independent of the other labels."""
    by_label: dict[str, list[Span]] = {}
    for span in spans:
        by_label.setdefault(span.label_, []).append(span)
    kept = [(s.start, s.end, s.label_, s) for group in by_label.values() for s in filter_spans(group)]
    kept.sort(key=lambda k: (k[0], -k[1], k[2]))
    others = [k for k in kept if k[2] != "CAUTION"]  # sorted by start: a sweep finds containers
    out = []
    lo = 0
    for start, end, label, span in kept:
        if label != "CAUTION":
            while lo < len(others) and others[lo][1] <= start:
                lo += 1  # spans ending before this one starts cannot contain it
            inside = False
            for o_start, o_end, o_label, _ in others[lo:]:
                if o_start > start:
                    break
                if (o_label != label and end <= o_end and (o_end - o_start) > (end - start)
                        and (o_label, label) not in _CONTAINER_KEEPS_INNER):
                    inside = True
                    break
            if inside:
                continue
        out.append(span)
    out.sort(key=lambda s: (s.start, s.end, s.label_))
    return out


@Language.factory("checker_qualifiers", default_config={"lexicon_dir": ""})
def make_qualifiers(nlp: Language, name: str, lexicon_dir: str) -> "QualifierRuler":
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
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.settings: dict[int, tuple[str, str, int]] = {}
        strings = nlp.vocab.strings

        def add(name: str, terms: list[str], setting: tuple[str, str, int] | None) -> None:
            if not terms:
                return
            match_id = strings.add(name)
            self.matcher.add(name, list(nlp.tokenizer.pipe(terms)))
            if setting:
                self.settings[match_id] = setting

        for i, entry in enumerate(q.entries):
            add(f"Q{i}|{entry.category}", entry.terms, (entry.category, entry.direction, entry.max_scope))
        add("NEG|forward", neg["preceding_negations"], ("NEGATED", "forward", 10))
        add("NEG|backward", neg["following_negations"], ("NEGATED", "backward", 8))
        self.pseudo_id = strings.add("PSEUDO")
        self.matcher.add("PSEUDO", list(nlp.tokenizer.pipe(q.pseudo + neg["pseudo_negations"])))
        self.term_id = strings.add("TERMINATE")
        self.matcher.add("TERMINATE", list(nlp.tokenizer.pipe(q.terminators + neg["termination"])))

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        pseudo = [(s, e) for m, s, e in matches if m == self.pseudo_id]
        terms = sorted(s for m, s, _ in matches if m == self.term_id)
        triggers = [
            (m, s, e) for m, s, e in matches
            if m in self.settings and not any(ps <= s < pe for ps, pe in pseudo)
        ]
        triggers = _longest_first(triggers)
        out: list[Span] = []
        sent_starts = np.flatnonzero(doc.to_array("SENT_START") == 1).tolist() if triggers else []
        if sent_starts[:1] != [0]:
            sent_starts.insert(0, 0)
        for match_id, start, end in triggers:
            category, direction, max_scope = self.settings[match_id]
            k = bisect_right(sent_starts, start) - 1
            lo = sent_starts[k]
            hi = sent_starts[k + 1] if k + 1 < len(sent_starts) else len(doc)
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
            span = Span(doc, start, end, label=category)
            span._.checker_scope = (doc[lo_scope].idx, doc[hi_scope - 1].idx + len(doc[hi_scope - 1]) if hi_scope > lo_scope else doc[start].idx)
            out.append(span)
        doc.spans[QUAL_KEY] = out
        return doc


def _longest_first(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop a trigger inside a longer trigger ("may" inside "may help"), keeping overlaps of
    different lengths that are not nested."""
    ordered = sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1]))
    kept: list[tuple[int, int, int]] = []
    for m in ordered:
        if not any(k[1] <= m[1] and m[2] <= k[2] for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m[1])


@Language.factory(
    "checker_negex",
    default_config={"neg_termset": None, "span_keys": [ENT_KEY], "extension_name": "negex"},
)
def make_negex(nlp: Language, name: str, neg_termset: dict, span_keys: list[str], extension_name: str) -> "FastNegex":
    return FastNegex(nlp, name, neg_termset=neg_termset, span_keys=span_keys, extension_name=extension_name)


class FastNegex(Negex):
    """negspacy's Negex, same termsets, matcher and negation test (`_apply_negation`), with its
    span loop replaced: negspacy re-scans every span for every termination boundary (quadratic in
    the spans of a document, a third of our scan time); here each span is placed in its boundary
    by binary search, once."""

    def negex(self, doc: Doc) -> Doc:
        preceding, following, terminating = self.process_negations(doc)
        boundaries = self.termination_boundaries(doc, terminating)
        if not boundaries:
            return doc
        starts = [b[0] for b in boundaries]
        by_boundary: dict[int, tuple[list, list]] = {}
        for key in self.span_keys:
            for span in doc.spans.get(key, []):
                i = bisect_right(starts, span.start) - 1
                if i < 0 or span.end > boundaries[i][1]:
                    continue
                if i not in by_boundary:
                    lo, hi = boundaries[i]
                    by_boundary[i] = ([m for m in preceding if lo <= m[1] < hi], [m for m in following if lo <= m[1] < hi])
                sub_preceding, sub_following = by_boundary[i]
                if sub_preceding or sub_following:
                    self._apply_negation(span, sub_preceding, sub_following)
        return doc
