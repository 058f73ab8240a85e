"""The whole flow for one page: ingest -> nlp -> claims -> rules -> score -> Report."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from checker.claims import extract_cautions, extract_claims, sentence_views
from checker.engine import DocMatchers, PageContext, RuleSet, evaluate, load_ruleset
from checker.ingest import DEFAULT_MAX_BYTES, load_page, page_from_text
from checker.lexicon import Lexicon, load_lexicon
from checker.nlp.pipeline import annotate, build_nlp
from checker.scoring import score_page
from checker.types import Page, Report

_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass
class Analyzer:
    """Holds what is built once per process (pipeline, compiled rules); checks many pages."""

    ruleset: RuleSet = field(default_factory=load_ruleset)
    lexicon_dir: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        self.nlp = build_nlp(self.lexicon_dir)
        self.lexicon: Lexicon = load_lexicon(Path(self.lexicon_dir) if self.lexicon_dir else None)
        self.matchers = DocMatchers(self.nlp, self.ruleset)
        self.rule_weights = {r.id: r.weight for r in self.ruleset.rules}

    def check_page(self, page: Page) -> Report:
        ann = annotate(page, self.nlp, [self.matchers])
        claims = extract_claims(page, ann, self.lexicon)
        cautions = extract_cautions(page, ann)
        word_count = len(_WORD.findall(page.text))
        ctx = PageContext(page, ann, sentence_views(ann), claims, cautions, self.lexicon, word_count)
        findings = evaluate(ctx, self.ruleset)
        scored = score_page(findings, cautions, weights_of=self.rule_weights)
        return Report(
            source=page.source, format=page.format, encoding=page.encoding, notes=page.notes,
            word_count=word_count, score=scored.score, band=scored.band, claims=tuple(claims),
            findings=tuple(scored.findings), cautions=tuple(cautions), breakdown=tuple(scored.breakdown), page=page,
        )

    def check_file(self, path: str | os.PathLike[str], *, format: str | None = None) -> Report:
        return self.check_page(load_page(path, format=format, max_bytes=self.max_bytes))

    def check_text(self, text: str, *, format: str = "text", source: str = "<text>") -> Report:
        return self.check_page(page_from_text(text, format=format, source=source))


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
