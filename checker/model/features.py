"""Features for the learned models, in pure Python (the scan path never imports scikit-learn).

Sentence features are named strings with values (a sparse dict). Groups, each switchable in a
model's `feature_groups`:
- lex: what the lexicon rulers and the claim extractor found in the sentence: entity labels,
  condition approval status, effect classes, qualifiers (hedge, negation, testimonial…), the
  lexicon's own claim and its modality, and combinations ("EFFECT+CONDITION"), which carry over
  to text nobody here wrote;
- shape: block kind (heading, list item), page region, length, person, digits, question;
- context: the sentence before, the section heading, the page (has a main intervention, gives
  cautions, makes unproven claims);
- words: lower-cased words with lexicon entities masked by their label ("stem cells repair the
  ⟨BODY_PART⟩"), so the model learns claim wording rather than this corpus's conditions;
- prefixes: each word's first five letters, a crude stemmer (a blank pipeline has no lemmas);
- bigrams: adjacent masked words;
- findings: rule findings in the sentence, by rule, pack and severity (problematic head only).

Document features summarise a whole page: findings by severity, pack and rule; claims by
modality and approval status; cautions by category; and the sentence model's extra claims and
flagged sentences. Not the page's length: a finding suppressed must score as if its text were
gone, and the corpus's lengths say more about how it was written than about credibility.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.claims import HEDGING_CAUTIONS, SentenceView, sections
from checker.lexicon import Lexicon
from checker.types import Caution, Claim, Finding, Page

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[$%?!]")
_FIRST_PERSON = {"i", "my", "me", "i'm", "i’m", "i've", "i’ve", "we", "our", "us", "we're", "we’re"}
_SECOND_PERSON = {"you", "your", "you're", "you’re", "yours"}
_MASKED = {"INTERVENTION", "CONDITION", "BODY_PART", "PROVIDER", "REGULATOR", "PRICE", "URL"}
SENTENCE_GROUPS = ("lex", "shape", "context", "ctxwords", "words", "prefixes", "bigrams", "findings")


@dataclass(frozen=True)
class PageFacts:
    """What the context features need to know about the whole page."""

    has_main_intervention: bool
    caution_categories: frozenset[str]
    unproven_claims: int  # lexicon claims, asserted or reported, about a not-approved condition
    sentences: int


def page_facts(views: Sequence[SentenceView], claims: Sequence[Claim], cautions: Sequence[Caution]) -> PageFacts:
    return PageFacts(
        has_main_intervention=any(m.label == "INTERVENTION" and not m.negated for v in views for m in v.mentions),
        caution_categories=frozenset(c.category for c in cautions),
        unproven_claims=sum(1 for c in claims if c.modality in {"asserted", "reported"} and c.condition_status == "not_approved"),
        sentences=len(views),
    )


def _lex(view: SentenceView, claims: Sequence[Claim], lexicon: Lexicon, prefix: str = "") -> dict[str, float]:
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
    layouts = [[g for g in _CANONICAL if g in groups] for groups in wanted]
    # a set whose layout starts with an earlier set's layout copies that set's row and adds the rest
    extends: list[tuple[int, list[str]]] = []
    for k, layout in enumerate(layouts):
        base = max((b for b in range(k) if layout[: len(layouts[b])] == layouts[b]), key=lambda b: len(layouts[b]), default=-1)
        extends.append((base, layout[len(layouts[base]) :] if base >= 0 else layout))
    n = len(views)
    section_of = sections(page)
    text = page.text
    # per sentence, computed once: masked tokens (and their set), lexicon features
    tokens: list[list[str] | None] = [None] * n
    token_sets: list[set[str] | None] = [None] * n

    def toks(j: int) -> list[str]:
        t = tokens[j]
        if t is None:
            t = tokens[j] = masked_tokens(page, views[j])
        return t

    def tokset(j: int) -> set[str]:
        t = token_sets[j]
        if t is None:
            t = token_sets[j] = set(toks(j))
        return t

    lexes: list[dict[str, float] | None] = [None] * n

    def lex(j: int) -> dict[str, float]:
        f = lexes[j]
        if f is None:
            f = lexes[j] = _lex(views[j], claims_by_sentence[j], lexicon)
        return f

    heading_words: dict[int, dict[str, float]] = {}
    last_of_block: dict[int, int] = {}  # block -> the last sentence index in it so far (before i)
    last_negative = -1  # the last sentence index before i whose block is negative
    out: list[list[dict[str, float]]] = [[] for _ in wanted]
    for i, view in enumerate(views):
        s = view.sentence
        parts: dict[str, dict[str, float]] = {}
        if "lex" in union:
            parts["lex"] = lex(i)
        if "shape" in union:
            f: dict[str, float] = {}
            block = page.blocks[s.block] if 0 <= s.block < len(page.blocks) else None
            f[f"block:{block.kind if block else 'none'}"] = 1.0
            if block is not None and block.region == "chrome":
                f["region:chrome"] = 1.0
            t = toks(i)
            k = len(t)
            f[f"len:{'1-3' if k <= 3 else '4-7' if k <= 7 else '8-15' if k <= 15 else '16-30' if k <= 30 else '31+'}"] = 1.0
            ts = tokset(i)
            if not _FIRST_PERSON.isdisjoint(ts):
                f["person:first"] = 1.0
            if not _SECOND_PERSON.isdisjoint(ts):
                f["person:second"] = 1.0
            if any(w.isdigit() for w in t):
                f["digits"] = 1.0
            sentence_text = text[s.start : s.end]
            stripped = sentence_text.rstrip()
            if stripped.endswith("?"):
                f["question"] = 1.0
            if stripped.endswith("!"):
                f["exclamation"] = 1.0
            if sentence_text[:1] in "\"“'‘":
                f["quoted"] = 1.0
            parts["shape"] = f
        heading = section_of[s.block] if 0 <= s.block < len(section_of) else -1
        if "context" in union:
            f = {}
            if i > 0:
                f.update({"prev_" + key: v for key, v in lex(i - 1).items() if key.startswith(_PREV_KEYS)})
            if heading >= 0 and heading != s.block:
                # the last sentence of the heading block before this one (none if a sentence
                # outside any block, or in an earlier block, comes in between)
                j = last_of_block.get(heading, -1)
                if j > last_negative:
                    f.update({"head_" + key: v for key, v in lex(j).items() if key.startswith(_HEAD_KEYS)})
            if facts.has_main_intervention:
                f["page:intervention"] = 1.0
            for cat in facts.caution_categories & HEDGING_CAUTIONS:
                f[f"page:caution:{cat}"] = 1.0
            if facts.unproven_claims:
                f["page:unproven_claims"] = min(1.0, facts.unproven_claims / 5)
            parts["context"] = f
        if "ctxwords" in union:
            j = last_of_block.get(heading, -1) if heading != s.block else -1
            if j >= 0 and j >= i - 29:
                words = heading_words.get(j)
                if words is None:  # a heading's words serve every sentence of its section
                    words = heading_words[j] = {f"hw:{w}": 1.0 for w in tokset(j)}
                f = dict(words)
            else:
                f = {}
            if i > 0:
                for w in tokset(i - 1):
                    f[f"pw:{w}"] = 1.0
            parts["ctxwords"] = f
        if "words" in union:
            parts["words"] = {f"w:{w}": 1.0 for w in tokset(i)}
        if "prefixes" in union:
            parts["prefixes"] = {f"p:{w[:5]}": 1.0 for w in tokset(i) if len(w) > 5 and not w.startswith("<")}
        if "bigrams" in union:
            t = toks(i)
            parts["bigrams"] = {f"b:{a}_{b}": 1.0 for a, b in zip(t, t[1:])}
        if "findings" in union and findings_by_sentence is not None:
            f = {}
            for fd in findings_by_sentence[i]:
                f[f"rule:{fd.rule}"] = 1.0
                f[f"pack:{fd.pack}"] = 1.0
                f[f"sev:{fd.severity}"] = 1.0
            parts["findings"] = f
        for k, (rows, _groups) in enumerate(zip(out, layouts)):
            base, rest = extends[k]
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


# --- document features ------------------------------------------------------------------------

def document_features(
    findings: Sequence[Finding],
    claims: Sequence[Claim],
    cautions: Sequence[Caution],
    *,
    page_rules: frozenset[str] = frozenset(),
    model_claims: int = 0,
    model_flags: int = 0,
) -> dict[str, float]:
    """A page's summary. Counts enter as log(1 + n) so the tenth finding adds less than the first."""
    return document_counts(findings, claims, cautions, page_rules=page_rules, model_claims=model_claims,
                           model_flags=model_flags).features()


