"""The sentence model: two logistic heads over one sentence's features.

- claim head: a sentence it rates at or above its threshold, in which the lexicon found no
  claim, gets an extra Claim (effect_class "model"): claims the lexicon missed, such as benefit
  lists ("Less fatigue and brain fog") and testimonials. It never removes a lexicon claim: the
  claim finder's output (and its modality) stays what its own tests document.
- problematic head: a sentence it rates at or above its threshold that no rule flagged at
  severity medium or high gets a finding MDL001 (severity medium, confidence = p; in the
  promotional pack when the sentence has a call to action, price or link, else in unproven),
  explained by the features that pushed it up; a rule finding of severity medium or high in a
  sentence it rates under `downgrade_below` is lowered to severity low, with the reason in the
  finding's modifiers (as a hedge lowers severity). The rules' own findings are never removed.
  `score_weight` says how much its flags count in the rule-based score (0: shown, not scored).
The rules run before the model and never see its claims, so rule behaviour does not depend on
whether a model ships. On a page about no treatment at all (`about_treatment`), the problematic
head flags nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from checker.claims import SentenceView, sentence_modality
from checker.lexicon import Lexicon
from checker.model.linear import LinearModel
from checker.model.sentence_features import group_by_sentence, page_facts, sentence_feature_sets, sentence_findings
from checker.types import Caution, Claim, Explanation, Finding, Page, severity_rank

FORMAT = "checker.sentence-model/1"
MODEL_RULE = "MDL001"
MODEL_RULE_NAME = "learned-problematic-sentence"
_PROMOTIONAL = {"CTA", "PRICE", "URL"}
MODEL_SOURCE = "checker/weights/sentence.json"
MODEL_WHY = (
    "A logistic-regression sentence model trained on the project's labelled corpus flags sentences "
    "its labellers marked problematic that no rule caught: unproven benefits in lists and testimonials, "
    "calls to action and prices around unproven treatments. It is a second opinion, not a citation: "
    "check the sentence against the rule packs' references."
)
# A model claim has no effect and target for checker.claims.modality to govern: its modality is the
# sentence's strongest qualifier, in the claims layer's order (hypothetical > hedged > reported).
@dataclass(frozen=True)
class Judgement:
    p_claim: list[float]
    p_problematic: list[float]
    extra_claims: list[Claim]
    findings: list[Finding]  # the rules' findings (some downgraded) plus the model's, sorted


@dataclass(frozen=True)
class SentenceModel:
    claim_groups: tuple[str, ...]
    claim: LinearModel
    problematic_groups: tuple[str, ...]
    problematic: LinearModel
    downgrade_below: float = 0.0
    meta: dict[str, Any] | None = None
    # how much a flag (MDL001) counts in the rule-based score, as a rule's weight: 1.0 like a
    # rule; 0.0 shown and explained but not scored (training ships that when scoring the flags
    # would put more credible pages under 50)
    score_weight: float = 1.0

    def judge(
        self,
        page: Page,
        views: Sequence[SentenceView],
        claims: Sequence[Claim],
        cautions: Sequence[Caution],
        findings: Sequence[Finding],
        lexicon: Lexicon,
        page_rules: frozenset[str],
        *,
        main: str | None,
    ) -> Judgement:
        """`main`: the page's main intervention (checker.claims.main_intervention), which the
        model's claims name when their sentence names none."""
        claims_by = group_by_sentence(views, claims)
        sentence_level = sentence_findings(findings, page_rules)
        findings_by = group_by_sentence(views, sentence_level)
        facts = page_facts(views, claims, cautions)
        if self.problematic_groups == self.claim_groups:
            x_claim = x_problem = sentence_feature_sets(page, views, claims_by, facts, lexicon, (self.claim_groups,), findings_by)[0]
        else:
            x_claim, x_problem = sentence_feature_sets(page, views, claims_by, facts, lexicon,
                                                       (self.claim_groups, self.problematic_groups), findings_by)
        p_claim = [float(p) for p in self.claim.proba_many(x_claim)]
        p_problem = [float(p) for p in self.problematic.proba_many(x_problem)]
        judged = about_treatment(views, claims, sentence_level)
        extra = [
            model_claim(page, v, lexicon, main)
            for v, p, found in zip(views, p_claim, claims_by)
            if p >= self.claim.threshold and not found
        ]
        out = list(findings)
        downgraded: dict[int, float] = {}
        for i, (v, p) in enumerate(zip(views, p_problem)):
            serious = [f for f in findings_by[i] if severity_rank(f.severity) >= 2]
            if judged and p >= self.problematic.threshold and not serious:
                out.append(self._finding(page, v, p, x_problem[i]))
            elif serious and p < self.downgrade_below:
                for f in serious:
                    downgraded[id(f)] = min(p, downgraded.get(id(f), 1.0))
        if downgraded:
            out = [_downgrade(f, downgraded[id(f)]) if id(f) in downgraded else f for f in out]
        out.sort(key=lambda f: (f.start, f.rule, f.end))
        return Judgement(p_claim, p_problem, extra, out)

    def _finding(self, page: Page, view: SentenceView, p: float, x: dict[str, float]) -> Finding:
        s = view.sentence
        cues = _cues(self.problematic, x)
        message = f"The sentence model rates this sentence as likely problematic (p={p:.2f})"
        message += f"; strongest cues: {', '.join(cues)}." if cues else "."
        if self.score_weight == 0:
            message += " A second opinion: it does not change the score."
        promotional = any(m.label in _PROMOTIONAL for m in view.mentions if not m.negated)
        return Finding(
            rule=MODEL_RULE, name=MODEL_RULE_NAME, pack="promotional" if promotional else "unproven",
            severity="medium", confidence=round(p, 3),
            message=message, start=s.start, end=s.end, match=page.text[s.start : s.end],
            explanation=Explanation(why=MODEL_WHY, modifiers=(), contribution=0.0, source=MODEL_SOURCE),
        )


