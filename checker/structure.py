"""Claims read from the dependency parse: does the effect govern the condition, who is said to
have the effect, and what modality the syntax gives it.

Pure functions over one parsed sentence (a spaCy Doc with heads, deps, POS and lemmas) and the
character spans of the lexicon's mentions in it. Tests build such Docs by hand, so these rules are
tested apart from the trained model's mistakes.

What the parse decides (the README's "syntax" section and tests/test_structure.py have examples):
- linked: the effect word governs the target (the target is in the effect's subtree: "reverses
  arthritis", "arthritis is reversed by…", "relief from pain") or modifies it ("reduced pain").
  "Poor sleep and reduced appetite are common in autism" links *reduced* to *appetite*, not to
  *autism*: no claim.
- modality: a question; an attribution to others ("Some clinics claim that…", "advertised as a
  cure"); a negation that governs the effect's clause; a fragment with no verb (a heading such as
  "Stem Cell Therapy for COPD" is an *offer*, not an asserted claim).
- natural process: the effect's subject is the body, an organ, tissue or a condition, and no
  intervention is attached ("The liver can regenerate itself"): background biology, not a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

Span = tuple[int, int]  # character offsets in the parsed text

ATTRIBUTION_VERBS = frozenset({
    "claim", "allege", "advertise", "tout", "market", "promote", "purport", "boast", "promise", "pitch", "peddle",
    "sell", "hype", "insist", "contend", "imply",
})
# hearsay: what someone read or heard ("patients arrive having read that it reverses ageing"),
# only with its "that" clause ("read how PRP healed…" is a call to read a clinic's own story)
HEARSAY_VERBS = frozenset({"read", "hear"})
# a research aim, not a result: "the trial evaluates X for Y", "X is being studied to treat Y"
STUDY_VERBS = frozenset({"evaluate", "assess", "test", "study", "investigate", "examine", "trial", "compare", "analyze",
                         "analyse"})
# a claim named as someone's: "promises ranging from fixing damaged knees…", "claims that the
# cells cure autism", "the hype about regrowing cartilage" (not "our promise", nor the hedge
# "shows promise in combating…")
ATTRIBUTION_NOUNS = frozenset({"claim", "promise", "hype", "allegation", "myth", "rumor", "rumour"})
# nouns of capacity or purpose: an effect that completes one is what something can do or is for
# ("stem cells have the ability to regenerate tissue", "its purpose is to repair…"), background
# unless a condition is named as its target ("curcumin has the capability to inhibit tumours")
CAPABILITY_NOUNS = frozenset({"ability", "capacity", "capability", "purpose", "role", "function"})
ATTRIBUTION_MODIFIERS = frozenset({"alleged", "purported", "so-called", "supposed", "claimed", "touted", "advertised"})
FIRST_PERSON = frozenset({"i", "we", "us", "our", "my"})
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without", "cannot"})
NATURAL_SUBJECTS = frozenset({"body", "organ", "tissue", "cell", "system", "liver", "skin", "bone", "brain", "nature"})
NATURAL_ADVERBS = frozenset({"naturally", "normally", "spontaneously"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass", "csubj"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "acl", "acl:relcl", "parataxis", "conj", "csubj", "ROOT", "root"})
MAX_LINK_DEPTH = 6
OUTCOME_VERBS = frozenset({"show", "demonstrate", "report", "experience", "see", "achieve", "observe", "notice", "produce",
                           "yield", "feel", "enjoy", "gain"})
# what a noun effect as a subject can do and still carry its effect ("there is no cure for…",
# "the treatment helps…", "PRP therapy gives results"); besides these and the effect verbs, its
# verb makes it a topic ("treatments for eczema include…", "your treatment will depend on…")
DELIVERY_VERBS = OUTCOME_VERBS | {"be", "exist", "make", "replace", "help", "allow", "enable", "keep", "let", "cause", "work",
                                  "succeed", "offer", "provide", "give", "bring", "deliver", "result", "lead"}
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "acl", "acl:relcl", "advmod", "obl:npmod", "nummod"})


# what someone needs, seeks or gets: a noun effect as their object names a topic, not a claim
TOPIC_VERBS = frozenset({"require", "need", "seek", "get", "receive", "undergo", "access", "discuss", "cover", "fund", "pay",
                         "afford", "book", "schedule", "consider", "choose", "refer", "qualify", "request", "wait", "apply"})
TOPIC_PREDICATES = frozenset({"available", "necessary", "needed", "required", "important", "expensive", "costly", "covered",
                              "free", "limited", "funded", "accessible"})


@dataclass(frozen=True, slots=True)
class Reading:
    """What the parse says of one (effect, target) pair in a sentence."""

    linked: bool
    asserted: bool  # the effect is predicated: a verb, or a noun such as "treatment" said to be one ("is a treatment for")
    modality: str | None  # question | attributed | negated | offer | None (the parse adds nothing)
    trigger: str  # the word that set the modality ("claim", "?", "not"), or ""
    agent: str  # intervention | provider | anaphor | other | none
    natural: bool  # a natural process: no intervention attached to the effect
    voice: str  # active | passive
    arcs: tuple[str, ...]  # the dependency arcs from the effect to the target, "head -dep-> child"
    verbal: bool = False  # the effect is a verb (or a verb the tagger read as a noun), not a noun or adjective
    agent_span: Span | None = None  # with agent "other": the subject's noun phrase ("Garlic" in "Garlic cures colds")
    capability: bool = False  # what something has the ability or purpose to do ("cells with the ability to repair tissue")


def token_span(doc: Doc, span: Span) -> list[Token]:
    """The tokens that overlap a character span."""
    found = doc.char_span(span[0], span[1], alignment_mode="expand")
    return list(found) if found is not None else []


def head_of(tokens: Sequence[Token]) -> Token:
    """The token of a span whose head lies outside it (the span's syntactic head)."""
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return tokens[0]


def path_down(top: Token, bottom: Token) -> list[Token] | None:
    """Tokens from `bottom` up to `top` (both included) when `top` dominates `bottom`."""
    chain = [bottom]
    node = bottom
    for _ in range(MAX_LINK_DEPTH + 1):
        if node.i == top.i:
            return chain
        if node.head.i == node.i:
            return None
        node = node.head
        chain.append(node)
    return None


def clause_head(token: Token) -> Token:
    """The verb (or predicate) whose clause holds the token: climb nominal and modifier arcs."""
    node = token
    for _ in range(8):
        if node.pos_ in {"VERB", "AUX"} or node.dep_ in CLAUSE_DEPS or node.head.i == node.i:
            return node
        node = node.head
    return node


def ancestors_to_root(token: Token) -> list[Token]:
    out, node = [], token
    for _ in range(40):
        if node.head.i == node.i:
            break
        node = node.head
        out.append(node)
    return out


def _overlaps(token: Token, spans: Sequence[Span]) -> bool:
    return any(token.idx < e and token.idx + len(token) > s for s, e in spans)


def _subtree_has(token: Token, spans: Sequence[Span]) -> bool:
    return any(_overlaps(t, spans) for t in token.subtree)


def _arcs(chain: Sequence[Token]) -> tuple[str, ...]:
    return tuple(f"{t.head.text} -{t.dep_}-> {t.text}" for t in chain[:-1])


def _subject(pred: Token) -> Token | None:
    node = pred
    for _ in range(3):  # "stem cells can help to reduce pain": the subject of the governing verb
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        purpose = node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "to" for c in node.children)
        if (node.dep_ in {"xcomp", "conj"} or purpose) and node.head.i != node.i:  # "X uses Y to speed healing": X's
            node = node.head
        else:
            break
    return None