@dataclass(frozen=True)
class DocumentCounts:
    """What the document features are made of: counts of findings (by rule, pack and severity)
    and of claims (by modality and approval status), the caution categories, the sentence
    model's claims and flags. Lets the document model score the page without one finding, one
    caution category or the claims (the score breakdown) without counting everything again."""

    findings: Counter[str]
    claims: Counter[str]
    cautions: tuple[str, ...]
    model_claims: int
    model_flags: int
    page_rules: frozenset[str] = frozenset()

    def features(self) -> dict[str, float]:
        f: dict[str, float] = {"bias": 1.0}
        for cat in self.cautions:
            f[f"caution:{cat}"] = 1.0
        for counts in (self.findings, self.claims):
            for k, n in counts.items():
                if n:
                    f[k] = math.log1p(n)
        if self.model_claims:
            f["model:claims"] = math.log1p(self.model_claims)
        if self.model_flags:
            f["model:flagged"] = math.log1p(self.model_flags)
        return f

    def without_finding(self, finding: Finding) -> DocumentCounts:
        """As if the (live) finding were not there."""
        counts = self.findings.copy()
        for key in finding_keys(finding, self.page_rules):
            counts[key] -= 1
        flags = self.model_flags - (1 if finding.rule.startswith("MDL") else 0)
        return DocumentCounts(counts, self.claims, self.cautions, self.model_claims, flags, self.page_rules)

    def without_claims(self) -> DocumentCounts:
        return DocumentCounts(self.findings, Counter(), self.cautions, 0, self.model_flags, self.page_rules)

    def without_caution(self, category: str) -> DocumentCounts:
        return DocumentCounts(self.findings, self.claims, tuple(c for c in self.cautions if c != category),
                              self.model_claims, self.model_flags, self.page_rules)


def finding_keys(fd: Finding, page_rules: frozenset[str]) -> tuple[str, ...]:
    if fd.rule in page_rules:
        return (f"rule:{fd.rule}", f"pack:{fd.pack}")
    return (f"rule:{fd.rule}", f"pack:{fd.pack}", f"sev:{fd.severity}")


def document_counts(
    findings: Sequence[Finding],
    claims: Sequence[Claim],
    cautions: Sequence[Caution],
    *,
    page_rules: frozenset[str] = frozenset(),
    model_claims: int = 0,
    model_flags: int = 0,
) -> DocumentCounts:
    found: Counter[str] = Counter()
    for fd in findings:
        if not fd.suppressed:
            found.update(finding_keys(fd, page_rules))
    claimed: Counter[str] = Counter()
    for c in claims:
        claimed[f"claims:{c.modality}"] += 1
        if c.modality != "negated":
            claimed[f"claims_status:{c.condition_status}"] += 1
            if c.modality in {"asserted", "reported"} and c.condition_status == "not_approved":
                claimed["claims:unproven_asserted"] += 1
    return DocumentCounts(found, claimed, tuple({c.category for c in cautions}), model_claims, model_flags, page_rules)
