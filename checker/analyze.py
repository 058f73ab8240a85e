"""The whole flow for one page: ingest -> nlp -> claims -> rules -> score -> Report."""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from checker.claims import extract_cautions, extract_claims, sentence_views
from checker.engine import DocMatchers, PageContext, RuleSet, evaluate, load_ruleset
from checker.ingest import DEFAULT_MAX_BYTES, load_page, page_from_text
from checker.ingest.fetch import DEADLINE_SECONDS
from checker.language import assessed, detect_language
from checker.lexicon import Lexicon, load_lexicon
from checker.model.apply import apply_models, page_level_rules
from checker.model.sentence import MODEL_RULE
from checker.model.store import NO_MODELS, Models, shipped_models
from checker.nlp.pipeline import annotate, build_nlp
from checker.nlp.syntax import parse
from checker.scoring import NOT_ASSESSED
from checker.types import Language, Page, Report
from checker.verifier import shipped_verifier

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass
class Analyzer:
    """Holds what is built once per process (pipeline, compiled rules); checks many pages."""

    ruleset: RuleSet = field(default_factory=load_ruleset)
    lexicon_dir: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private: bool = False  # URLs: fetch from loopback, private and link-local addresses too
    fetch_deadline: float = DEADLINE_SECONDS  # URLs: seconds for the whole fetch, redirects included
    use_models: bool = True  # the shipped learned models (checker/weights/); False: rules alone
    models: Models | None = None  # explicit models (e.g. just trained); None: as use_models says
    use_syntax: bool = True  # read claims from the shipped parser; False: effect and target co-occur
    use_verifier: bool = True  # with the parser, drop the candidates the shipped claim verifier rejects

    def __post_init__(self) -> None:
        self.nlp = build_nlp(self.lexicon_dir)
        self.lexicon: Lexicon = load_lexicon(Path(self.lexicon_dir) if self.lexicon_dir else None)
        self.matchers = DocMatchers(self.nlp, self.ruleset)
        self.key_terms = key_terms(self.lexicon, self.ruleset)
        self.rule_weights = {r.id: r.weight for r in self.ruleset.rules}
        if self.models is None:
            self.models = shipped_models() if self.use_models else NO_MODELS
        if self.models.sentence is not None:  # its flags count as the model says, rescored alike
            self.rule_weights[MODEL_RULE] = self.models.sentence.score_weight
        self.page_rules = page_level_rules(self.ruleset)
        self.verifier = shipped_verifier() if self.use_verifier and self.use_syntax else None
        gc.freeze()  # the pipeline and rules live as long as the process: keep them out of every collection

    def check_page(self, page: Page) -> Report:
        language = detect_language(page.text)
        if not assessed(language):
            return not_assessed(page, language, word_count=len(_WORD.findall(page.text)))
        ann = annotate(page, self.nlp, [self.matchers], key_terms=self.key_terms)
        views = sentence_views(ann)  # one grouping of mentions by sentence for claims, cautions and rules
        claims = extract_claims(page, ann, self.lexicon, parse if self.use_syntax else None, self.verifier, views)
        cautions = extract_cautions(page, ann, views)
        word_count = len(_WORD.findall(page.text))
        ctx = PageContext(page, ann, views, claims, cautions, self.lexicon, word_count)
        findings = evaluate(ctx, self.ruleset)
        assert self.models is not None  # set in __post_init__
        claims, scored = apply_models(self.models, ctx, findings, page_rules=self.page_rules, rule_weights=self.rule_weights,
                                      disabled=self.ruleset.disabled)
        return Report(
            source=page.source, format=page.format, encoding=page.encoding, notes=page.notes,
            word_count=word_count, score=scored.score, band=scored.band, claims=tuple(claims),
            findings=tuple(scored.findings), cautions=tuple(cautions), breakdown=tuple(scored.breakdown), page=page,
            language=language,
        )

    def check_file(self, path: str | os.PathLike[str], *, format: str | None = None) -> Report:
        return self.check_page(load_page(path, format=format, max_bytes=self.max_bytes,
                                         allow_private=self.allow_private, fetch_deadline=self.fetch_deadline))

    def check_text(self, text: str, *, format: str = "text", source: str = "<text>") -> Report:
        return self.check_page(page_from_text(text, format=format, source=source))


def key_terms(lexicon: Lexicon, ruleset: RuleSet) -> frozenset[str]:
    """The words an evader would disguise: every alphabetic word of 3+ letters in the treatment,
    effect, condition and body-part lexicons and in the phrase rules."""
    words: set[str] = set()
    phrases = [t for e in lexicon.entries if e.label in {"INTERVENTION", "EFFECT", "CONDITION", "BODY_PART", "CTA"} for t in e.terms]
    phrases += [p for r in ruleset.by_kind("phrase") for p in r.match.phrases]  # type: ignore[attr-defined]
    for phrase in phrases:
        words.update(w for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) >= 3)
    return frozenset(words)


_DEFAULT: Analyzer | None = None


def default_analyzer() -> Analyzer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Analyzer()
    return _DEFAULT


def check_text(text: str, *, format: str = "text", source: str = "<text>") -> Report:
    return default_analyzer().check_text(text, format=format, source=source)


def check_file(path: str | os.PathLike[str], *, format: str | None = None) -> Report:
    return default_analyzer().check_file(path, format=format)


def not_assessed(page: Page, language: Language, *, word_count: int) -> Report:
    """The report on a page checker does not read: no claims, no findings, no score to trust."""
    note = (f"not assessed: the page is in {language.code!r} (confidence {language.confidence:.2f}); "
            "checker reads English pages only")
    return Report(source=page.source, format=page.format, encoding=page.encoding, notes=(*page.notes, note),
                  word_count=word_count, score=0, band=NOT_ASSESSED, claims=(), findings=(), cautions=(), breakdown=(),
                  page=page, language=language)