def is_question(doc: Doc) -> bool:
    return doc.text.rstrip(" \"'”’)»").endswith("?")


def has_predicate(doc: Doc) -> bool:
    """Whether the sentence has a verb (a fragment or heading has none)."""
    return any(t.pos_ in {"VERB", "AUX"} for t in doc)


def _negation(effect: Token, pred: Token) -> Token | None:
    """A negator on the effect word ("no cure"), on its clause, or on a noun above it ("no
    evidence that…")."""
    above = ancestors_to_root(effect)
    upto = above[: above.index(pred) + 1] if pred in above else []
    for node in [effect, *upto, *ancestors_to_root(pred)[:4]]:
        for child in node.children:
            if child.lower_ in NEGATORS and child.dep_ in {"neg", "advmod", "det", "aux", "cc:preconj"}:
                following = child.doc[child.i + 1] if child.i + 1 < len(child.doc) else None
                if following is not None and following.lower_ in {"only", "just", "merely", "simply"}:
                    continue  # "not only relief from pain but also…" adds, it does not deny
                return child
    return None


def _attribution(pred: Token) -> Token | None:
    """A verb of claiming above the effect whose subject is not us ("clinics claim that…"), an
    "according to" someone other than us, or a word that marks the claim as alleged."""
    for node in [pred, *ancestors_to_root(pred)[:3]]:
        for child in node.children:
            if child.lower_ == "according" or (child.dep_ == "obl" and any(g.lower_ == "according" for g in child.children)):
                source = child if child.dep_ == "obl" else next((g for g in child.children if g.dep_ in {"obl", "pobj"}), child)
                if source.lower_ not in FIRST_PERSON:
                    return child
    below = pred
    for node in [pred, *ancestors_to_root(pred)]:
        hearsay = node.lemma_ in HEARSAY_VERBS and below.dep_ == "ccomp" and any(c.lower_ == "that" and c.dep_ == "mark" for c in below.children)
        if node.i != pred.i and (node.lemma_ in ATTRIBUTION_VERBS or hearsay) and node.pos_ == "VERB":
            subject = _subject(node)
            if subject is None or subject.lower_ not in FIRST_PERSON:
                return node

        below = node
    for child in pred.children:
        if child.lower_ in ATTRIBUTION_MODIFIERS:
            return child
    return None


