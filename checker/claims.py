"""Claims and cautions from annotations: pure functions over plain data.

A claim is a sentence's effect (cure, regenerate, relieve…) applied to a condition or body part,
with the intervention that is said to have it and a modality. Resolution steps, each explained
by a `*_source` field on the claim:
- intervention: named in the sentence (explicit); "it"/"this therapy" -> the page's main
  intervention (anaphora); named in the sentence before or the section heading (context).
- condition: named in the sentence (explicit); "these conditions" -> the conditions named in the
  last sentences of the section; "regenerate liver tissue" -> the liver disease named just
  before, matched by organ system (context).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.lexicon import Lexicon
from checker.nlp.pipeline import Annotations
from checker.nlp.syntax import verb_lemma
from checker.structure import Reading, has_predicate, read
from checker.types import LETTER_WORD, NOT_MADE, NOT_STATED, Caution, Claim, ClaimPart, ClaimParts, Mention, Modality, Page, Qualifier, Sentence
from checker.verifier import ClaimVerifier, claim_features

Parse = Callable[[Sequence[str]], list[Any]]  # sentence texts -> parsed spaCy Docs
MAX_PARSE_CHARS = 1500
# caution categories that temper a claim made beside them (the sentence model's and the rules'
# hedging): a risk, an uncertainty or a regulatory status stated in the same sentence
HEDGING_CAUTIONS = frozenset({"risk", "uncertainty", "regulatory"})  # longer sentences keep the co-occurrence reading

GENERIC_CONDITIONS = {"injury", "inflammation", "chronic_disease"}
GENERIC_SYSTEMS = {"general"}
CONTEXT_SENTENCES = 3
CURE_STRENGTH = 3  # the effects' `strength` of cure-like claims (cure, reverse, regenerate, repair, restore, heal, eliminate)
# qualifier categories in the order they set a claim's modality (the strongest first)
MODALITY_ORDER: tuple[tuple[str, Modality], ...] = (
    ("HYPOTHETICAL", "hypothetical"),
    ("HEDGE", "hedged"),
    ("REPORTED", "reported"),
    ("TESTIMONIAL", "reported"),
)


@dataclass(frozen=True, slots=True)
class SentenceView:
    sentence: Sentence
    mentions: tuple[Mention, ...]
    qualifiers: tuple[Qualifier, ...]

    def of(self, label: str) -> list[Mention]:
        return [m for m in self.mentions if m.label == label]


def sentence_views(ann: Annotations) -> list[SentenceView]:
    """Group mentions and qualifiers by sentence (both lists are sorted by start)."""
    starts = [s.start for s in ann.sentences]
    mentions: list[list[Mention]] = [[] for _ in ann.sentences]
    quals: list[list[Qualifier]] = [[] for _ in ann.sentences]
    for m in ann.mentions:
        i = bisect_left(starts, m.start + 1) - 1
        if i >= 0 and m.start < ann.sentences[i].end:
            mentions[i].append(m)
    for q in ann.qualifiers:
        i = bisect_left(starts, q.start + 1) - 1
        if i >= 0 and q.start < ann.sentences[i].end:
            quals[i].append(q)
    return [SentenceView(s, tuple(m), tuple(q)) for s, m, q in zip(ann.sentences, mentions, quals)]


def main_intervention(ann: Annotations) -> tuple[str, str] | None:
    """(key, display text) of the page's most mentioned intervention, or None."""
    counts = Counter(m.key for m in ann.mentions if m.label == "INTERVENTION" and not m.negated)
    if not counts:
        return None
    key = max(counts, key=lambda k: (counts[k], -next(i for i, m in enumerate(ann.mentions) if m.key == k)))
    text = next(m.text for m in ann.mentions if m.key == key and m.label == "INTERVENTION")
    return key, text.lower()


