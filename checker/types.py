"""Plain, frozen value types. Everything after the spaCy pass works on these, never on a Doc."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["high", "medium", "low"]
Modality = Literal["asserted", "hedged", "negated", "hypothetical", "reported", "attributed", "question", "offer"]
Region = Literal["main", "chrome"]
Scope = Literal["page", "sentence"]  # a finding about the whole page (e.g. a disclosure it never makes) or about its words

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
MODALITIES: tuple[Modality, ...] = ("asserted", "hedged", "negated", "hypothetical", "reported", "attributed", "question", "offer")
# Modalities in which the page itself does not state the claim: denied, asked, or a heading/menu
# item that names a treatment for a condition without a predicate ("an offer"). Evaluation does
# not count them as claims.
NOT_STATED: frozenset[Modality] = frozenset({"negated", "question", "offer"})
# Modalities that do not call for a disclosure: the page does not make the claim its own
# (also hypothetical, and attributed to others, e.g. a regulator quoting a clinic).
NOT_MADE: frozenset[Modality] = frozenset({"negated", "hypothetical", "question", "offer", "attributed"})


def severity_rank(severity: str) -> int:
    """high=3, medium=2, low=1: larger is worse."""
    return {"high": 3, "medium": 2, "low": 1}[severity]


def lower_severity(severity: Severity) -> Severity:
    return {"high": "medium", "medium": "low", "low": "low"}[severity]  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text that a sentence never crosses: paragraph, heading, list item, cell."""

    start: int
    end: int
    kind: str = "p"  # p | heading | li | quote | cell | pre | title
    region: Region = "main"


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    text: str
    start: int
    end: int
    region: Region = "main"


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in a Page's extracted text to offsets in the decoded source.

    Segment i covers text[text_starts[i]:...] and begins at source offset src_starts[i];
    inside a segment characters map one to one. Identity when both are empty.
    """

    text_starts: tuple[int, ...] = ()
    src_starts: tuple[int, ...] = ()

    def to_source(self, offset: int) -> int:
        if not self.text_starts:
            return offset
        i = bisect_right(self.text_starts, offset) - 1
        if i < 0:
            return self.src_starts[0] if self.src_starts else 0
        return self.src_starts[i] + (offset - self.text_starts[i])


@dataclass(frozen=True, slots=True)
class Page:
    """One input document after ingest."""

    source: str
    format: str  # text | html | markdown
    text: str  # the text the pipeline reads; offsets in reports point into it
    blocks: tuple[Block, ...]
    links: tuple[Link, ...] = ()
    title: str | None = None
    author: str | None = None
    date: str | None = None
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()  # e.g. "decoded as cp1252 (detected)"
    source_text: str | None = None  # decoded source for HTML/Markdown (None: same as text)
    offset_map: OffsetMap = field(default_factory=OffsetMap)
    _line_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the source file for a character offset into `text`."""
        src = self.source_text if self.source_text is not None else self.text
        src_offset = min(max(self.offset_map.to_source(offset), 0), len(src))
        starts = self._line_starts or line_starts(src)
        line = bisect_right(starts, src_offset)
        return line, src_offset - starts[line - 1] + 1

    def with_line_index(self) -> Page:
        src = self.source_text if self.source_text is not None else self.text
        object.__setattr__(self, "_line_starts", line_starts(src))
        return self


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which each line of `text` starts."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return tuple(starts)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    block: int  # index into Page.blocks