def _under_study(effect: Token) -> Token | None:
    """A verb of studying that the effect is the aim of ("the trial evaluates X for treating Y",
    "X is being trialled as a treatment for Y"): a question research asks, not a claim. Reached
    through subordinate links only: "we studied PRP and it heals tendons" asserts the second.
    ("explore" and "research" are left out: pages "explore how IV drips help…" to tell, not to ask.)"""
    node = effect
    for _ in range(MAX_LINK_DEPTH):
        if node.lemma_ in STUDY_VERBS and node.pos_ == "VERB" and node.i != effect.i:
            return node
        if node.dep_ in {"conj", "parataxis", "acl:relcl", "relcl", "ROOT", "root"} or node.head.i == node.i:
            return None  # a clause of its own, or one that asserts something of its noun ("supplements that fight…")
        if node.dep_ == "ccomp" and any(c.dep_ == "mark" and c.lower_ == "that" for c in node.children):
            return None  # "studies have examined and found that…" reports a finding
        node = node.head
    return None


def _attribution_noun(pred: Token) -> Token | None:
    """A noun that names the claim as someone's, above the effect ("promises ranging from fixing
    damaged knees…"); a promise someone shows or holds is a hedge, ours is our own claim."""
    for node in ancestors_to_root(pred):
        if node.lemma_ not in ATTRIBUTION_NOUNS or node.pos_ != "NOUN":
            continue
        if any(c.lower_ in FIRST_PERSON and c.dep_ == "nmod:poss" for c in node.children):
            continue
        if node.lemma_ == "promise" and node.dep_ in {"obj", "dobj"} and node.head.lemma_ in {"show", "hold", "have", "offer"}:
            continue
        return node
    return None