def sentence_modality(view: SentenceView) -> tuple[Modality, tuple[str, ...]]:
    """A whole sentence's modality, for a claim read from it with no effect to govern (the
    sentence model's claims): its strongest qualifier, else a hedging caution, else asserted."""
    for category, mod in MODALITY_ORDER:
        hits = tuple(q.trigger for q in view.qualifiers if q.category == category)
        if hits:
            return mod, hits
    cautions = tuple(m.text for m in view.of("CAUTION") if not m.negated and m.key in HEDGING_CAUTIONS)
    return ("hedged", cautions) if cautions else ("asserted", ())


def modality(effect: Mention, target: Mention | None, quals: Sequence[Qualifier]) -> tuple[Modality, tuple[str, ...]]:
    """Negated when a negation governs the effect or the target, by a trigger other than the
    effect words themselves ("eliminates knee pain" and "could eliminate the need for insulin"
    are claims, not negations); otherwise the strongest of hypothetical > hedged > reported;
    else asserted."""
    def governs(q: Qualifier, m: Mention) -> bool:
        return q.covers(m.start, m.end)

    negations = [q for q in quals if q.category == "NEGATED"]
    for q in negations:
        if q.start >= effect.start and q.end <= effect.end:  # the effect's own word
            continue
        if governs(q, effect) or (target is not None and governs(q, target)):
            return "negated", (q.trigger,)
    for category, mod in MODALITY_ORDER:
        hits = tuple(q.trigger for q in quals if q.category == category and (governs(q, effect) or (target and governs(q, target))))
        if hits:
            return mod, hits
    return "asserted", ()


def extract_claims(
    page: Page, ann: Annotations, lexicon: Lexicon, parse: Parse | None = None, verifier: ClaimVerifier | None = None,
    views: list[SentenceView] | None = None,
) -> list[Claim]:
    """Claims from the lexicon's mentions. With `parse` (the trained parser, see
    checker.nlp.syntax), only the sentences that hold an effect and a target are parsed, and the
    parse decides which effect governs which target, whether the subject is a natural process,
    and the modality it gives (question, attribution, negation, a heading without a verb);
    without it, an effect and a target in one sentence make a claim. With `verifier`
    (checker.verifier), a stated candidate it scores below its threshold is dropped and each
    kept one's confidence is its probability. `views`: the page's sentence views, when the caller
    has them."""
    views = sentence_views(ann) if views is None else views
    claims = []
    for claim, features in claim_candidates(page, ann, lexicon, parse, views):
        if verifier is None or claim.modality in NOT_STATED:  # a denial, question or offer is not put to it
            claims.append(claim)
            continue
        kept, p = verifier.keeps(features)
        if kept:
            claims.append(replace(claim, confidence=round(p, 2)))
    return claims + list_claims(page, views, lexicon, claims)


MAX_LIST_ITEM_WORDS = 8
MAX_LIST_ITEMS = 40


def list_claims(page: Page, views: Sequence[SentenceView], lexicon: Lexicon, claims: Sequence[Claim]) -> list[Claim]:
    """A list of conditions under a lead-in that makes a claim ("Stem cells can treat the
    following conditions:" then "• Osteoarthritis", "• COPD"): each item is that claim for its
    condition. Only short items with no effect of their own, in list-item blocks that follow the
    lead-in with nothing but sub-list headings between; the lead-in must end with a colon and
    hold a stated claim about a named treatment."""
    by_start = {c.start: c for c in claims if c.modality not in NOT_STATED and c.intervention}
    out: list[Claim] = []
    lead: Claim | None = None
    items = 0
    for view in views:
        block = page.blocks[view.sentence.block] if view.sentence.block < len(page.blocks) else None
        text = page.text[view.sentence.start : view.sentence.end]
        if block is not None and block.kind == "heading" and lead is not None and not view.of("CAUTION"):
            continue  # a sub-list's heading ("Malignant disorders") under the same lead-in; "Side effects" ends it
        if block is None or block.kind != "li":
            lead = by_start.get(view.sentence.start) if text.rstrip().endswith(":") else None
            items = 0
            continue
        items += 1
        conditions = _specific(view.of("CONDITION"))
        if (lead is None or items > MAX_LIST_ITEMS or not conditions or view.of("EFFECT")
                or view.sentence.start in by_start or len(LETTER_WORD.findall(text)) > MAX_LIST_ITEM_WORDS):
            continue
        target = conditions[0]
        # standard care in the lead-in makes every use established (its generic target "approved")
        established = lead.condition_status == "approved" and (lead.condition_key is None or lead.condition_key in GENERIC_CONDITIONS)
        status = "approved" if established else str(lexicon.attrs("CONDITION", target.key).get("status", "unknown"))
        out.append(replace(
            lead, text=text, start=view.sentence.start, end=view.sentence.end, condition=target.text, condition_key=target.key,
            condition_status=status, condition_source="list", body_part=None, syntax=(),
            parts=ClaimParts(
                intervention=ClaimPart(lead.intervention or "", None, None, "context") if lead.intervention else None,
                effect=ClaimPart(lead.effect, None, None, "context"),
                condition=ClaimPart(target.text, target.start, target.end, "explicit")),
        ))
    return out


