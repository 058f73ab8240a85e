"""One small evaluator per rule kind: (rule, page context) -> hits. Pure functions over plain data."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import TypeVar

from checker.claims import HEDGING_CAUTIONS, LEXICON_SOURCES, SentenceView, inside_quotes, is_established, names_only_standard_care
from checker.engine.loader import Rule
from checker.engine.schema import (
    AbsenceMatch,
    ClaimMatch,
    ConditionalMatch,
    LinkMatch,
    MetricMatch,
    RegexMatch,
    Selector,
    Strict,
)
from checker.lexicon import Lexicon
from checker.nlp.pipeline import Annotations
from checker.safe_regex import alternation, compile_regex, phrases_regex
from checker.types import NOT_MADE, Caution, Claim, Modifier, Page, Severity, lower_severity

_CAUTION_CATEGORIES_FOR_SENTENCE = HEDGING_CAUTIONS
# Claims the page does not make: denied, or only posed ("be wary of clinics that claim…").


@dataclass(frozen=True)
class PageContext:
    page: Page
    ann: Annotations
    views: list[SentenceView]
    claims: list[Claim]
    cautions: list[Caution]
    lexicon: Lexicon
    word_count: int

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [v.sentence.start for v in self.views]

    def view_at(self, offset: int) -> tuple[int, SentenceView | None]:
        i = bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.views[i].sentence.end:
            return i, self.views[i]
        return -1, None

    @cached_property
    def names_only_standard_care(self) -> bool:
        return names_only_standard_care(self.ann, self.lexicon)

    @cached_property
    def main_blocks(self) -> list[int]:
        return [i for i, b in enumerate(self.page.blocks) if b.region == "main"]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    match: str
    fields: dict[str, str] = field(default_factory=dict)
    severity: Severity | None = None  # set when a modifier changed it
    modifiers: tuple[Modifier, ...] = ()


def downgrade(rule: Rule, kind: str, trigger: str) -> tuple[Severity, Modifier]:
    """One step down for a hedge or an offer: the one place a context lowers a rule's severity."""
    after = lower_severity(rule.severity)
    return after, Modifier(kind, trigger, rule.severity, after)


Evaluator = Callable[[Rule, PageContext], Iterator[Hit]]


# --- text matches: phrase, pattern, regex share the context filter ---------------------------

def hit_modality(view: SentenceView, start: int, end: int) -> dict[str, str]:
    """Categories of the qualifiers that govern [start, end), with their trigger words."""
    found: dict[str, str] = {}
    for q in view.qualifiers:
        if q.covers(start, end) and not (q.start < end and start < q.end):
            found.setdefault(q.category, q.trigger)
    return found


def contextual(rule: Rule, ctx: PageContext, spans: Iterator[tuple[int, int]]) -> Iterator[Hit]:
    c = rule.context
    seen_sentences: set[int] = set()
    last = set(ctx.main_blocks[-c.last_blocks :]) if c.last_blocks else None
    unless = phrases_regex(tuple(c.unless_sentence_has)) if c.unless_sentence_has else None
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):  # longest match first at a start
        i, view = ctx.view_at(start)
        if view is None:
            continue
        block = ctx.page.blocks[view.sentence.block] if view.sentence.block >= 0 else None
        if block is not None and block.region not in c.region:
            continue
        if last is not None and view.sentence.block not in last:
            continue
        if c.sentence_has and not {m.label for m in view.mentions} & set(c.sentence_has):
            continue
        if unless is not None and unless.search(ctx.page.text[view.sentence.start : view.sentence.end]):
            continue
        mods = hit_modality(view, start, end)
        states = {
            "negated": "NEGATED" in mods,
            "hypothetical": "HYPOTHETICAL" in mods,
            "hedged": "HEDGE" in mods,
            "reported": "REPORTED" in mods or "TESTIMONIAL" in mods,
            "caution_sentence": any(
                m.label == "CAUTION" and m.key in _CAUTION_CATEGORIES_FOR_SENTENCE and not m.negated
                for m in view.mentions
            ),
            "quoted": "quoted" in c.skip and inside_quotes(ctx.page.text, view.sentence.start, start),
            "standard_care": "standard_care" in c.skip and any(
                m.label == "INTERVENTION" and is_established(ctx.lexicon, m.key) for m in view.mentions),
        }
        if any(states[s] for s in c.skip):
            continue
        severity: Severity | None = None
        modifiers: tuple[Modifier, ...] = ()
        if states["hedged"]:
            if c.hedged == "skip":
                continue
            if c.hedged == "downgrade" and rule.severity != "low":
                severity, modifier = downgrade(rule, "hedged", repr(mods["HEDGE"]))
                modifiers = (modifier,)
        if c.once_per_sentence:
            if i in seen_sentences:
                continue
            seen_sentences.add(i)
        yield Hit(start, end, ctx.page.text[start:end], severity=severity, modifiers=modifiers)


