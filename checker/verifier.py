"""The claim verifier: how likely a candidate claim is one a careful reader would mark as a claim.

The claims layer proposes a claim wherever an effect governs a condition or body part. Many such
readings are not claims on real pages: a heading's topic ("treatment for anemia will depend on…"),
background biology ("stem cells can develop into…"), a legal formula ("intended for use in the
cure … of disease"). The verifier scores each candidate from its *structure*, not its wording:
how the parse reads it (the effect's part of speech and role, who does it, voice, how far the
effect is from its target), its modality, how its intervention and condition were resolved, and
the sentence's shape (a question, a list item, first or second person, figures, quotes).

It is a logistic model learned on the real corpus's train split, its threshold chosen on the dev
split (training/claim_verifier.py; never the test split), shipped as JSON weights and scored in
pure Python: scanning needs no scikit-learn. A claim below the threshold is dropped unless its
reading is a core one (the treatment, the clinic or a word for them as the subject of an effect
verb on a condition or body part named in the sentence); every kept claim's `confidence` is the
verifier's probability.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checker.errors import Errors, ModelError
from checker.paths import read_weights, weights_dir
from checker.structure import Reading, head_of, token_span

DEFAULT_PATH = weights_dir() / "claim_verifier.json"
SCHEMA = "checker.claim-verifier/1"

# A treatment (or the clinic, or a word standing for it) as the subject of an effect verb, or of a
# verb whose object is the effect, on a condition or body part named in the sentence: a claim by
# definition (issue #12's reading), never dropped
CORE = "core"
CORE_AGENTS = frozenset({"intervention", "anaphor", "provider"})
_FIRST_PERSON = re.compile(r"\b(?:we|our|us|i|my)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.I)
_EVIDENCE = re.compile(r"\b(?:stud(?:y|ies)|research\w*|trials?|evidence|data)\b", re.I)
_QUOTE = re.compile(r"[“”\"]")
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪◦*–-]|\d{1,2}[.)])\s*")
_FIGURE = re.compile(r"\d")


def claim_features(
    *,
    sentence: str,
    modality: str,
    effect_class: str,
    intervention_source: str,
    condition_source: str,
    condition_status: str,
    target: str,
    generic_target: bool,
    reading: Reading | None,
    doc: Any = None,
    effect_span: tuple[int, int] | None = None,
) -> dict[str, float]:
    """The candidate's structural features, as `name=value` indicators (DictVectorizer style).
    `doc` is the parsed sentence and `effect_span` the effect's offsets in it, when parsed."""
    words = len(sentence.split())
    f: dict[str, float] = {
        f"modality={modality}": 1.0,
        f"effect_class={effect_class}": 1.0,
        f"intervention={intervention_source}": 1.0,
        f"condition_source={condition_source}": 1.0,
        f"status={condition_status}": 1.0,
        f"target={target}": 1.0,
        f"length={'short' if words < 6 else 'long' if words > 30 else 'medium'}": 1.0,
    }
    for name, pattern in (("first_person", _FIRST_PERSON), ("second_person", _SECOND_PERSON), ("evidence", _EVIDENCE),
                          ("quote", _QUOTE), ("figure", _FIGURE)):
        if pattern.search(sentence):
            f[name] = 1.0
    if _LIST_ITEM.match(sentence):
        f["list_item"] = 1.0
    if sentence.rstrip().endswith("?"):
        f["question_mark"] = 1.0
    if sentence.rstrip().endswith(":"):
        f["lead_in"] = 1.0
    if generic_target:
        f["generic_target"] = 1.0
    if reading is None:
        f["parsed=no"] = 1.0
        return f
    f["parsed=yes"] = 1.0
    f[f"agent={reading.agent}"] = 1.0
    f[f"voice={reading.voice}"] = 1.0
    f[f"path={min(len(reading.arcs), 3)}"] = 1.0
    if not reading.asserted:
        f["topic_only"] = 1.0
    predicated = reading.verbal
    if reading.verbal:
        f["verbal"] = 1.0
    if doc is not None and effect_span is not None and (tokens := token_span(doc, effect_span)):
        e = head_of(tokens)
        dep = e.dep_.split(":")[0]
        f[f"effect_pos={e.pos_}"] = 1.0
        f[f"effect_dep={dep}"] = 1.0
        f[f"effect_head_pos={e.head.pos_ if e.head.i != e.i else 'ROOT'}"] = 1.0
        # "PRP supports the regeneration of cartilage": the effect noun is what the treatment's verb does
        predicated = predicated or (e.head.pos_ == "VERB" and dep in {"obj", "obl", "xcomp"})
    agent_is_treatment = reading.agent in CORE_AGENTS or intervention_source == "subject"
    if predicated and reading.asserted and agent_is_treatment and target != "none" and condition_source != "context":
        f[CORE] = 1.0
    return f


@dataclass(frozen=True)
class ClaimVerifier:
    """A logistic model over claim features and the probability below which a candidate is dropped."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    meta: Mapping[str, Any]

    def keeps(self, features: Mapping[str, float]) -> tuple[bool, float]:
        """Whether a candidate is kept, and its probability: a core reading always is."""
        p = self.probability(features)
        return bool(features.get(CORE)) or p >= self.threshold, p

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "bias": self.bias, "threshold": self.threshold, "meta": dict(self.meta),
                "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_json(cls, data: Any, *, path: str = "") -> ClaimVerifier:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            found = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise ModelError(Errors.E121.format(expected=SCHEMA, found=found), path=path)
        try:
            return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"]),
                       dict(data.get("meta", {})))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(Errors.E122.format(reason=f"{type(exc).__name__}: {exc}"), path=path) from None


def load_verifier(path: Path) -> ClaimVerifier:
    return ClaimVerifier.from_json(read_weights(path), path=str(path))


@cache
def shipped_verifier() -> ClaimVerifier | None:
    """The verifier that ships in the package, or None when none ships."""
    return load_verifier(DEFAULT_PATH) if DEFAULT_PATH.is_file() else None