def claim_candidates(
    page: Page, ann: Annotations, lexicon: Lexicon, parse: Parse | None = None, views: list[SentenceView] | None = None
) -> list[tuple[Claim, dict[str, float]]]:
    """Every claim the mentions and the parse propose, with its structural features (what the
    verifier scores, and what training/claim_verifier.py learns from)."""
    views = sentence_views(ann) if views is None else views
    main = main_intervention(ann)
    section_of = sections(page)
    candidates: list[tuple[int, SentenceView, list[Mention], list[Mention], str]] = []
    for i, view in enumerate(views):
        effects = view.of("EFFECT") or (_offer_link(page.text, view) if parse is not None else [])
        # with a parser, a sentence naming a treatment and a target is read too: its effect may
        # be an inflection no term lists ("fought", "rebuilt"), found by lemma below
        if not effects and (parse is None or not (view.of("INTERVENTION") or view.of("ANAPHOR"))
                            or not _may_hold_effect_verb(page.text, view.sentence, lexicon)):
            continue
        targets, condition_source = _targets(i, view, views, section_of, lexicon)
        if targets:
            candidates.append((i, view, effects, targets, condition_source))
        elif parse is not None and effects and (view.of("INTERVENTION") or view.of("ANAPHOR")):
            candidates.append((i, view, effects, [], "none"))  # "PRP stimulates healing": the treatment's effect, no target named
    parsed: list[Any] = [None] * len(candidates)
    if parse is not None:
        # a run-on "sentence" (a 5-million-character line) is read by co-occurrence, not parsed:
        # the parser's cost grows with length and no real claim sentence is that long
        todo = [k for k, (_, view, _, _, _) in enumerate(candidates) if view.sentence.end - view.sentence.start <= MAX_PARSE_CHARS]
        for k, doc in zip(todo, parse([_sentence_text(page.text, candidates[k][1].sentence) for k in todo])):
            parsed[k] = doc
    claims: list[tuple[Claim, dict[str, float]]] = []
    for (i, view, effects, targets, condition_source), doc in zip(candidates, parsed):
        if not effects:
            effects = _effects_by_lemma(doc, view.sentence.start, lexicon) if doc is not None else []
            if not effects:
                continue
        intervention, source, intervention_key, intervention_part = _intervention(i, view, views, section_of, main, lexicon)
        # standard care named in the sentence itself makes the use established; resolved from
        # elsewhere it may be what the page argues against ("allopathic medicines only suppress…")
        established = source == "explicit" and is_established(lexicon, intervention_key)
        uncertain = [m for m in view.of("CAUTION") if m.key == "uncertainty" and not m.negated]
        text = page.text[view.sentence.start : view.sentence.end]
        no_target: list[Mention | None] = [None]
        for target in targets or no_target:
            reading: Reading | None = None
            if target is None:
                agentive = _read_agentive(doc, view, effects, lexicon) if doc is not None else None
                if agentive is None:
                    continue
                effect, reading = agentive
            elif effects[0].key == OFFER_LINK:
                if doc is None or has_predicate(doc):
                    continue  # a sentence with a verb says more than a menu item; that is read by its verb
                if not effects[0].end < target.start < view.sentence.end or any(c.start == view.sentence.start for c, _ in claims):
                    continue  # one offer a line: the condition named after its "for"
                effect, reading = effects[0], None
            elif doc is not None:
                found = None
                in_sentence = view.sentence.start <= target.start < view.sentence.end
                # a target resolved from context ("these conditions", "liver tissue" -> the liver
                # disease named before) is read at the words that stand for it in this sentence
                same_system = [b for b in view.of("BODY_PART")
                               if lexicon.attrs("BODY_PART", b.key).get("system") == lexicon.attrs(target.label, target.key).get("system")]
                stand_ins = [target, *(m for m in view.of(target.label) if m.key == target.key and m is not target), *same_system] \
                    if in_sentence else [*view.of("CONDITION_ANAPHOR"), *view.of("BODY_PART")]
                readings = [r for m in stand_ins if (r := _read_pair(doc, view, effects, m, lexicon)) is not None]
                if readings:  # the strongest effect read at any of them ("flu vaccination … to prevent flu": the second)
                    found = max(readings, key=lambda er: int(lexicon.attrs("EFFECT", er[0].key).get("strength", 1)))
                if found is None:
                    # no effect governs this target (co-occurrence, not a claim for it); the
                    # treatment may still be said to have the effect ("uses blood cells to speed healing")
                    if target is targets[-1] and not any(c.start == view.sentence.start for c, _ in claims):
                        found = _read_agentive(doc, view, effects, lexicon)
                        target = None
                    if found is None:
                        continue
                effect, reading = found
                if reading.natural:
                    continue  # the body or an organ doing it by itself: background biology
                if reading.capability and (target is None or target.label != "CONDITION"):
                    continue  # what cells can do or are for, to tissue: background biology
                if (source in {"none", "context"} and int(lexicon.attrs("EFFECT", effect.key).get("strength", 1)) >= CURE_STRENGTH
                        and (named := _subject_treatment(reading, view, page.text, lexicon)) is not None):
                    intervention, source, intervention_key, intervention_part = named
                    established = False
            else:
                effect = _nearest(effects, target, lexicon, page.text)
            mod, triggers = modality(effect, target, view.qualifiers)
            if effect.key == OFFER_LINK and mod not in {"negated", "hypothetical", "question"}:
                mod, triggers = "offer", ()
            if reading is not None and reading.modality and mod not in {"negated", "hypothetical"}:
                mod, triggers = reading.modality, ((reading.trigger,) if reading.trigger else ())  # type: ignore[assignment]
            if mod in {"asserted", "hedged", "reported"} and doc is not None and inside_quotes(page.text, view.sentence.start, effect.start):
                mod, triggers = "attributed", ("quoted",)  # someone else's words, quoted: a letter, a report, a review
            if mod == "asserted" and uncertain:
                mod, triggers = "hedged", tuple(m.text for m in uncertain)
            attrs = lexicon.attrs(target.label, target.key) if target is not None else {}
            effect_class = "treat" if effect.key == OFFER_LINK else lexicon.attrs("EFFECT", effect.key).get("class", effect.key)
            is_condition = target is not None and target.label == "CONDITION"
            status = "approved" if established else str(attrs.get("status", "unknown")) if is_condition else "none"
            features = claim_features(
                sentence=text, modality=mod, effect_class=str(effect_class), intervention_source=source,
                condition_source=condition_source if is_condition else "none", condition_status=status,
                target="none" if target is None else "condition" if is_condition else "body_part",
                generic_target=target is not None and target.key in GENERIC_CONDITIONS, reading=reading, doc=doc,
                effect_span=(effect.start - view.sentence.start, effect.end - view.sentence.start))
            claims.append((Claim(
                text=text,
                start=view.sentence.start,
                end=view.sentence.end,
                intervention=intervention,
                intervention_source=source,
                effect=effect.text,
                effect_class=str(effect_class),
                condition=target.text if target is not None and is_condition else None,
                condition_key=target.key if target is not None and is_condition else None,
                # the status of the use: a condition's approved stem-cell uses, or any use of standard care
                condition_status=status,
                condition_source=condition_source if is_condition else "none",
                body_part=None if target is None or is_condition else target.text,
                modality=mod,
                qualifiers=triggers,
                systems=(str(attrs.get("system", "general")),),
                syntax=reading.arcs if reading is not None else (),
                parts=ClaimParts(intervention=intervention_part, effect=ClaimPart(effect.text, effect.start, effect.end, "explicit"),
                                 **({} if target is None else
                                    {"condition" if is_condition else "body_part": _target_part(target, view, condition_source)})),
            ), features))
    return claims