def _capability(effect: Token) -> bool:
    """The effect completes a noun of capacity or purpose: "the ability to regenerate…", "capable
    of forming…", "its purpose … is to repair…" (the noun as the subject of the copula)."""
    pred = clause_head(effect)
    head = pred.head
    if pred.dep_ in {"acl", "xcomp", "nmod", "advcl"} and head.lemma_ in CAPABILITY_NOUNS and not (
            head.dep_ in {"obj", "dobj"} and head.head.lemma_ == "play"):
        return True  # not "plays a role in treating…", a claim of part of the effect
    if head.lemma_ == "capable" or (pred.lemma_ == "capable"):
        return True
    subject = _subject(pred)
    return subject is not None and subject.lemma_ in CAPABILITY_NOUNS


def mistagged_verb(token: Token, effect_verbs: frozenset[str]) -> bool:
    """An effect verb the tagger read as a noun (or as an adjective-like modifier) right after its
    subject: "PRP regenerates/NNS cartilage", "cord cells heal/NN torn cuffs", "transplants
    restore/amod blood production", or after an infinitive's "to" ("shown to repair/NN nerve
    damage"). Clinics' noun-heavy sentences are where a tagger trained on
    web text errs most; the word form and its place decide."""
    if token.i == 0 or not (token.pos_ in {"NOUN", "PROPN"} or (token.pos_ == "VERB" and token.dep_ == "amod")):
        return False
    from checker.nlp.syntax import verb_lemma

    lower = token.lower_
    lemma = verb_lemma(lower)
    if lemma not in effect_verbs:
        return False
    before = token.doc[token.i - 1]
    if before.lower_ == "to" and lower == lemma:
        return True  # an infinitive: "shown to repair/NN nerve damage"
    if before.pos_ not in {"NOUN", "PROPN"}:
        return False
    inflected = lower != lemma and lower.endswith(("s", "ed"))
    return inflected or "Plur" in before.morph.get("Number", [])


