"""Regexes from rule files run on RE2: linear time, so no pattern can backtrack catastrophically.

RE2 has no look-arounds or back-references; a rule that needs them is rejected on load with the
file and key, rather than silently run on a backtracking engine. `alternation` and
`phrases_regex` build the combined patterns the scan runs; the loader compiles the same ones, so a
set of regexes that compile alone but not together (RE2's "pattern too large") fails on load."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import re2

from checker.errors import Errors, RuleFileError, clip

MAX_MEM = 64 << 20  # RE2's memory budget per compiled regex


@cache
def _compile(pattern: str, ignore_case: bool) -> Any:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.max_mem = MAX_MEM
    options.log_errors = False  # errors are reported once, by us, with file and key
    return re2.compile(pattern, options)


def compile_regex(pattern: str, *, ignore_case: bool = True, path: str = "", key: str = "regex") -> Any:
    try:
        return _compile(pattern, ignore_case)
    except Exception as exc:  # re2.error and friends; neither part may echo a huge pattern whole
        raise RuleFileError(Errors.E501.format(pattern=clip(repr(pattern)), reason=clip(str(exc))), path=path or None, key=key) from None


@cache
def phrases_regex(phrases: tuple[str, ...]) -> Any:
    """One case-insensitive, word-bounded RE2 alternation for a phrase list, built once."""
    return compile_regex(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


@cache
def alternation(patterns: tuple[str, ...], ignore_case: bool) -> Any:
    """A rule's regexes as one RE2 alternation: one linear pass over the text, not one per pattern."""
    return compile_regex("|".join(f"(?:{p})" for p in patterns), ignore_case=ignore_case)
