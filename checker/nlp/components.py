"""spaCy components. They only annotate: spans in doc.spans, nothing judged here.

- checker_block_bounds: a sentence starts after every newline token (blocks are newline-separated
  in the text the pipeline reads), so a sentence never runs across a heading or list item.
- checker_entities: lexicon terms and regexes -> doc.spans["checker"], overlaps resolved.
- checker_qualifiers: ConText-style triggers with direction, scope and terminators ->
  doc.spans["qualifiers"], each span's governed range in span._.checker_scope.
"""

from __future__ import annotations

import re

import numpy as np
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


def _token_index(doc: Doc) -> np.ndarray:
    return doc.to_array("IDX").astype(np.int64) if len(doc) else np.zeros(0, dtype=np.int64)


@Language.factory("checker_block_bounds")
def make_block_bounds(nlp: Language, name: str) -> "BlockBounds":
    return BlockBounds()


class BlockBounds:
    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        if "\n" not in text or len(doc) < 2:
            return doc
        idx = _token_index(doc)
        n = len(doc)
        for m in _NEWLINES.finditer(text):
            i = int(np.searchsorted(idx, m.start(), side="right"))  # first token after the newline
            while i < n and doc[i].is_space:
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
        text = doc.text
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
    kept = [s for group in by_label.values() for s in filter_spans(group)]
    others = [s for s in kept if s.label_ != "CAUTION"]
    out = []
    for span in kept:
        if span.label_ != "CAUTION":
            inside = any(
                o.label_ != span.label_
                and o.start <= span.start
                and span.end <= o.end
                and (o.end - o.start) > (span.end - span.start)
                and (o.label_, span.label_) not in _CONTAINER_KEEPS_INNER
                for o in others
            )
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
        for match_id, start, end in triggers:
            category, direction, max_scope = self.settings[match_id]
            sent = doc[start].sent
            lo, hi = sent.start, sent.end
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
