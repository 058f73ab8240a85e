"""The trained tagger and dependency parser that ships with checker, loaded lazily.

The pipeline (tok2vec, tagger, morphologizer, parser) was trained here on the Universal
Dependencies English Web Treebank (training/README.md says how to rebuild it); its weights are
CC BY-SA 4.0 (see NOTICE). It is loaded from the package with `spacy.load`, never downloaded, and
only when a page has a claim candidate: most sentences never reach it. Lemmas come from the
predicted UPOS through lemminflect (measured against the trained alternatives in training/README.md).
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import sys
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from checker import cachedir
from checker.errors import ModelError

SYNTAX_DIR = Path(__file__).resolve().parent.parent / "syntax_model"
_OPEN_CLASS = {"NOUN", "VERB", "AUX", "ADJ", "ADV", "PROPN"}


@cache
def load_parser(path: str = "") -> Language:
    """The trained pipeline, loaded once per process."""
    import spacy

    where = Path(path) if path else SYNTAX_DIR
    if not (where / "config.cfg").is_file():
        raise ModelError(f"[E101] the trained parser is missing from this installation ({where})")
    # the saved tokenizer is English's default one, which building the pipeline has just made:
    # reading it again re-adds 2,700 special cases (0.3 s of a 0.6 s load); a test checks they match.
    # The Penn-tag tagger is trained (its accuracy is reported) but not run: claims read UPOS and
    # features from the morphologizer, and skipping it saves about a tenth of the parse
    nlp = spacy.load(where, exclude=["tokenizer", "tagger"])
    gc.freeze()  # the weights live as long as the process: keep them out of every collection
    return nlp


def parse(texts: Sequence[str], path: str = "") -> list[Doc]:
    """Tag, parse and lemmatize each text (one sentence each, usually)."""
    if not texts:
        return []
    nlp = load_parser(path)
    docs = list(nlp.pipe(texts, batch_size=64))
    for doc in docs:
        lemmatize(doc)
    return docs


def lemmatize(doc: Doc) -> Doc:
    """Lemmas from the predicted UPOS: lemminflect for open classes, the lower-cased form otherwise."""
    for token in doc:
        lower = token.lower_
        if token.pos_ in _OPEN_CLASS:
            token.lemma_ = _lemma(token.text if token.pos_ == "PROPN" else lower, token.pos_)
        else:
            token.lemma_ = _CLOSED_LEMMAS.get(lower, "be" if lower == "'s" and token.pos_ == "AUX" else lower)
    return doc


_CLOSED_LEMMAS = {"n't": "not", "ca": "can", "wo": "will"}


def verb_lemma(form: str) -> str:
    """The lemma of a word read as a verb ("fought" -> "fight"), without parsing."""
    return _lemma(form, "VERB")


@lru_cache(maxsize=65536)
def _lemma(form: str, upos: str) -> str:
    from lemminflect import getLemma

    _prime_lemma_table()
    lemmas = getLemma(form, upos=upos)
    return lemmas[0].lower() if lemmas else form.lower()


@cache
def _prime_lemma_table() -> None:
    """lemminflect parses its 80,000-line lemma table on first use (about 0.4 s, a third of a
    cold scan); a marshal copy in the user cache, keyed by the table's bytes and this Python's
    marshal format, loads in half that. Any failure leaves lemminflect to load the table itself."""
    try:
        from lemminflect import config
        from lemminflect.core.Lemmatizer import Lemmatizer

        lemmatizer = Lemmatizer()
        if hasattr(lemmatizer, "lemma_dict"):
            return
        digest = hashlib.sha256(Path(config.lemma_lu_fn).read_bytes()).hexdigest()[:16]
        name = f"lemmas-{digest}-py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}.marshal"
        data = cachedir.read(name)
        table = _unmarshal(data) if data is not None else None
        if table is not None:
            lemmatizer.lemma_dict = table
            return
        cachedir.write(name, marshal.dumps(lemmatizer._getLemmaDict()), prune="lemmas-*.marshal")
    except (AttributeError, ImportError, OSError, ValueError):
        return


def _unmarshal(data: bytes) -> dict | None:
    try:
        table = marshal.loads(data)
    except (EOFError, TypeError, ValueError):
        return None
    return table if isinstance(table, dict) and table else None