def read(
    doc: Doc,
    effect: Span,
    target: Span,
    *,
    interventions: Sequence[Span] = (),
    anaphors: Sequence[Span] = (),
    natural_terms: Sequence[Span] = (),
    effect_verbs: frozenset[str] = frozenset(),
) -> Reading:
    """How the parse reads one effect-target pair. `natural_terms` are the spans of body parts
    and conditions (a subject that is one of them has the effect by itself unless an
    intervention is attached); `effect_verbs` are the lexicon's effect verb lemmas."""
    effect_tokens, target_tokens = token_span(doc, effect), token_span(doc, target)
    if not effect_tokens or not target_tokens:
        return Reading(False, False, None, "", "none", False, "active", ())
    e, t = head_of(effect_tokens), head_of(target_tokens)
    if mistagged_verb(e, effect_verbs):
        modality, trigger = (("question", "?") if is_question(doc) else
                             ("attributed", att.text) if (att := _attribution(e)) is not None else
                             ("negated", neg.text) if (neg := _negation(e, e)) is not None else (None, ""))
        agent, words = _agent_before(e, interventions, anaphors)
        return Reading(t.i > e.i, True, modality, trigger, agent, False, "active", (f"{e.text} (read as a verb) … {t.text}",),
                       verbal=True, agent_span=(words[-1].idx, words[0].idx + len(words[0])) if agent == "other" else None)
    chain = path_down(e, t)
    if chain is None and e.head.i == t.i and e.dep_ in {"amod", "compound", "acl", "nmod", "advmod"}:
        chain = [e, t]  # the effect modifies the target: "reduced pain", "pain relief"
    if chain is None:
        pred = clause_head(e)
        if e.pos_ not in {"VERB", "AUX"} and pred.i != e.i:  # "provides relief for pain" via the verb
            via = path_down(pred, t)
            if via is not None and e.head.i == pred.i:
                chain = via
    linked = chain is not None or any(x.i in {y.i for y in effect_tokens} for x in target_tokens)
    if not linked and e.dep_ in {"xcomp", "advcl"} and t.head.i == e.head.i and t.dep_ in {"obl", "obj", "nmod"} and t.i > e.i:
        # "stem cells can be used to treat various conditions, including leukemia": the parser
        # hangs the list on the governing verb; a target after the effect, on the verb it completes
        linked = True
    if not linked and e.dep_ not in MODIFIER_DEPS:
        # "patients with MS who received X showed improvement", "trials in lupus demonstrated
        # symptom improvement": the condition is named in the subject of the effect's clause
        owner = _subject(clause_head(e))
        linked = owner is not None and t in list(owner.subtree)
        # an outcome reported of the sentence's patients or trials ("… have demonstrated symptom
        # improvement", "patients experienced relief"): the outcome belongs to the condition named
        linked = linked or (e.pos_ in {"NOUN", "PROPN"} and e.dep_ in {"obj", "dobj"} and e.head.lemma_ in OUTCOME_VERBS)
    if not linked:
        # "… have shown reduced disease activity", "reported reduced joint pain": the effect
        # modifies an outcome that the sentence reports
        outcome = e.head if e.dep_ in {"amod", "compound"} else e
        linked = outcome.dep_ in {"obj", "dobj", "conj"} and any(
            a.lemma_ in OUTCOME_VERBS for a in [outcome.head, *ancestors_to_root(outcome)[:2]])
    if not linked and e.pos_ in {"VERB", "AUX", "ADJ"} and e.dep_ not in MODIFIER_DEPS:
        # parsers attach long sentences imperfectly: a predicate and a target in one clause are
        # linked unless the effect only modifies some other noun ("reduced appetite … autism")
        linked = clause_head(e).i == clause_head(t).i or (
            t.i > e.i and not any(x.pos_ in {"VERB", "AUX"} for x in doc[e.i + 1 : t.i]))  # "relieves … fatigue" with nothing between
    pred = clause_head(e)
    subject = _subject(pred)
    voice = "passive" if subject is not None and subject.dep_ == "nsubj:pass" else "active"
    agent, agent_span = "none", None
    if subject is not None:
        subject_tokens = list(subject.subtree)
        if any(_overlaps(x, interventions) for x in subject_tokens):
            agent = "intervention"
        elif subject.lower_ in FIRST_PERSON or any(x.lower_ in FIRST_PERSON and x.dep_ == "nmod:poss" for x in subject_tokens):
            agent = "provider"
        elif any(_overlaps(x, anaphors) for x in subject_tokens) or subject.pos_ == "PRON":
            agent = "anaphor"
        else:
            agent = "other"
            # "rest and ice help a sprained ankle heal": the ankle heals, helped; the helper is
            # not said to heal it (object control), so no subject is offered as the treatment
            controlled = any(c.dep_ in {"obj", "iobj"} and c.i < pred.i for c in pred.head.children) if pred.dep_ == "xcomp" else False
            agent_span = None if controlled else _phrase(subject)
    elif e.pos_ == "VERB" and e.dep_ in {"ROOT", "root"} and e.i > 0:
        # a main verb left without a subject: the parser hung it as a modifier ("Garlic/compound
        # cures covid"); the noun phrase right before the verb does it
        agent, words = _agent_before(e, interventions, anaphors)
        if agent == "other":
            agent_span = (words[-1].idx, words[0].idx + len(words[0]))
    natural = False
    if (voice == "active" and agent == "other" and e.pos_ == "VERB" and pred.i == e.i  # the organ itself does it
            and not _subtree_has(pred, interventions) and not _subtree_has(pred, anaphors)):
        doer = subject if subject is not None else e.doc[e.i - 1]  # agent "other": a subject, or the noun before the verb
        natural = _overlaps(doer, natural_terms) or doer.lemma_ in NATURAL_SUBJECTS
    if any(c.lemma_ in NATURAL_ADVERBS for c in pred.children) and not _subtree_has(pred, interventions):
        natural = True
    modality, trigger = None, ""
    if is_question(doc):
        modality, trigger = "question", "?"
    elif (att := _attribution(e if e.pos_ in {"VERB", "AUX"} else pred)) is not None:
        modality, trigger = "attributed", att.text
    elif (neg := _negation(e, pred)) is not None:
        modality, trigger = "negated", neg.text
    elif (named := _attribution_noun(e if e.pos_ in {"VERB", "AUX"} else pred)) is not None:
        modality, trigger = "attributed", named.text
    elif (aim := _under_study(e)) is not None:
        modality, trigger = "question", aim.text
    elif not has_predicate(doc):
        modality, trigger = "offer", ""
    return Reading(linked, _asserted(e, doc, effect_verbs), modality, trigger, agent, natural, voice, _arcs(chain) if chain else (),
                   verbal=e.pos_ in {"VERB", "AUX"}, agent_span=agent_span, capability=_capability(e))


