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

from checker.claims import SentenceView, sections
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
    groups = set(groups)
    section_of = sections(page)
    out: list[dict[str, float]] = []
    for i, view in enumerate(views):
        f: dict[str, float] = {"bias": 1.0}
        s = view.sentence
        text = page.text[s.start : s.end]
        if "lex" in groups:
            f.update(_lex(view, claims_by_sentence[i], lexicon))
        tokens = masked_tokens(page, view) if groups & {"words", "prefixes", "bigrams", "shape"} else []
        if "shape" in groups:
            block = page.blocks[s.block] if 0 <= s.block < len(page.blocks) else None
            f[f"block:{block.kind if block else 'none'}"] = 1.0
            if block is not None and block.region == "chrome":
                f["region:chrome"] = 1.0
            n = len(tokens)
            f[f"len:{'1-3' if n <= 3 else '4-7' if n <= 7 else '8-15' if n <= 15 else '16-30' if n <= 30 else '31+'}"] = 1.0
            if _FIRST_PERSON & set(tokens):
                f["person:first"] = 1.0
            if _SECOND_PERSON & set(tokens):
                f["person:second"] = 1.0
            if any(t.isdigit() for t in tokens):
                f["digits"] = 1.0
            if text.rstrip().endswith("?"):
                f["question"] = 1.0
            if text.rstrip().endswith("!"):
                f["exclamation"] = 1.0
            if text[:1] in "\"“'‘":
                f["quoted"] = 1.0
        if "context" in groups:
            if i > 0:
                prev = _lex(views[i - 1], claims_by_sentence[i - 1], lexicon, "prev_")
                f.update({k: v for k, v in prev.items() if k.startswith(("prev_claim:", "prev_has:", "prev_pair:"))})
            heading = section_of[s.block] if 0 <= s.block < len(section_of) else -1
            if heading >= 0 and heading != s.block:
                for j in range(i - 1, -1, -1):
                    if views[j].sentence.block == heading:
                        head = _lex(views[j], claims_by_sentence[j], lexicon, "head_")
                        f.update({k: v for k, v in head.items() if k.startswith(("head_has:", "head_claim:", "head_status:"))})
                        break
                    if views[j].sentence.block < heading:
                        break
            if facts.has_main_intervention:
                f["page:intervention"] = 1.0
            for cat in facts.caution_categories & {"risk", "uncertainty", "regulatory"}:
                f[f"page:caution:{cat}"] = 1.0
            if facts.unproven_claims:
                f["page:unproven_claims"] = min(1.0, facts.unproven_claims / 5)
        if "ctxwords" in groups:
            heading = section_of[s.block] if 0 <= s.block < len(section_of) else -1
            for j in range(i - 1, max(i - 30, -1), -1):
                if views[j].sentence.block == heading and heading != s.block:
                    for t in set(masked_tokens(page, views[j])):
                        f[f"hw:{t}"] = 1.0
                    break
            if i > 0:
                for t in set(masked_tokens(page, views[i - 1])):
                    f[f"pw:{t}"] = 1.0
        if "words" in groups:
            for t in set(tokens):
                f[f"w:{t}"] = 1.0
        if "prefixes" in groups:
            for t in set(tokens):
                if len(t) > 5 and not t.startswith("<"):
                    f[f"p:{t[:5]}"] = 1.0
        if "bigrams" in groups:
            for a, b in zip(tokens, tokens[1:]):
                f[f"b:{a}_{b}"] = 1.0
        if "findings" in groups and findings_by_sentence is not None:
            for fd in findings_by_sentence[i]:
                f[f"rule:{fd.rule}"] = 1.0
                f[f"pack:{fd.pack}"] = 1.0
                f[f"sev:{fd.severity}"] = 1.0
        out.append(f)
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
    f: dict[str, float] = {"bias": 1.0}
    counts: Counter[str] = Counter()
    for fd in findings:
        if fd.suppressed:
            continue
        counts[f"rule:{fd.rule}"] += 1
        counts[f"pack:{fd.pack}"] += 1
        if fd.rule not in page_rules:
            counts[f"sev:{fd.severity}"] += 1
    for c in claims:
        counts[f"claims:{c.modality}"] += 1
        if c.modality != "negated":
            counts[f"claims_status:{c.condition_status}"] += 1
            if c.modality in {"asserted", "reported"} and c.condition_status == "not_approved":
                counts["claims:unproven_asserted"] += 1
    for cat in {c.category for c in cautions}:
        f[f"caution:{cat}"] = 1.0
    counts["model:claims"] = model_claims
    counts["model:flagged"] = model_flags
    for k, n in counts.items():
        if n:
            f[k] = math.log1p(n)
    return f
