"""The one place that knows the pipeline's order, and the pass from a Page to plain annotations."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from checker.ingest.normalize import Evasion, Normalized, identity, normalize
from checker.nlp import components  # noqa: F401  (registers our factories)
from checker.nlp.components import doc_text, entities, negated, qualifiers, sentence_starts, token_offsets
from checker.types import Mention, Page, Qualifier, Sentence

CHUNK_CHARS = 100_000  # well under spaCy's max_length; long pages are processed whole, in chunks

DocMatcher = Callable[[Doc], Iterable[tuple[str, int, int]]]  # doc -> (rule id, start char, end char)


@cache
def build_nlp(lexicon_dir: str = "") -> Language:
    """spacy.blank("en") + sentence bounds + entity ruler + negex + qualifiers."""
    from pathlib import Path

    from checker.lexicon import load_lexicon

    lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else None)
    nlp = spacy.blank("en")
    nlp.add_pipe("checker_sentences")
    nlp.add_pipe("checker_entities", config={"lexicon_dir": lexicon_dir})
    nlp.add_pipe("checker_negex", config={"neg_termset": lexicon.negation, "lexicon_dir": lexicon_dir})
    nlp.add_pipe("checker_qualifiers", config={"lexicon_dir": lexicon_dir})
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


@dataclass(frozen=True)
class Annotations:
    """What the spaCy pass found, as plain data with offsets into Page.text."""

    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    qualifiers: tuple[Qualifier, ...]
    rule_matches: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    tokens: int = 0
    normalized: Normalized = field(default_factory=lambda: identity(""))  # the text matched, and its map back

    @property
    def evasions(self) -> tuple[Evasion, ...]:
        return self.normalized.evasions


def chunks(page: Page, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) ranges of whole blocks up to `limit` characters; an oversized block is cut
    at whitespace (or hard at the limit) so nothing is truncated."""
    start: int | None = None
    end = 0
    for block in page.blocks:
        if block.end - block.start > limit:
            if start is not None:
                yield start, end
                start = None
            yield from _split_long(page.text, block.start, block.end, limit)
            continue
        if start is not None and block.end - start > limit:
            yield start, end
            start = None
        if start is None:
            start = block.start
        end = block.end
    if start is not None:
        yield start, end


def _split_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    while end - start > limit:
        cut = text.rfind(". ", start + limit // 2, start + limit)
        if cut == -1:
            cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut + 1 if cut != -1 else start + limit
        yield start, cut
        start = cut
    if end > start:
        yield start, end


def analysis_text(page: Page, start: int, end: int) -> str:
    """The chunk as the pipeline reads it: newlines inside a block become spaces (length is
    kept, so offsets need no map); the text between blocks keeps its newlines."""
    text = page.text
    pieces: list[str] = []
    cursor = start
    first = max(bisect_right([b.start for b in page.blocks], start) - 1, 0)
    for block in page.blocks[first:]:
        if block.start >= end:
            break
        lo, hi = max(block.start, start), min(block.end, end)
        if hi <= lo:
            continue
        pieces.append(text[cursor:lo])
        pieces.append(text[lo:hi].replace("\r", " ").replace("\n", " "))
        cursor = hi
    pieces.append(text[cursor:end])
    return _break_long_runs("".join(pieces))


_LONG_RUN = re.compile(r"\S{200}")


def _break_long_runs(text: str) -> str:
    """spaCy's tokenizer peels prefixes and suffixes off a token one at a time, which is
    quadratic in the token's length ("[[[[…" x 50,000 never finishes). No word is 200
    characters long, so inside such runs every 200th character is read as a space; the length
    stays the same, so no offset moves."""
    if not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(lambda m: m.group(0)[:-1] + " ", text)


def _make_doc(nlp: Language, text: str) -> Doc:
    doc = nlp.make_doc(text)
    doc.user_data["checker_text"] = text
    return doc


def sentence_token_ranges(doc: Doc) -> list[tuple[int, int]]:
    """(first token, end token) of each sentence."""
    starts = sentence_starts(doc)
    return list(zip(starts, starts[1:] + [len(doc)]))


def annotate(
    page: Page, nlp: Language, matchers: Iterable[DocMatcher] = (), *, key_terms: frozenset[str] = frozenset()
) -> Annotations:
    """Run the pipeline over a page in chunks of whole blocks. The text is first normalized
    against evasion (see checker.ingest.normalize); every offset returned points into page.text."""
    matchers = tuple(matchers)
    norm = normalize(page.text, key_terms)
    work = page
    if norm.changed:
        blocks = tuple(replace(b, start=norm.normalized_offset(b.start), end=norm.normalized_offset(b.end)) for b in page.blocks)
        work = replace(page, text=norm.text, blocks=blocks)
    back = norm.original_span
    ranges = list(chunks(work))
    docs = (_make_doc(nlp, analysis_text(work, s, e)) for s, e in ranges)
    block_starts = [b.start for b in page.blocks]
    original = page.text
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    qualifiers_found: list[Qualifier] = []
    rule_matches: dict[str, list[tuple[int, int]]] = {}
    tokens = 0
    for (base, _), doc in zip(ranges, nlp.pipe(docs, batch_size=32)):
        tokens += len(doc)
        text = doc_text(doc)
        starts, ends = token_offsets(doc)
        for first, last in sentence_token_ranges(doc):
            s, e = int(starts[first]), int(ends[last - 1])
            chunk = text[s:e]
            stripped = chunk.strip()
            if not stripped:
                continue
            s += len(chunk) - len(chunk.lstrip())
            S, E = back(base + s, base + s + len(stripped))
            sentences.append(Sentence(S, E, bisect_right(block_starts, S) - 1))
        for ent, neg in zip(entities(doc), negated(doc)):
            S, E = back(base + int(starts[ent.start]), base + int(ends[ent.end - 1]))
            mentions.append(Mention(ent.label, ent.key, S, E, original[S:E], neg))
        for q in qualifiers(doc):
            S, E = back(base + int(starts[q.start]), base + int(ends[q.end - 1]))
            scope_lo, scope_hi = back(base + q.scope_start, base + q.scope_end)
            qualifiers_found.append(Qualifier(q.category, original[S:E], S, E, scope_lo, scope_hi))
        for matcher in matchers:
            for rule_id, s, e in matcher(doc):
                rule_matches.setdefault(rule_id, []).append(back(base + s, base + e))
    return Annotations(
        tuple(sentences), tuple(mentions), tuple(qualifiers_found),
        {k: tuple(v) for k, v in rule_matches.items()}, tokens, norm,
    )
