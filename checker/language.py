"""Which language a page is in, so that a page checker cannot read is reported as not assessed
instead of scored as if it were English.

Two steps, cheapest first. English prose is dense in function words ("the", "of", "and"): when
at least MIN_ENGLISH_SHARE of a page's words are English function words, it is English and
nothing more is loaded. Otherwise py3langid (a naive Bayes identifier over byte n-grams, BSD,
offline; about 2 s to load, so only then) names the language. A page is called non-English only
when the identifier is confident (MIN_CONFIDENCE) on enough words (MIN_WORDS); short or mixed
text is assessed as English, and the report says how the language was decided."""

from __future__ import annotations

from functools import cache
from typing import Any

from checker.types import LETTER_WORD, Language

ASSESSED = frozenset({"en"})
MIN_WORDS = 12  # fewer words than this: too little to tell, read as English
MIN_ENGLISH_SHARE = 0.12  # English prose runs at 0.3-0.5; Spanish, French or German text near 0.02
MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 6000

# function words that are not also common words of other Latin-script languages ("a", "no", "me" are)
_ENGLISH = frozenset(
    "the of and to in is that for it with as was on be are by this from or have an they which "
    "you were their has been would will can its our your we he she what there when who also more "
    "these those than them if about into may should could do does not but how".split()
)


def assessed(language: Language) -> bool:
    """Whether checker reads pages in this language (English; text too short to tell is read)."""
    return language.code in ASSESSED or language.code == "und"


def detect_language(text: str) -> Language:
    sample = text[:SAMPLE_CHARS]
    words = [w.lower() for w in LETTER_WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return Language("und", 0.0, "too-short")
    share = sum(w in _ENGLISH for w in words) / len(words)
    if share >= MIN_ENGLISH_SHARE:
        return Language("en", round(min(1.0, share / 0.3), 2), "function-words")
    code, probability = _identifier().classify(sample)
    if code != "en" and probability < MIN_CONFIDENCE:
        return Language("en", round(1.0 - float(probability), 2), "identifier")
    return Language(str(code), round(float(probability), 2), "identifier")


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
