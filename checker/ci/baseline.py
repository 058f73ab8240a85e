"""Baselines: accept today's findings so that only new ones fail the gate.

A finding's fingerprint is sha256 over its rule id, its matched text (casefolded, whitespace
collapsed) and its file's path (relative to the working folder, posix separators): never its line
number, so editing elsewhere in a page keeps old findings matched. The baseline stores how many
times each fingerprint occurred; occurrences beyond that count are new. The file is JSON with
sorted entries and no timestamps, so rewriting it changes only what changed."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checker.errors import ConfigError, Errors, InputError

BASELINE_VERSION = 1


def normalize_match(text: str) -> str:
    return " ".join(text.casefold().split())


def fingerprint(rule: str, match: str, path: str) -> str:
    key = "\x1f".join((rule, normalize_match(match), path))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    match: str  # normalized; for people reviewing the file, not for matching
    count: int


def build_entries(findings: Iterable[tuple[str, str, str]]) -> list[Entry]:
    """(rule, match, path) of every finding to accept -> sorted baseline entries."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for rule, match, path in findings:
        counts[(path, rule, normalize_match(match))] += 1
    entries = [Entry(fingerprint(rule, match, path), rule, path, match, n) for (path, rule, match), n in counts.items()]
    return sorted(entries, key=lambda e: (e.path, e.rule, e.match, e.fingerprint))


def dumps_baseline(entries: list[Entry], *, tool_version: str) -> str:
    data = {
        "version": BASELINE_VERSION,
        "tool": {"name": "checker", "version": tool_version},
        "entries": [
            {"path": e.path, "rule": e.rule, "match": e.match, "count": e.count, "fingerprint": e.fingerprint}
            for e in entries
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_baseline(file: Path, entries: list[Entry], *, tool_version: str) -> None:
    try:
        file.write_text(dumps_baseline(entries, tool_version=tool_version), encoding="utf-8")
    except OSError as exc:
        raise InputError(Errors.E701.format(reason=exc.strerror or exc), path=str(file)) from None


def load_baseline(file: Path) -> Counter[str]:
    """fingerprint -> accepted count."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Errors.E702, path=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Errors.E703.format(reason=exc), path=str(file)) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(Errors.E704.format(reason=exc), path=str(file)) from None
    if not isinstance(data, dict) or "entries" not in data:
        raise ConfigError(Errors.E705, path=str(file))
    if data.get("version") != BASELINE_VERSION:
        raise ConfigError(Errors.E706.format(found=data.get("version"), expected=BASELINE_VERSION),
                          path=str(file), key="version")
    counts: Counter[str] = Counter()
    for i, entry in enumerate(data["entries"] if isinstance(data["entries"], list) else [None]):
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("count", 1), int) and entry.get("count", 1) > 0):
            raise ConfigError(Errors.E707, path=str(file), key=f"entries.{i}")
        counts[entry["fingerprint"]] += entry.get("count", 1)
    return counts
