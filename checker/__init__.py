"""checker: finds treatment claims in clinic marketing and judges them against cited rule packs.

    >>> from checker import check_text
    >>> report = check_text("Our stem cell injections cure knee arthritis with no side effects.")
    >>> report.score < 50
    True

The names below are imported on first use, so `import checker.<module>` (a CLI command that needs
no pipeline, an audit's output process) does not pay for importing spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Analyzer": "checker.analyze", "check_file": "checker.analyze", "check_text": "checker.analyze",
    "load_ruleset": "checker.engine", "CheckerError": "checker.errors", "InputError": "checker.errors",
    "RuleFileError": "checker.errors",
}
__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from checker.analyze import Analyzer, check_file, check_text
    from checker.engine import load_ruleset
    from checker.errors import CheckerError, InputError, RuleFileError


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
