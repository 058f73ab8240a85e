"""The rule-file schema. Unknown keys are errors. A rule is one of a discriminated union keyed
on `kind`: each kind is its own model whose `match` is that kind's match model, so a rule file
is checked against its kind's shape in one validation (RULE_MODEL)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from checker.lexicon import LABELS
from checker.types import MODALITIES

KINDS = ("phrase", "pattern", "regex", "claim", "absence", "link", "metric", "conditional")
METRICS = (
    "term_density",  # occurrences of `terms` per 100 words
    "term_repeat",  # the most repeated of `terms`, or of 3-6-word phrases containing an INTERVENTION
    "exclamations",  # runs of two or more "!" in the page
    "caps_words",  # words of 4+ letters in capitals, per 100 words (`terms`: acronyms that do not count)
    "distinct_systems",  # organ systems the page's claims target (one product for many diseases)
    "evasions",  # disguised words (homoglyphs, invisible characters, letter spacing, leetspeak) that were matched
)
# quoted: the matched words stand inside quotation marks (someone else's words, reported);
# standard_care: the sentence names an established treatment (medicines, vaccines, surgery…)
Skip = Literal["negated", "hypothetical", "hedged", "reported", "caution_sentence", "quoted", "standard_care"]
Cautions = Literal["risk", "uncertainty", "regulatory", "pathway", "alternatives", "cost", "sources"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Context(Strict):
    """When a text match counts. `skip`: modalities of the matched words that silence the rule
    (a negated "cure" is not a cure claim). `hedged`: what a hedge does to a match that is not
    skipped: lower its severity one step (default), keep it, or skip it. A hedge never raises."""

    skip: list[Skip] = ["negated", "hypothetical"]
    hedged: Literal["downgrade", "keep", "skip"] = "downgrade"
    region: list[Literal["main", "chrome"]] = ["main", "chrome"]
    sentence_has: list[Literal[LABELS]] = []  # type: ignore[valid-type]
    unless_sentence_has: list[str] = []  # phrases that silence the match in their sentence
    last_blocks: int = Field(default=0, ge=0)  # >0: only in the page's last N main blocks
    once_per_sentence: bool = True


class PhraseMatch(Strict):
    phrases: list[str] = Field(min_length=1)
    attr: Literal["NORM", "LOWER", "ORTH"] = "NORM"


class PatternMatch(Strict):
    patterns: list[list[dict[str, object]]] = Field(min_length=1)


class RegexMatch(Strict):
    regex: list[str] = Field(min_length=1)
    ignore_case: bool = True

    @field_validator("regex", mode="before")
    @classmethod
    def _listify(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v


class ClaimMatch(Strict):
    effect_classes: list[str] = []  # empty: any effect
    condition_status: list[Literal["approved", "not_approved", "unknown", "none"]] = ["not_approved"]
    condition_categories: list[str] = []  # empty: any
    modality: list[Literal[MODALITIES]] = ["asserted", "reported", "hedged"]  # type: ignore[valid-type]
    require_intervention: bool = True
    targets: list[Literal["condition", "body_part", "none"]] = ["condition", "body_part"]  # what the effect acts on ("none": named nothing)


class AbsenceMatch(Strict):
    cautions: list[Cautions] = Field(min_length=1)  # fires when none of these is credited
    min_claims: int = Field(default=1, ge=0)  # only pages making at least this many claims
    claim_status: list[Literal["approved", "not_approved", "unknown", "none"]] = ["not_approved", "unknown", "none"]
    # only claims that name (or resolve) the treatment they are about: "the only known treatment
    # for coeliac disease" names none, and calls for no disclosure of a treatment's risks
    require_intervention: bool = True


class LinkMatch(Strict):
    anchor_phrases: list[str] = []
    anchor_regex: str | None = None
    href_regex: str | None = None
    region: list[Literal["main", "chrome"]] = ["main"]
    last_blocks: int = Field(default=0, ge=0)
    min_anchor_words: int = Field(default=0, ge=0)
    external_only: bool = True


class MetricMatch(Strict):
    metric: Literal[METRICS]  # type: ignore[valid-type]
    threshold: float
    terms: list[str] = []
    min_words: int = Field(default=0, ge=0)


class Selector(Strict):
    """Something present in a scope: phrases, regexes, entity labels, caution categories, or claims."""

    phrases: list[str] = []
    regex: list[str] = []
    labels: list[Literal[LABELS]] = []  # type: ignore[valid-type]
    cautions: list[Cautions] = []
    claims: list[Literal["approved", "not_approved", "unknown", "none"]] = []


class ConditionalMatch(Strict):
    when: Selector
    and_present: Selector | None = None
    and_absent: Selector | None = None
    within: Literal["sentence", "block", "document"] = "document"


class RuleBase(Strict):
    """What every rule has, whatever its kind."""

    id: Annotated[str, Field(pattern=r"^[A-Z]{2,5}\d{3}$")]
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    severity: Literal["high", "medium", "low"]
    confidence: float = Field(ge=0.0, le=1.0)
    message: str = Field(min_length=5)
    rationale: str = Field(min_length=20)
    references: list[Annotated[str, Field(pattern=r"^https?://\S+$")]] = Field(min_length=1)
    context: Context = Context()
    aliases: list[str] = []
    weight: float = Field(default=1.0, ge=0.0, le=5.0)
    taxonomy: str | None = None  # the row of rule-sources.md this rule implements
    enabled: bool = True


class PhraseRule(RuleBase):
    kind: Literal["phrase"]
    match: PhraseMatch


class PatternRule(RuleBase):
    kind: Literal["pattern"]
    match: PatternMatch


class RegexRule(RuleBase):
    kind: Literal["regex"]
    match: RegexMatch


class ClaimRule(RuleBase):
    kind: Literal["claim"]
    match: ClaimMatch


class AbsenceRule(RuleBase):
    kind: Literal["absence"]
    match: AbsenceMatch


class LinkRule(RuleBase):
    kind: Literal["link"]
    match: LinkMatch


class MetricRule(RuleBase):
    kind: Literal["metric"]
    match: MetricMatch


class ConditionalRule(RuleBase):
    kind: Literal["conditional"]
    match: ConditionalMatch


RuleModel = Annotated[
    PhraseRule | PatternRule | RegexRule | ClaimRule | AbsenceRule | LinkRule | MetricRule | ConditionalRule,
    Field(discriminator="kind"),
]
RULE_MODEL: TypeAdapter[RuleModel] = TypeAdapter(RuleModel)


class PackModel(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    version: str = "1"
    description: str = ""
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