def is_possessive(token: Token) -> bool:
    """The possessive marker ("the clinic's therapy"), from the UPOS the morphologizer gives."""
    return token.pos_ == "PART" and token.lower_ in {"'s", "'", "’s", "’"}


def _phrase(head: Token) -> Span:
    """The characters of a noun phrase: its head with the compounds and modifiers before it
    ("warm lemon water", not the relative clause after it)."""
    start = head.i
    for child in sorted(head.children, key=lambda c: -c.i):
        if child.i == start - 1 and child.dep_ in {"compound", "amod", "nmod:poss", "det", "nummod", "flat"}:
            start = child.i
    first = head.doc[start]
    return first.idx, head.idx + len(head)


def _agent_before(effect: Token, interventions: Sequence[Span], anaphors: Sequence[Span]) -> tuple[str, list[Token]]:
    """Who does an effect verb the tagger read as a noun: the noun phrase right before it
    ("Our stem cell therapy repairs…": the therapy), and its words (last first)."""
    words = []
    for token in reversed(effect.doc[: effect.i]):
        if token.pos_ not in {"NOUN", "PROPN", "ADJ", "DET", "PRON", "NUM"} and not is_possessive(token):
            break
        words.append(token)
    if any(_overlaps(x, interventions) for x in words):
        return "intervention", words
    if any(_overlaps(x, anaphors) for x in words) or (len(words) == 1 and words[0].pos_ == "PRON"):
        return "anaphor", words
    if any(x.lower_ in FIRST_PERSON for x in words):
        return "provider", words
    return ("other" if words else "none"), words



def _asserted(effect: Token, doc: Doc, effect_verbs: frozenset[str] = frozenset()) -> bool:
    """A verb or adjective carries its effect. So does a noun ("relief", "repair of", "treatment
    for") in almost any role: "patients experience pain relief", "cells foster the repair of
    tissue", "PRP is a treatment for…". It names only a topic as what someone needs, seeks,
    receives or pays for ("patients requiring treatment for ED must…"), as the subject of
    "available", "necessary", "covered"… ("treatment for ED should be available from…"), or as
    the subject of a verb that brings about nothing ("treatments for eczema include…")."""
    if effect.pos_ not in {"NOUN", "PROPN"} or not has_predicate(doc):
        return True
    node = effect
    while node.dep_ in {"conj", "appos", "compound", "amod"} and node.head.i != node.i:
        node = node.head
    head = node.head
    if head.i == node.i:
        return True
    if head.lemma_ in TOPIC_VERBS and node.dep_ in {"obj", "dobj", "obl", "nsubj:pass", "xcomp"}:
        return False
    if head.lemma_ in TOPIC_VERBS and node.dep_ == "nmod" and head.dep_ in {"obj", "obl"}:
        return False
    if node.dep_ in {"nsubj", "nsubj:pass"} and head.pos_ == "VERB" and not (head.lemma_ in effect_verbs or head.lemma_ in DELIVERY_VERBS):
        return False  # the subject of a verb that brings about nothing: "the treatment of anaemia varies"
    return not (node.dep_ in {"nsubj", "nsubj:pass"} and head.lemma_ in TOPIC_PREDICATES)
