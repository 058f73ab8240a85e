"""Where the shipped data lives: `rules/` in a source checkout, `checker/_rules` in a wheel."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from checker.errors import Errors, ModelError

_PACKAGE = Path(__file__).resolve().parent


@cache
def rules_dir() -> Path:
    for candidate in (_PACKAGE / "_rules", _PACKAGE.parent / "rules"):
        if (candidate / "lexicons").is_dir():
            return candidate
    raise FileNotFoundError("checker's rules/ directory is missing from this installation")


def packs_dir() -> Path:
    return rules_dir() / "packs"


def lexicons_dir() -> Path:
    return rules_dir() / "lexicons"


def weights_dir() -> Path:
    """The learned parts' weights (JSON): the claim verifier, and the sentence and document
    models when they ship. Data, named apart from `checker/model/`, the code that applies them."""
    return _PACKAGE / "weights"


def read_weights(path: Path) -> object:
    """A weights file's JSON, or a coded ModelError naming the file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(Errors.E110.format(line=exc.lineno, reason=exc.msg), path=str(path)) from None
    except OSError as exc:
        raise ModelError(Errors.E111.format(reason=exc.strerror or exc), path=str(path)) from None
