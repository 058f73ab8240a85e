"""Regexes from rule files run on RE2: linear time, so no pattern can backtrack catastrophically.

RE2 has no look-arounds or back-references; a rule that needs them is rejected on load with the
file and key, rather than silently run on a backtracking engine."""

from __future__ import annotations

from functools import cache
from typing import Any

import re2

from checker.errors import RuleFileError



@cache
def _compile(pattern: str, ignore_case: bool) -> Any:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.max_mem = 64 << 20
    options.log_errors = False  # errors are reported once, by us, with file and key
    return re2.compile(pattern, options)


def compile_regex(pattern: str, *, ignore_case: bool = True, path: str = "", key: str = "regex") -> Any:
    try:
        return _compile(pattern, ignore_case)
    except Exception as exc:  # re2.error and friends
        raise RuleFileError(f"bad regex {pattern!r}: {exc}", path=path or None, key=key) from None
