"""Sentence features for the learned sentence model, in pure Python (the scan path never imports
scikit-learn).

A sentence's features are named strings with values (a sparse dict). Groups, each switchable in a
model's `feature_groups`:
- lex: what the lexicon rulers and the claim extractor found in the sentence: entity labels,
  condition approval status, effect classes, qualifiers (hedge, negation, testimonial…), the
  lexicon's own claim and its modality, and combinations ("EFFECT+CONDITION"), which carry over
  to text nobody here wrote;
- shape: block kind (heading, list item), page region, length, person, digits, question;
- context: the sentence before, the section heading, the page (has a main intervention, gives
  cautions, makes unproven claims);
- ctxwords: the words of the section heading and of the sentence before;
- words: lower-cased words with lexicon entities masked by their label ("stem cells repair the
  ⟨BODY_PART⟩"), so the model learns claim wording rather than this corpus's conditions;
- prefixes: each word's first five letters, a crude stemmer (a blank pipeline has no lemmas);
- bigrams: adjacent masked words;
- findings: rule findings in the sentence, by rule, pack and severity (problematic head only).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checker.claims import HEDGING_CAUTIONS, SentenceView, sections
from checker.lexicon import Lexicon
from checker.types import Caution, Claim, Finding, Page

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[$%?!]")
_FIRST_PERSON = {"i", "my", "me", "i'm", "i’m", "i've", "i’ve", "we", "our", "us", "we're", "we’re"}
_SECOND_PERSON = {"you", "your", "you're", "you’re", "yours"}
_MASKED = {"INTERVENTION", "CONDITION", "BODY_PART", "PROVIDER", "REGULATOR", "PRICE", "URL"}
SENTENCE_GROUPS = ("lex", "shape", "context", "ctxwords", "words", "prefixes", "bigrams", "findings")
HEADING_REACH = 29  # a heading's words reach this many sentences after the one before


@dataclass(frozen=True)
class PageFacts:
    """What the context features need to know about the whole page."""

    has_main_intervention: bool
    caution_categories: frozenset[str]
    unproven_claims: int  # lexicon claims, asserted or reported, about a not-approved condition
    sentences: int


def group_by_sentence(views: Sequence[SentenceView], items: Sequence[Any]) -> list[list[Any]]:
    """Items with .start/.end, grouped by the sentence they overlap (an item may fall in several)."""
    out: list[list[Any]] = [[] for _ in views]
    starts = [v.sentence.start for v in views]
    for item in items:
        end = max(item.end, item.start + 1)
        i = max(bisect_right(starts, item.start) - 1, 0)
        while i < len(views) and views[i].sentence.start < end:
            if item.start < views[i].sentence.end:
                out[i].append(item)
            i += 1
    return out


def sentence_findings(findings: Sequence[Finding], page_rules: frozenset[str]) -> list[Finding]:
    return [f for f in findings if not f.suppressed and f.rule not in page_rules and f.end > f.start]


def page_facts(views: Sequence[SentenceView], claims: Sequence[Claim], cautions: Sequence[Caution]) -> PageFacts:
    return PageFacts(
        has_main_intervention=any(m.label == "INTERVENTION" and not m.negated for v in views for m in v.mentions),
        caution_categories=frozenset(c.category for c in cautions),
        unproven_claims=sum(1 for c in claims if c.modality in {"asserted", "reported"} and c.condition_status == "not_approved"),
        sentences=len(views),
    )


def lexicon_features(view: SentenceView, claims: Sequence[Claim], lexicon: Lexicon, prefix: str = "") -> dict[str, float]:
    """The lex group: what the lexicon and the claim extractor found in one sentence."""
    f: dict[str, float] = {}
    labels = set()
    for m in view.mentions:
        if m.negated:
            f[f"{prefix}neg:{m.label}"] = 1.0
            continue
        labels.add(m.label)
        f[f"{prefix}has:{m.label}"] = 1.0
        if m.label == "CONDITION":
            f[f"{prefix}status:{lexicon.attrs('CONDITION', m.key).get('status', 'unknown')}"] = 1.0
        elif m.label == "EFFECT":
            f[f"{prefix}effect:{lexicon.attrs('EFFECT', m.key).get('class', m.key)}"] = 1.0
        elif m.label == "CAUTION":
            f[f"{prefix}caution:{m.key}"] = 1.0
    for a, b in (("EFFECT", "CONDITION"), ("EFFECT", "BODY_PART"), ("INTERVENTION", "CONDITION"),
                 ("INTERVENTION", "EFFECT"), ("INTERVENTION", "BODY_PART"), ("CTA", "INTERVENTION"), ("PRICE", "INTERVENTION")):
        if a in labels and b in labels:
            f[f"{prefix}pair:{a}+{b}"] = 1.0
    for q in view.qualifiers:
        f[f"{prefix}qual:{q.category}"] = 1.0
    for c in claims:
        f[f"{prefix}claim:{c.modality}"] = 1.0
        f[f"{prefix}claim_status:{c.condition_status}"] = 1.0
        f[f"{prefix}claim_effect:{c.effect_class}"] = 1.0
        f[f"{prefix}claim_source:{c.intervention_source}"] = 1.0
    if not claims and labels & {"CONDITION", "BODY_PART"} and "EFFECT" not in labels:
        f[f"{prefix}target_without_effect"] = 1.0
    return f


def masked_tokens(page: Page, view: SentenceView) -> list[str]:
    """Lower-cased tokens of the sentence, each lexicon entity replaced by its label."""
    s = view.sentence
    spans = sorted((m.start, m.end, m.label) for m in view.mentions if m.label in _MASKED)
    out: list[str] = []
    cursor = s.start
    for start, end, label in spans:
        if start < cursor:
            continue
        out += _TOKEN.findall(page.text[cursor:start].lower())
        out.append(f"<{label}>")
        cursor = end
    out += _TOKEN.findall(page.text[cursor : s.end].lower())
    return out


def sentence_features(
    page: Page,
    views: Sequence[SentenceView],
    claims_by_sentence: Sequence[Sequence[Claim]],
    facts: PageFacts,
    lexicon: Lexicon,
    groups: Iterable[str],
    findings_by_sentence: Sequence[Sequence[Finding]] | None = None,
) -> list[dict[str, float]]:
    """One sparse feature dict per sentence view."""
    return sentence_feature_sets(page, views, claims_by_sentence, facts, lexicon, (tuple(groups),), findings_by_sentence)[0]


_CANONICAL = SENTENCE_GROUPS  # the order in which a row's groups are laid out
_PREV_KEYS = ("claim:", "has:", "pair:")  # what the sentence before contributes (as prev_*)
_HEAD_KEYS = ("has:", "claim:", "status:")  # what the section heading contributes (as head_*)


class _Sentences:
    """One page's sentences, each one's masked tokens, token set and lexicon features computed
    once, when first asked for (the sentence after and the section reuse them)."""

    def __init__(self, page: Page, views: Sequence[SentenceView], claims_by_sentence: Sequence[Sequence[Claim]],
                 lexicon: Lexicon) -> None:
        self.page, self.views, self.claims, self.lexicon = page, views, claims_by_sentence, lexicon
        n = len(views)
        self._tokens: list[list[str] | None] = [None] * n
        self._token_sets: list[set[str] | None] = [None] * n
        self._lex: list[dict[str, float] | None] = [None] * n
        self._heading_words: dict[int, dict[str, float]] = {}

    def tokens(self, j: int) -> list[str]:
        t = self._tokens[j]
        if t is None:
            t = self._tokens[j] = masked_tokens(self.page, self.views[j])
        return t

    def token_set(self, j: int) -> set[str]:
        t = self._token_sets[j]
        if t is None:
            t = self._token_sets[j] = set(self.tokens(j))
        return t

    def lex(self, j: int) -> dict[str, float]:
        f = self._lex[j]
        if f is None:
            f = self._lex[j] = lexicon_features(self.views[j], self.claims[j], self.lexicon)
        return f

    def heading_words(self, j: int) -> dict[str, float]:
        """A heading's words, built once for every sentence of its section."""
        words = self._heading_words.get(j)
        if words is None:
            words = self._heading_words[j] = {f"hw:{w}": 1.0 for w in self.token_set(j)}
        return words