_OPEN_QUOTES = "“‘«\""
_CLOSE_QUOTES = "”’»\""


def inside_quotes(text: str, sentence_start: int, offset: int) -> bool:
    """Whether `offset` lies inside a quotation that opens in its sentence (or that the sentence
    opens with and never closes, as a multi-sentence quote does). Apostrophes are not quotes."""
    depth = 0
    for i in range(max(sentence_start, offset - MAX_PARSE_CHARS), offset):  # bounded: linear on run-on lines
        ch = text[i]
        if ch == '"':
            depth = 0 if depth else 1
        elif ch in "“«" or (ch == "‘" and (i == 0 or not text[i - 1].isalnum())):
            depth = 1
        elif ch in "”»" or (ch == "’" and (i + 1 >= len(text) or not text[i + 1].isalnum()) and depth):
            depth = 0
    return depth > 0




OFFER_LINK = "offer_for"  # the effect key of a menu item's "for": read as the lexicon's "treat" class
MAX_OFFER_WORDS = 10
_FOR_ONLY = re.compile(r"\s+(for)\s+(?:the\s+)?", re.I)


def _offer_link(text: str, view: SentenceView) -> list[Mention]:
    """"PRP Injections for Knee Pain", "Turmeric for Cancer": a short line naming a treatment, then
    "for", then the condition, is a clinic's menu item or heading offering that treatment for it,
    whether or not a lexicon effect is named ("therapy for" is one). Its "for" stands as the effect;
    the claim is an offer only if the parse finds no predicate in the line."""
    if len(LETTER_WORD.findall(text, view.sentence.start, view.sentence.end)) > MAX_OFFER_WORDS:
        return []
    for treatment in view.of("INTERVENTION"):
        for condition in view.of("CONDITION"):
            link = _FOR_ONLY.fullmatch(text, treatment.end, condition.start) if condition.start > treatment.end else None
            if link is not None:
                return [Mention("EFFECT", OFFER_LINK, link.start(1), link.end(1), link.group(1))]
    return []