@dataclass(frozen=True, slots=True)
class Mention:
    """A lexicon entity: INTERVENTION, CONDITION, EFFECT, BODY_PART, CAUTION, PRICE, URL…"""

    label: str
    key: str  # the lexicon entry's id, e.g. "multiple_sclerosis"
    start: int
    end: int
    text: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A ConText-style modifier: its trigger and the character range it governs."""

    category: str  # NEGATED | HEDGE | HYPOTHETICAL | REPORTED | AMPLIFIER | TESTIMONIAL
    trigger: str
    start: int
    end: int
    scope_start: int
    scope_end: int

    def covers(self, start: int, end: int) -> bool:
        """True when the span lies in scope and is not the trigger itself."""
        if start >= self.start and end <= self.end:
            return False
        return self.scope_start <= start < self.scope_end


@dataclass(frozen=True, slots=True)
class ClaimPart:
    """One part of a claim: its words and where they are, or how it was found elsewhere."""

    text: str
    start: int | None  # None when the part was resolved from outside the sentence
    end: int | None
    resolved: str  # explicit (in the sentence) | anaphora ("this therapy" -> the page's treatment) | context | subject


LETTER_WORD = re.compile(r"[^\W\d_]+")  # a run of letters: the words language detection and verb tests read

CLAIM_PART_NAMES = ("intervention", "effect", "condition", "body_part")  # the fields of ClaimParts, in report order


@dataclass(frozen=True, slots=True)
class ClaimParts:
    intervention: ClaimPart | None = None
    effect: ClaimPart | None = None
    condition: ClaimPart | None = None
    body_part: ClaimPart | None = None

    def get(self, name: str) -> ClaimPart | None:
        return getattr(self, name, None)


@dataclass(frozen=True, slots=True)
class Claim:
    text: str  # the sentence
    start: int
    end: int
    intervention: str | None
    intervention_source: str  # explicit | anaphora | context | subject (the parse's subject of a cure-like effect) | none
    effect: str  # the words that state the effect, e.g. "regenerate"
    effect_class: str  # cure | regenerate | treat | relieve | …
    condition: str | None  # as written, e.g. "knee arthritis"
    condition_key: str | None  # knowledge-base id, e.g. "osteoarthritis"
    condition_status: str  # approved | not_approved | unknown | none
    condition_source: str  # explicit | context | list (an item under a claim's lead-in) | none
    body_part: str | None
    modality: Modality
    qualifiers: tuple[str, ...] = ()  # trigger words that set the modality
    systems: tuple[str, ...] = ()  # organ systems of the condition / body part
    syntax: tuple[str, ...] = ()  # the dependency arcs that link the effect to its target ("head -dep-> child")
    parts: ClaimParts = ClaimParts()  # the words that make the claim, with offsets
    confidence: float = 1.0  # the claim verifier's probability that this is a claim (checker.verifier); 1.0 without one

    @property
    def target_kind(self) -> str:
        """What the effect is claimed on: a condition, a body part, or nothing named ("it heals")."""
        return "condition" if self.condition else "body_part" if self.body_part else "none"


@dataclass(frozen=True, slots=True)
class Caution:
    category: str  # risk | uncertainty | regulatory | pathway | alternatives | cost | sources
    trigger: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Modifier:
    """What changed how a finding counts (Presidio's AnalysisExplanation idea): the kind, the
    word that set it, and the severity before and after; the report's prose is built from these."""

    kind: str  # hedged | offer | reported | evasion | model
    trigger: str  # the word(s) that set it ("may", "'cure' read as 'cure'"), or ""
    severity_before: Severity | None = None
    severity_after: Severity | None = None

    @property
    def text(self) -> str:
        change = f": severity {self.severity_before} -> {self.severity_after}" if self.severity_after else ""
        what = {
            "hedged": f"hedged by {self.trigger}",
            "offer": "an offer (a heading or list item naming the treatment for the condition, no claim stated)",
            "reported": f"reported ({self.trigger}): a report used as evidence still counts",
            "evasion": f"matched after undoing disguised text: {self.trigger}",
        }.get(self.kind, f"{self.kind}: {self.trigger}" if self.trigger else self.kind)
        return what + change


@dataclass(frozen=True, slots=True)
class Explanation:
    why: str  # the rule's rationale, first paragraph
    modifiers: tuple[str, ...]  # the prose of each adjustment, e.g. "hedged by 'may': severity high -> medium"
    contribution: float  # score points this finding removed (negative) from the page
    source: str  # where the rule comes from: its first reference
    adjustments: tuple[Modifier, ...] = ()  # the same as fields: kind, trigger, severity before and after


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    pack: str
    severity: Severity
    confidence: float
    message: str
    start: int
    end: int
    match: str
    explanation: Explanation
    references: tuple[str, ...] = ()
    suppressed: bool = False
    evasion: bool = False
    scope: Scope = "sentence"  # page: no span (start = end = 0), shown apart, never highlighted


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One line of the score breakdown: a finding's penalty or a caution's credit."""

    kind: str  # finding | caution | base
    label: str
    points: float


@dataclass(frozen=True, slots=True)
class Language:
    """The language a page was found to be in (checker.language)."""

    code: str  # ISO 639-1 ("en", "es"), or "und" when there is too little text to tell
    confidence: float  # 0-1
    method: str  # function-words | identifier | too-short


ENGLISH = Language("en", 1.0, "function-words")


@dataclass(frozen=True, slots=True)
class Report:
    source: str
    format: str
    encoding: str
    notes: tuple[str, ...]
    word_count: int
    score: int
    band: str
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]
    cautions: tuple[Caution, ...]
    breakdown: tuple[ScoreItem, ...]
    page: Page = field(repr=False, compare=False)
    language: Language = ENGLISH
