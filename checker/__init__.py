"""checker: finds treatment claims in clinic marketing and judges them against cited rule packs.

    >>> from checker import check_text
    >>> report = check_text("Our stem cell injections cure knee arthritis with no side effects.")
    >>> report.score < 50
    True
"""

from __future__ import annotations

__version__ = "0.1.0"

from checker.analyze import Analyzer, check_file, check_text
from checker.engine import load_ruleset
from checker.errors import CheckerError, InputError, RuleFileError

__all__ = ["Analyzer", "check_file", "check_text", "load_ruleset", "CheckerError", "InputError", "RuleFileError", "__version__"]