def _may_hold_effect_verb(text: str, sentence: Sentence, lexicon: Lexicon) -> bool:
    """Whether a sentence without an effect term holds a form of an effect verb ("fought",
    "rebuilt"), so that parsing it may find one by lemma: most such sentences do not, and parsing
    is the scan's largest cost. Read with the verb lemmas the parse will use (cached per word)."""
    lemmas = lexicon.effect_lemmas
    words = LETTER_WORD.findall(text, sentence.start, min(sentence.end, sentence.start + MAX_PARSE_CHARS))
    return any(verb_lemma(w.lower()) in lemmas for w in words)


def _effects_by_lemma(doc: Any, base: int, lexicon: Lexicon) -> list[Mention]:
    """Effect verbs the lexicon's terms missed, found by their lemma on the parsed sentence."""
    lemmas = lexicon.effect_lemmas
    return [Mention("EFFECT", lemmas[t.lemma_], base + t.idx, base + t.idx + len(t), t.text)
            for t in doc if t.pos_ == "VERB" and t.lemma_ in lemmas]


def _sentence_text(text: str, sentence: Sentence) -> str:
    """The sentence as the parser reads it: newlines become spaces, so offsets stay put."""
    return text[sentence.start : sentence.end].replace("\r", " ").replace("\n", " ")