def about_treatment(views: Sequence[SentenceView], claims: Sequence[Claim], sentence_findings: Sequence[Finding]) -> bool:
    """Whether the page is of the kind the problematic head was trained on: it names an
    intervention, or the lexicon found a claim, or a rule a finding in one of its sentences.
    Every training page is; on a page about something else ("The lobby has zebra wallpaper.")
    the head's probability reflects only the corpus's base rate of problematic sentences, so it
    flags nothing there. The claim head still adds claims: a claim about a supplement the
    lexicons do not know ("Can magnesium relieve migraines?") is a claim on any page."""
    return bool(claims) or bool(sentence_findings) or any(
        m.label == "INTERVENTION" and not m.negated for v in views for m in v.mentions)


def _downgrade(f: Finding, p: float) -> Finding:
    note = f"the sentence model rates this sentence unlikely to be problematic (p={p:.2f}): severity {f.severity} -> low"
    return replace(f, severity="low", explanation=replace(f.explanation, modifiers=f.explanation.modifiers + (note,)))


def _cues(model: LinearModel, x: dict[str, float], n: int = 3) -> list[str]:
    ranked = sorted(((c, k) for k, c in model.contributions(x).items() if c > 0 and k != "bias"), reverse=True)
    return [_describe(k) for _, k in ranked[:n]]


def _describe(feature: str) -> str:
    kind, _, value = feature.partition(":")
    return {
        "w": f"the word {value!r}", "p": f"words starting {value!r}", "b": f"the words {value.replace('_', ' ')!r}",
        "hw": f"the heading word {value!r}", "pw": f"{value!r} in the sentence before",
        "pair": f"{value} in one sentence", "has": f"a {value} mention", "qual": f"a {value.lower()} qualifier",
        "rule": f"rule {value}", "status": f"a condition with status {value}", "effect": f"a {value} effect",
    }.get(kind, feature)


def model_claim(page: Page, view: SentenceView, lexicon: Lexicon, main: str | None) -> Claim:
    """The claim a sentence the model flags stands for, read from its mentions."""
    s = view.sentence
    interventions = [m for m in view.of("INTERVENTION") if not m.negated]
    conditions = [m for m in view.of("CONDITION") if not m.negated]
    bodies = [m for m in view.of("BODY_PART") if not m.negated]
    effects = view.of("EFFECT")
    modality, triggers = sentence_modality(view)
    condition = conditions[0] if conditions else None
    attrs = lexicon.attrs("CONDITION", condition.key) if condition else {}
    if condition is None and bodies:
        attrs = lexicon.attrs("BODY_PART", bodies[0].key)
    return Claim(
        text=page.text[s.start : s.end], start=s.start, end=s.end,
        intervention=interventions[0].text.lower() if interventions else main,
        intervention_source="explicit" if interventions else ("page" if main else "none"),
        effect=effects[0].text if effects else "", effect_class="model",
        condition=condition.text if condition else None, condition_key=condition.key if condition else None,
        condition_status=str(attrs.get("status", "unknown")) if condition else "none",
        condition_source="explicit" if condition else "none",
        body_part=bodies[0].text if bodies and condition is None else None,
        modality=modality,  # type: ignore[arg-type]
        qualifiers=triggers,
        systems=(str(attrs.get("system", "general")),),
    )


def to_json(model: SentenceModel) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "meta": model.meta or {},
        "claim": {"groups": list(model.claim_groups), "model": model.claim.to_json()},
        "problematic": {"groups": list(model.problematic_groups), "downgrade_below": model.downgrade_below,
                        "score_weight": model.score_weight, "model": model.problematic.to_json()},
    }


def from_json(data: Any, *, path: str) -> SentenceModel:
    from checker.errors import Errors, ModelError
    from checker.model.sentence_features import SENTENCE_GROUPS

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(Errors.E115.format(expected=FORMAT), path=path, key="format")
    heads = {}
    for head in ("claim", "problematic"):
        part = data.get(head)
        if not isinstance(part, dict):
            raise ModelError(Errors.E116, path=path, key=head)
        groups = part.get("groups")
        if not isinstance(groups, list) or any(g not in SENTENCE_GROUPS for g in groups):
            raise ModelError(Errors.E117.format(groups=", ".join(SENTENCE_GROUPS)), path=path, key=f"{head}.groups")
        heads[head] = (tuple(groups), LinearModel.from_json(part.get("model"), path=path, key=f"{head}.model"))
    numbers = {}
    for key, default in (("downgrade_below", 0.0), ("score_weight", 1.0)):
        try:
            numbers[key] = float(data["problematic"].get(key, default))
        except (TypeError, ValueError):
            raise ModelError(Errors.E118, path=path, key=f"problematic.{key}") from None
    if not 0.0 <= numbers["score_weight"] <= 1.0:
        raise ModelError(Errors.E118, path=path, key="problematic.score_weight")
    return SentenceModel(heads["claim"][0], heads["claim"][1], heads["problematic"][0], heads["problematic"][1],
                         numbers["downgrade_below"], data.get("meta") or {}, numbers["score_weight"])