def _length_bucket(k: int) -> str:
    return "1-3" if k <= 3 else "4-7" if k <= 7 else "8-15" if k <= 15 else "16-30" if k <= 30 else "31+"


def _shape(sentences: _Sentences, i: int) -> dict[str, float]:
    page, s = sentences.page, sentences.views[i].sentence
    f: dict[str, float] = {}
    block = page.blocks[s.block] if 0 <= s.block < len(page.blocks) else None
    f[f"block:{block.kind if block else 'none'}"] = 1.0
    if block is not None and block.region == "chrome":
        f["region:chrome"] = 1.0
    t = sentences.tokens(i)
    f[f"len:{_length_bucket(len(t))}"] = 1.0
    ts = sentences.token_set(i)
    if not _FIRST_PERSON.isdisjoint(ts):
        f["person:first"] = 1.0
    if not _SECOND_PERSON.isdisjoint(ts):
        f["person:second"] = 1.0
    if any(w.isdigit() for w in t):
        f["digits"] = 1.0
    sentence_text = page.text[s.start : s.end]
    stripped = sentence_text.rstrip()
    if stripped.endswith("?"):
        f["question"] = 1.0
    if stripped.endswith("!"):
        f["exclamation"] = 1.0
    if sentence_text[:1] in "\"“'‘":
        f["quoted"] = 1.0
    return f