def _relative_spans(view: SentenceView) -> tuple[Callable[[Mention], tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]],
                                                  list[tuple[int, int]]]:
    """The sentence's mentions as offsets into the parsed sentence: a converter, and the spans of
    its treatments, of the words standing for them, and of its conditions and body parts."""
    base = view.sentence.start

    def rel(m: Mention) -> tuple[int, int]:
        return m.start - base, m.end - base

    return (rel, [rel(m) for m in view.of("INTERVENTION")], [rel(m) for m in view.of("ANAPHOR")],
            [rel(m) for m in view.mentions if m.label in {"BODY_PART", "CONDITION"}])


def _read_pair(doc: Any, view: SentenceView, effects: list[Mention], target: Mention, lexicon: Lexicon) -> tuple[Mention, Reading] | None:
    """The strongest effect the parse links to the target (nearest between equals), with its reading."""
    rel, interventions, anaphors, natural = _relative_spans(view)
    best: tuple[tuple[int, int], Mention, Reading] | None = None
    for effect in effects:
        reading = read(doc, rel(effect), rel(target), interventions=interventions, anaphors=anaphors, natural_terms=natural,
                       effect_verbs=lexicon.effect_verb_lemmas)
        if not reading.linked or not reading.asserted:
            continue
        rank = (int(lexicon.attrs("EFFECT", effect.key).get("strength", 1)), -abs(effect.start - target.start))
        if best is None or rank > best[0]:
            best = (rank, effect, reading)
    return None if best is None else (best[1], best[2])


_LEADING_DETERMINERS = re.compile(r"^(?:(?:the|a|an|this|that|these|those|my|your|his|her|their|its|some|any)\s+)+", re.I)


def _subject_treatment(reading: Reading, view: SentenceView, text: str, lexicon: Lexicon) -> tuple[str, str, None, ClaimPart] | None:
    """The subject of a cure-like effect verb as the treatment when the lexicon names none
    ("Garlic cures colds", "this herb healed my eczema"): the parse says what does it. Not a person, a
    study, a measure, or a condition or body part doing it by itself. Weaker effects keep no
    treatment ("exercise lowers the risk of heart disease" is ordinary advice, not a product's claim)."""
    if reading.agent != "other" or reading.agent_span is None or reading.natural or not reading.verbal:
        return None
    start, end = view.sentence.start + reading.agent_span[0], view.sentence.start + reading.agent_span[1]
    if any(m.start < end and start < m.end for m in view.mentions if m.label in {"CONDITION", "BODY_PART"}):
        return None
    phrase = text[start:end]
    words = LETTER_WORD.findall(phrase)
    if not words or words[-1].lower() in lexicon.not_treatments or len(words) > 6:
        return None
    trimmed = _LEADING_DETERMINERS.sub("", phrase)
    start += len(phrase) - len(trimmed)
    return " ".join(trimmed.lower().split()), "subject", None, ClaimPart(trimmed, start, end, "subject")


def _read_agentive(doc: Any, view: SentenceView, effects: list[Mention], lexicon: Lexicon) -> tuple[Mention, Reading] | None:
    """A treatment's effect with no condition or body part named ("PRP stimulates the body's
    healing", "it soothes and calms"): the strongest effect whose subject is the treatment or a
    word standing for it, asserted as a predicate, not the body doing it by itself."""
    rel, interventions, anaphors, natural = _relative_spans(view)
    best: tuple[int, Mention, Reading] | None = None
    for effect in effects:
        reading = read(doc, rel(effect), rel(effect), interventions=interventions, anaphors=anaphors, natural_terms=natural,
                       effect_verbs=lexicon.effect_verb_lemmas)
        if reading.agent not in {"intervention", "anaphor"} or not reading.asserted or reading.natural or reading.capability:
            continue
        strength = int(lexicon.attrs("EFFECT", effect.key).get("strength", 1))
        if best is None or strength > best[0]:
            best = (strength, effect, reading)
    return None if best is None else (best[1], best[2])


_PAIR_WINDOW = 400  # characters either side of a target in which its effect is looked for
_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:but|however|although|though|whereas|while|yet)\b", re.I)


