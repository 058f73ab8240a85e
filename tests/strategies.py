"""Hypothesis strategies shared by the property tests and the fuzzer: raw bytes, text that looks
like clinic pages, and mutations of it (markup, encodings, disguises)."""

from __future__ import annotations

from hypothesis import strategies as st

INTERVENTIONS = ["stem cells", "PRP", "exosomes", "our IV infusions", "umbilical cord MSCs", "this therapy", "it"]
EFFECTS = ["cure", "cures", "reverse", "regenerate", "may help", "relieve", "could treat", "heals", "does not cure"]
CONDITIONS = ["multiple sclerosis", "knee arthritis", "COPD", "Parkinson's disease", "lupus", "leukemia", "back pain", "autism"]
EXTRAS = ["Risks include infection.", "This is experimental.", "Call now!", "No side effects.", "FDA registered lab.",
          "Studies show 90% success.", "If you have any questions about how to use stem cell clinic, contact us at our web site."]
HEDGES = ["may", "might", "could possibly", "is thought to", "in early studies appears to"]

words = st.sampled_from(INTERVENTIONS + EFFECTS + CONDITIONS + EXTRAS + ["and", "the", ",", ".", "\n", "\n\n", "<p>", "</p>", "# ", "- "])


@st.composite
def claim_sentences(draw: st.DrawFn) -> str:
    effect = draw(st.sampled_from(["cure", "reverse", "regenerate", "treat", "relieve"]))
    return f"{draw(st.sampled_from(INTERVENTIONS[:5])).capitalize()} {effect} {draw(st.sampled_from(CONDITIONS))}."


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, str]:
    """(text, format): clinic-like sentences, markup, junk and unicode mixed."""
    pieces = draw(st.lists(st.one_of(words, claim_sentences(), st.text(max_size=30)), max_size=40))
    fmt = draw(st.sampled_from(["text", "html", "markdown"]))
    text = " ".join(pieces)
    if fmt == "html" and draw(st.booleans()):
        text = f"<html><body><main><p>{text}</p></main><footer>{draw(st.text(max_size=20))}</footer></body></html>"
    return text, fmt


raw_bytes = st.binary(max_size=2000)