M = TypeVar("M", bound=Strict)


def match_of(rule: Rule, model: type[M]) -> M:
    """A rule's `match`, as the model its kind validated it against (checker.engine.schema)."""
    if not isinstance(rule.match, model):
        raise TypeError(f"rule {rule.id}: a {rule.kind} rule's match is not a {model.__name__}")
    return rule.match


def eval_matched(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    """phrase and pattern rules: their matches were collected in the spaCy pass."""
    yield from contextual(rule, ctx, iter(ctx.ann.rule_matches.get(rule.id, ())))


def eval_regex(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, RegexMatch)
    rx = alternation(tuple(m.regex), m.ignore_case)
    norm = ctx.ann.normalized
    text = norm.text if norm.changed else ctx.page.text  # match what the page says, undisguised
    spans = (norm.original_span(hit.start(), hit.end()) for hit in rx.finditer(text) if hit.end() > hit.start())
    yield from contextual(rule, ctx, spans)


# --- claims ----------------------------------------------------------------------------------

def eval_claim(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, ClaimMatch)
    seen: set[int] = set()
    for claim in ctx.claims:
        if claim.modality not in m.modality:
            continue
        if m.require_intervention and not claim.intervention:
            continue
        if m.effect_classes and claim.effect_class not in m.effect_classes:
            continue
        if claim.condition_status not in m.condition_status:
            continue
        if claim.target_kind not in m.targets:
            continue
        if m.condition_categories:
            category = ctx.lexicon.attrs("CONDITION", claim.condition_key or "").get("category")
            if category not in m.condition_categories:
                continue
        if claim.start in seen:
            continue
        severity: Severity | None = None
        modifiers: tuple[Modifier, ...] = ()
        if claim.modality == "hedged":
            if rule.context.hedged == "skip":
                continue
            if rule.context.hedged == "downgrade" and rule.severity != "low":
                severity, modifier = downgrade(rule, "hedged", ", ".join(repr(q) for q in claim.qualifiers[:2]))
                modifiers = (modifier,)
        if claim.modality == "offer" and rule.severity != "low":
            severity, modifier = downgrade(rule, "offer", "")
            modifiers = (modifier,)
        if claim.modality == "reported":
            modifiers += (Modifier("reported", ", ".join(repr(q) for q in claim.qualifiers[:2])),)
        seen.add(claim.start)
        target = claim.condition or claim.body_part or ""
        yield Hit(
            claim.start, claim.end, f"{claim.effect} … {target}",
            fields={"intervention": claim.intervention or "the treatment", "effect": claim.effect,
                    "target": target, "condition": claim.condition or target, "modality": claim.modality,
                    "status": claim.condition_status.replace("_", " ")},
            severity=severity, modifiers=modifiers,
        )


# --- document-level kinds --------------------------------------------------------------------

def eval_absence(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, AbsenceMatch)
    # a page naming no treatment but standard care promotes no unproven one: its claims for
    # standard care need none of the disclosures, wherever their treatment was named
    standard_care = ctx.names_only_standard_care
    relevant = [c for c in ctx.claims if c.modality not in NOT_MADE and c.condition_status in m.claim_status
                and c.target_kind != "none" and (c.intervention or not m.require_intervention)
                and not (standard_care and c.intervention_source in LEXICON_SOURCES)]
    if len(relevant) < m.min_claims:
        return
    if any(c.category in m.cautions for c in ctx.cautions):
        return
    anchor = relevant[0] if relevant else None
    start, end = (anchor.start, anchor.end) if anchor else (0, 0)
    yield Hit(start, end, "", fields={"count": str(len(relevant)), "missing": ", ".join(m.cautions)})


def eval_link(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, LinkMatch)
    last = set(ctx.main_blocks[-m.last_blocks :]) if m.last_blocks else None
    starts = [b.start for b in ctx.page.blocks]
    anchor_rx = compile_regex(m.anchor_regex) if m.anchor_regex else None
    href_rx = compile_regex(m.href_regex) if m.href_regex else None
    phrases = [p.lower() for p in m.anchor_phrases]
    for link in ctx.page.links:
        if link.region not in m.region:
            continue
        if m.external_only and not link.href.lower().startswith(("http://", "https://", "//")):
            continue
        if last is not None and bisect_right(starts, link.start) - 1 not in last:
            continue
        text = " ".join(link.text.lower().split())
        if len(text.split()) < m.min_anchor_words:
            continue
        if phrases and not any(p in text for p in phrases):
            continue
        if anchor_rx is not None and not anchor_rx.search(link.text):
            continue
        if href_rx is not None and not href_rx.search(link.href):
            continue
        yield Hit(link.start, link.end, link.text, fields={"href": link.href})


# A metric measures a page: (value, where, what to show), or None when there is nothing to measure.
Measure = tuple[float, tuple[int, int], str]
METRICS: dict[str, Callable[[MetricMatch, PageContext], Measure | None]] = {}


def metric(name: str) -> Callable[[Callable[[MetricMatch, PageContext], Measure | None]], Callable[[MetricMatch, PageContext], Measure | None]]:
    """Register a metric under the name rule files give in `match.metric`."""
    def register(fn: Callable[[MetricMatch, PageContext], Measure | None]) -> Callable[[MetricMatch, PageContext], Measure | None]:
        METRICS[name] = fn
        return fn
    return register


def eval_metric(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, MetricMatch)
    if ctx.word_count < m.min_words:
        return
    measured = METRICS[m.metric](m, ctx)
    if measured is None:
        return
    value, where, shown = measured
    if value >= m.threshold:
        yield Hit(where[0], where[1], shown, fields={"value": f"{value:.1f}" if value % 1 else f"{int(value)}", "detail": shown})


def _term_counts(m: MetricMatch, ctx: PageContext) -> tuple[Counter[str], dict[str, tuple[int, int]]]:
    """How often each treatment term (the rule's `terms`, else multi-word intervention names) occurs, and where first."""
    counts: Counter[str] = Counter()
    firsts: dict[str, tuple[int, int]] = {}
    if m.terms:
        for hit in phrases_regex(tuple(m.terms)).finditer(ctx.page.text):
            key = hit.group(0).lower()
            counts[key] += 1
            firsts.setdefault(key, (hit.start(), hit.end()))
    else:
        for mention in ctx.ann.mentions:
            if mention.label == "INTERVENTION" and len(mention.text.split()) >= 2:
                key = " ".join(mention.text.lower().split())
                counts[key] += 1
                firsts.setdefault(key, (mention.start, mention.end))
    return counts, firsts


@metric("term_density")
def _term_density(m: MetricMatch, ctx: PageContext) -> Measure | None:
    counts, firsts = _term_counts(m, ctx)
    if not counts:
        return None
    return 100 * sum(counts.values()) / max(ctx.word_count, 1), min(firsts.values()), ", ".join(k for k, _ in counts.most_common(4))


@metric("term_repeat")
def _term_repeat(m: MetricMatch, ctx: PageContext) -> Measure | None:
    counts, firsts = _term_counts(m, ctx)
    if not counts:
        return None
    top, n = counts.most_common(1)[0]
    return 100 * n / max(ctx.word_count, 1), firsts[top], f"“{top}” ×{n}"


@metric("exclamations")
def _exclamations(m: MetricMatch, ctx: PageContext) -> Measure | None:
    runs = list(re.finditer(r"!{2,}", ctx.page.text))
    return (len(runs), (runs[0].start(), runs[0].end()), runs[0].group(0)) if runs else (0, (0, 0), "")


@metric("evasions")
def _evasions(m: MetricMatch, ctx: PageContext) -> Measure | None:
    """Disguises that changed what was matched: they touch an entity or a rule match. An evasion
    touches a span iff, among the spans starting before it ends, one ends after it starts: a
    bisection and a prefix maximum, not a scan of every span per evasion (quadratic on pages with
    thousands of both)."""
    touched = sorted([(x.start, x.end) for x in ctx.ann.mentions] + [s for v in ctx.ann.rule_matches.values() for s in v])
    starts = [a for a, _ in touched]
    reach = list(accumulate((b for _, b in touched), max))
    hits = [e for e in ctx.ann.evasions if (k := bisect_left(starts, e.end)) and reach[k - 1] > e.start]
    if not hits:
        return 0, (0, 0), ""
    return len(hits), (hits[0].start, hits[0].end), "; ".join(f"{e.kind}: {e.original!r} read as {e.normalized!r}" for e in hits[:4])


@metric("caps_words")
def _caps_words(m: MetricMatch, ctx: PageContext) -> Measure | None:
    exempt = {t.upper() for t in m.terms}  # for caps_words, `terms` are acronyms
    caps = [w for w in re.finditer(r"\b[A-Z]{4,}\b", ctx.page.text) if w.group(0) not in exempt]
    if not caps:
        return 0, (0, 0), ""
    return 100 * len(caps) / max(ctx.word_count, 1), (caps[0].start(), caps[0].end()), ", ".join(dict.fromkeys(w.group(0) for w in caps[:5]))


@metric("distinct_systems")
def _distinct_systems(m: MetricMatch, ctx: PageContext) -> Measure | None:
    claims = [c for c in ctx.claims if c.modality != "negated" and c.condition_status == "not_approved" and c.intervention]
    systems = sorted({s for c in claims for s in c.systems} - {"general"})
    if not claims:
        return 0, (0, 0), ""
    return len(systems), (claims[0].start, claims[0].end), ", ".join(systems)




def _units(ctx: PageContext, within: str) -> list[tuple[int, int]]:
    if within == "document":
        return [(0, len(ctx.page.text))]
    if within == "block":
        return [(b.start, b.end) for b in ctx.page.blocks]
    return [(v.sentence.start, v.sentence.end) for v in ctx.views]


def _selector_hits(sel: Selector, ctx: PageContext) -> list[tuple[int, int]]:
    hits: list[tuple[int, int]] = []
    text = ctx.page.text
    if sel.phrases:
        rx = phrases_regex(tuple(sel.phrases))
        hits += [(h.start(), h.end()) for h in rx.finditer(text)]
    if sel.regex:
        hits += [(h.start(), h.end()) for h in alternation(tuple(sel.regex), True).finditer(text)]
    if sel.labels:
        hits += [(mm.start, mm.end) for mm in ctx.ann.mentions if mm.label in sel.labels and not mm.negated]
    if sel.cautions:
        hits += [(c.start, c.end) for c in ctx.cautions if c.category in sel.cautions]
    if sel.claims:
        hits += [(c.start, c.end) for c in ctx.claims if c.condition_status in sel.claims and c.modality not in NOT_MADE]
    return sorted(hits)


def eval_conditional(rule: Rule, ctx: PageContext) -> Iterator[Hit]:
    m = match_of(rule, ConditionalMatch)
    # The trigger obeys the rule's context like a text match: "No studies show…" is not an appeal
    # to studies. Its severity and modifiers (a hedge) carry over to the hit.
    when_hits = {(h.start, h.end): h for h in contextual(rule, ctx, iter(_selector_hits(m.when, ctx)))}
    when = sorted(when_hits)
    if not when:
        return
    present = _selector_hits(m.and_present, ctx) if m.and_present else None
    absent = _selector_hits(m.and_absent, ctx) if m.and_absent else None
    for lo, hi in _units(ctx, m.within):
        inside = [h for h in when if lo <= h[0] < hi]
        if not inside:
            continue
        if present is not None and not any(lo <= h[0] < hi for h in present):
            continue
        if absent is not None and any(lo <= h[0] < hi for h in absent):
            continue
        start, end = inside[0]
        first = when_hits[(start, end)]
        yield Hit(start, end, ctx.page.text[start:end], severity=first.severity, modifiers=first.modifiers)


EVALUATORS: dict[str, Evaluator] = {
    "phrase": eval_matched,
    "pattern": eval_matched,
    "regex": eval_regex,
    "claim": eval_claim,
    "absence": eval_absence,
    "link": eval_link,
    "metric": eval_metric,
    "conditional": eval_conditional,
}