def _nearest(effects: list[Mention], target: Mention, lexicon: Lexicon, text: str) -> Mention:
    """The strongest effect close to the target ("aid in the regeneration of cartilage" ->
    regeneration), preferring one before it and in the same clause; distance decides between equals."""
    def distance(e: Mention) -> int:
        lo, hi = (e.end, target.start) if e.end <= target.start else (target.end, e.start)
        penalty = 200 if _CLAUSE_BREAK.search(text[lo:hi]) else 0
        return (hi - lo) + penalty + (0 if e.end <= target.start else 20)

    # only effects within a window of the target: a run-on "sentence" of 100k characters must
    # not pair every effect with every condition
    starts = [e.start for e in effects]
    lo, hi = bisect_left(starts, target.start - _PAIR_WINDOW), bisect_left(starts, target.end + _PAIR_WINDOW)
    effects = effects[lo:hi] or effects[max(0, lo - 1) : lo + 1]
    nearest = min(distance(e) for e in effects)
    close = [e for e in effects if distance(e) <= nearest + 60]
    return max(close, key=lambda e: (int(lexicon.attrs("EFFECT", e.key).get("strength", 1)), -distance(e)))


def sections(page: Page) -> list[int]:
    """For each block, the index of the heading block that opens its section (-1 if none)."""
    out, current = [], -1
    for i, block in enumerate(page.blocks):
        if block.kind in {"heading", "title"}:
            current = i
        out.append(current)
    return out


def _context(i: int, views: list[SentenceView], section_of: list[int]) -> list[SentenceView]:
    """Earlier sentences of the same section (nearest first), and the section heading."""
    section = section_of[views[i].sentence.block] if views[i].sentence.block >= 0 else -1
    out = []
    for j in range(i - 1, max(i - 1 - CONTEXT_SENTENCES, -1), -1):
        block = views[j].sentence.block
        if block < 0 or section_of[block] != section:
            break
        out.append(views[j])
    if section >= 0:
        out.extend(v for v in views[max(0, i - 12) : i] if v.sentence.block == section)
    return out


def _targets(
    i: int, view: SentenceView, views: list[SentenceView], section_of: list[int], lexicon: Lexicon
) -> tuple[list[Mention], str]:
    conditions = _specific(view.of("CONDITION"))
    context = _context(i, views, section_of)
    if conditions:
        return conditions + _umbrella_members(conditions, context, lexicon), "explicit"
    if view.of("CONDITION_ANAPHOR"):
        for earlier in context:
            found = _dedupe([c for c in earlier.of("CONDITION") if c.key not in GENERIC_CONDITIONS])
            if found:
                return found, "context"
    body = _dedupe(view.of("BODY_PART"))
    if body:
        systems = {lexicon.attrs("BODY_PART", b.key).get("system") for b in body} - GENERIC_SYSTEMS
        for earlier in context:
            found = [c for c in _specific(earlier.of("CONDITION"))
                     if lexicon.attrs("CONDITION", c.key).get("system") in systems]
            if found:
                return found, "context"
        return body, "none"
    return [], "none"


def _umbrella_members(conditions: list[Mention], context: list[SentenceView], lexicon: Lexicon) -> list[Mention]:
    """A claim for an umbrella term ("autoimmune diseases") right after a sentence that names its
    members ("such as lupus and MS") is a claim for those members too: the knowledge base marks
    umbrella entries, and members share the umbrella's category (any category for `other`)."""
    umbrellas = [c for c in conditions if lexicon.attrs("CONDITION", c.key).get("umbrella")]
    if not umbrellas or len(umbrellas) < len([c for c in conditions if c.key not in GENERIC_CONDITIONS]):
        return []
    categories = {lexicon.attrs("CONDITION", u.key).get("category") for u in umbrellas}
    named = {c.key for c in conditions}
    for earlier in context:
        members = [
            c for c in _specific(earlier.of("CONDITION"))
            if c.key not in named and not lexicon.attrs("CONDITION", c.key).get("umbrella")
            and ("other" in categories or categories & _categories(lexicon, c.key))
        ]
        if members:
            return members
    return []


def _categories(lexicon: Lexicon, key: str) -> set[str]:
    attrs = lexicon.attrs("CONDITION", key)
    return {str(attrs.get("category")), *map(str, attrs.get("also", ()))}