def _context(sentences: _Sentences, i: int, heading: int, facts: PageFacts) -> dict[str, float]:
    """The sentence before, the section heading (`heading`: its sentence, or -1) and the page."""
    f: dict[str, float] = {}
    if i > 0:
        f.update({"prev_" + key: v for key, v in sentences.lex(i - 1).items() if key.startswith(_PREV_KEYS)})
    if heading >= 0:
        f.update({"head_" + key: v for key, v in sentences.lex(heading).items() if key.startswith(_HEAD_KEYS)})
    if facts.has_main_intervention:
        f["page:intervention"] = 1.0
    for cat in facts.caution_categories & HEDGING_CAUTIONS:
        f[f"page:caution:{cat}"] = 1.0
    if facts.unproven_claims:
        f["page:unproven_claims"] = min(1.0, facts.unproven_claims / 5)
    return f


def _context_words(sentences: _Sentences, i: int, heading: int) -> dict[str, float]:
    f = dict(sentences.heading_words(heading)) if heading >= 0 and heading >= i - HEADING_REACH else {}
    if i > 0:
        for w in sentences.token_set(i - 1):
            f[f"pw:{w}"] = 1.0
    return f


def _finding_features(findings: Sequence[Finding]) -> dict[str, float]:
    f: dict[str, float] = {}
    for fd in findings:
        f[f"rule:{fd.rule}"] = 1.0
        f[f"pack:{fd.pack}"] = 1.0
        f[f"sev:{fd.severity}"] = 1.0
    return f


def _layouts(group_sets: Sequence[set[str]]) -> list[tuple[int, list[str]]]:
    """Per group set: (an earlier set whose row this one's starts with, or -1; the groups to add).
    A set whose layout starts with an earlier set's layout copies that set's row and adds the rest."""
    layouts = [[g for g in _CANONICAL if g in groups] for groups in group_sets]
    out: list[tuple[int, list[str]]] = []
    for k, layout in enumerate(layouts):
        base = max((b for b in range(k) if layout[: len(layouts[b])] == layouts[b]), key=lambda b: len(layouts[b]), default=-1)
        out.append((base, layout[len(layouts[base]) :] if base >= 0 else layout))
    return out


def sentence_feature_sets(
    page: Page,
    views: Sequence[SentenceView],
    claims_by_sentence: Sequence[Sequence[Claim]],
    facts: PageFacts,
    lexicon: Lexicon,
    group_sets: Sequence[Iterable[str]],
    findings_by_sentence: Sequence[Sequence[Finding]] | None = None,
) -> list[list[dict[str, float]]]:
    """The rows of `sentence_features` for several group sets at once (one list per set): each
    group is computed once per sentence, and each sentence's tokens and lexicon features once per
    page (the sentence before and the section heading reuse them), so the two heads of the
    sentence model cost little more than one. Rows hold the same features and values as one
    group set computed alone, laid out in the same order."""
    wanted = [set(g) for g in group_sets]
    union = set().union(*wanted) if wanted else set()
    layouts = _layouts(wanted)
    section_of = sections(page)
    sentences = _Sentences(page, views, claims_by_sentence, lexicon)
    last_of_block: dict[int, int] = {}  # block -> the last sentence index in it so far (before i)
    last_negative = -1  # the last sentence index before i whose block is negative
    out: list[list[dict[str, float]]] = [[] for _ in wanted]
    for i, view in enumerate(views):
        s = view.sentence
        heading_block = section_of[s.block] if 0 <= s.block < len(section_of) else -1
        # the section heading's last sentence before this one: none in the heading itself
        heading = last_of_block.get(heading_block, -1) if heading_block != s.block else -1
        parts: dict[str, dict[str, float]] = {}
        if "lex" in union:
            parts["lex"] = sentences.lex(i)
        if "shape" in union:
            parts["shape"] = _shape(sentences, i)
        if "context" in union:
            # (none if a sentence outside any block, or in an earlier block, comes in between)
            in_section = heading_block >= 0 and heading > last_negative
            parts["context"] = _context(sentences, i, heading if in_section else -1, facts)
        if "ctxwords" in union:
            parts["ctxwords"] = _context_words(sentences, i, heading)
        if "words" in union:
            parts["words"] = {f"w:{w}": 1.0 for w in sentences.token_set(i)}
        if "prefixes" in union:
            parts["prefixes"] = {f"p:{w[:5]}": 1.0 for w in sentences.token_set(i) if len(w) > 5 and not w.startswith("<")}
        if "bigrams" in union:
            t = sentences.tokens(i)
            parts["bigrams"] = {f"b:{a}_{b}": 1.0 for a, b in zip(t, t[1:])}
        if "findings" in union and findings_by_sentence is not None:
            parts["findings"] = _finding_features(findings_by_sentence[i])
        for rows, (base, rest) in zip(out, layouts):
            row: dict[str, float] = dict(out[base][-1]) if base >= 0 else {"bias": 1.0}
            for g in rest:
                part = parts.get(g)
                if part:
                    row.update(part)
            rows.append(row)
        if s.block < 0:
            last_negative = i
        last_of_block[s.block] = i
    return out
