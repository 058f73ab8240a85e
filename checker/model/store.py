"""The shipped models: checker/weights/sentence.json and document.json (plain JSON, never
pickle). A missing file means that part is not shipped and the rules alone do its job; the
environment variable CHECKER_MODELS=off turns the shipped models off."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from checker.model.document import DocumentModel
from checker.model.document import from_json as document_from_json
from checker.model.sentence import SentenceModel
from checker.model.sentence import from_json as sentence_from_json
from checker.paths import read_weights, weights_dir

SENTENCE_FILE = "sentence.json"
DOCUMENT_FILE = "document.json"


@dataclass(frozen=True)
class Models:
    sentence: SentenceModel | None = None
    document: DocumentModel | None = None

    @property
    def any(self) -> bool:
        return self.sentence is not None or self.document is not None


NO_MODELS = Models()


def load_models(directory: str | Path) -> Models:
    directory = Path(directory)
    sentence = directory / SENTENCE_FILE
    document = directory / DOCUMENT_FILE
    return Models(
        sentence=sentence_from_json(read_weights(sentence), path=str(sentence)) if sentence.is_file() else None,
        document=document_from_json(read_weights(document), path=str(document)) if document.is_file() else None,
    )


OFF_VALUES = {"0", "off", "false", "no", "none"}


def models_enabled() -> bool:
    """CHECKER_MODELS=off (or 0/false/no) scores with the rules alone, whatever ships."""
    return os.environ.get("CHECKER_MODELS", "on").strip().lower() not in OFF_VALUES


def shipped_models() -> Models:
    return _load_shipped() if models_enabled() else NO_MODELS


@cache
def _load_shipped() -> Models:
    return load_models(weights_dir())


def rules_fingerprint() -> str:
    """SHA-256 over the rule packs and lexicons (the features are computed with them)."""
    from checker.paths import rules_dir

    h = hashlib.sha256()
    root = rules_dir()
    for path in sorted(p for p in root.rglob("*.yml") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()


def staleness(models: Models) -> list[str]:
    """Why the models may no longer match the rules (empty: trained on these very rules)."""
    current = rules_fingerprint()
    out = []
    for name, part in (("sentence", models.sentence), ("document", models.document)):
        trained = (part.meta or {}).get("rules_sha256") if part is not None else None
        if part is not None and trained != current:
            out.append(f"the {name} model was trained with other rules/lexicons than these: run `checker train`")
    return out