def _specific(conditions: list[Mention]) -> list[Mention]:
    """Named conditions, one per key; generic words ("conditions", "injuries") only when the
    sentence names nothing more specific."""
    specific = [c for c in conditions if c.key not in GENERIC_CONDITIONS]
    return _dedupe(specific or conditions)


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for m in mentions:
        seen.setdefault(" ".join(m.text.lower().split()), m)
    return list(seen.values())


def _intervention(
    i: int, view: SentenceView, views: list[SentenceView], section_of: list[int], main: tuple[str, str] | None,
    lexicon: Lexicon,
) -> tuple[str | None, str, str | None, ClaimPart | None]:
    """(text, how it was resolved, lexicon key, the part as written). Of several named in one
    sentence, an unproven one comes before standard care ("unlike surgery, PRP heals tendons" is a
    claim for PRP)."""
    explicit = sorted(view.of("INTERVENTION"), key=lambda m: is_established(lexicon, m.key))
    if explicit:
        m = explicit[0]
        return m.text.lower(), "explicit", m.key, ClaimPart(m.text, m.start, m.end, "explicit")
    anaphors = view.of("ANAPHOR")
    if anaphors and main:
        return main[1], "anaphora", main[0], ClaimPart(anaphors[0].text, anaphors[0].start, anaphors[0].end, "anaphora")
    for earlier in _context(i, views, section_of):
        named = earlier.of("INTERVENTION")
        if named:
            return named[0].text.lower(), "context", named[0].key, ClaimPart(named[0].text, None, None, "context")
        if earlier.of("ANAPHOR") and main:
            return main[1], "context", main[0], ClaimPart(main[1], None, None, "context")
    return None, "none", None, None


def _target_part(target: Mention, view: SentenceView, condition_source: str) -> ClaimPart:
    """The condition or body part as written in the sentence, or where it came from."""
    if view.sentence.start <= target.start < view.sentence.end:
        return ClaimPart(target.text, target.start, target.end, "explicit")
    return ClaimPart(target.text, None, None, condition_source if condition_source not in {"explicit", "none"} else "context")


def is_established(lexicon: Lexicon, intervention_key: str | None) -> bool:
    """Standard care (medicines, surgery, vaccines…): its uses are established, not unproven."""
    return intervention_key is not None and lexicon.attrs("INTERVENTION", intervention_key).get("type_status") == "established"


# where a claim's intervention came from when it is one of the page's lexicon mentions (not a
# subject the parse found, nor the sentence model's page-level guess)
LEXICON_SOURCES = frozenset({"explicit", "anaphora", "context"})


def names_only_standard_care(ann: Annotations, lexicon: Lexicon) -> bool:
    """Whether every treatment the page names is standard care (a patient-education page on
    anaemia naming medicines and transfusions): then each claim whose treatment was resolved from
    those names is about standard care, however far away it was named."""
    return all(is_established(lexicon, m.key) for m in ann.mentions if m.label == "INTERVENTION" and not m.negated)


def extract_cautions(page: Page, ann: Annotations, views: list[SentenceView] | None = None) -> list[Caution]:
    """Cautions that are not negated, one per category and sentence."""
    views = sentence_views(ann) if views is None else views
    out: list[Caution] = []
    for view in views:
        seen: set[str] = set()
        for m in view.of("CAUTION"):
            if m.negated or m.key in seen:
                continue
            seen.add(m.key)
            out.append(Caution(m.key, m.text, m.start, m.end, page.text[view.sentence.start : view.sentence.end]))
    return out


def unproven_claims(claims: Sequence[Claim]) -> list[Claim]:
    """The claims a page makes (not denied, asked, offered, supposed or attributed) about a named
    treatment for a use that is not approved or established: what the disclosure rules count
    (their default `claim_status`), and what the reports count beside the claims. A claim that
    names no condition or body part ("it heals") is for no use in particular: not counted."""
    return [c for c in claims if c.modality not in NOT_MADE and c.intervention and c.condition_status != "approved"
            and c.target_kind != "none"]
