"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).

One run. tool.driver.rules holds every rule in use, with its rationale as help and its
references; a rule's severity maps to a level (high -> error, medium -> warning, low -> note).
Each result points at the source file (URI relative to the working folder, under %SRCROOT%)
with a 1-based region whose end column is exclusive, carries the baseline fingerprint in
partialFingerprints, and an in-source suppression when a comment suppressed it. Files that could
not be read are tool execution notifications."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from checker.report.model import MIN_SCORE_NAME, MIN_SCORE_RULE, UNUSED_NAME, UNUSED_RULE, CiResult, ReportOptions
from checker.scoring import UNJUDGED_BANDS

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"high": "error", "medium": "warning", "low": "note"}
FINGERPRINT_KEY = "checker/v1"

_PSEUDO_RULES = {
    UNUSED_RULE: {
        "name": UNUSED_NAME, "level": "note",
        "short": "A suppression comment that suppressed no finding.",
        "full": "A checker-disable or checker-disable-next-line comment (or one rule named in it) matched no "
                "finding on its page. Remove it, so it cannot hide a future finding by accident.",
    },
    MIN_SCORE_RULE: {
        "name": MIN_SCORE_NAME, "level": "error",
        "short": "The page's credibility score is under the configured min-score.",
        "full": "The page's findings lowered its 0-100 credibility score below the min-score the run asks "
                "for (--min-score or min-score in the config).",
    },
}


def _artifact(path: str) -> dict[str, str]:
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _text(text: str) -> str:
    return " ".join(text.split())


def _title(name: str) -> str:
    """cure-reverse-claim -> "Cure reverse claim" (dashboards show it as the alert's title)."""
    words = name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _rule_descriptor(rule: Any) -> dict[str, Any]:
    rationale = rule.rationale.strip()
    refs = list(rule.references)
    help_text = rationale + ("\n\nReferences:\n" + "\n".join(f"- {r}" for r in refs) if refs else "")
    help_md = rationale + ("\n\n**References**\n\n" + "\n".join(f"- <{r}>" for r in refs) if refs else "")
    tags = [rule.pack] + ([rule.taxonomy] if rule.taxonomy else [])
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _title(rule.name)},
        "fullDescription": {"text": _text(rationale)},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"pack": rule.pack, "tags": tags, "references": refs, "kind": rule.kind,
                       "confidence": rule.confidence, "severity": rule.severity},
    }
    if refs:
        descriptor["helpUri"] = refs[0]
    return descriptor


def _finding_descriptor(f: Any) -> dict[str, Any]:
    """A rule known only from its finding: describe it by what the finding carries."""
    descriptor: dict[str, Any] = {
        "id": f.rule, "name": f.name,
        "shortDescription": {"text": _title(f.name)},
        "fullDescription": {"text": _text(f.explanation.why) or _title(f.name)},
        "help": {"text": f"{f.explanation.why}\n\nSource: {f.explanation.source}"},
        "defaultConfiguration": {"level": LEVEL[f.severity]},
        "properties": {"pack": f.pack, "tags": [f.pack], "references": list(f.references)},
    }
    if f.explanation.source.startswith(("https://", "http://")):
        descriptor["helpUri"] = f.explanation.source
    return descriptor


def _pseudo_descriptor(rule_id: str) -> dict[str, Any]:
    meta = _PSEUDO_RULES[rule_id]
    return {
        "id": rule_id, "name": meta["name"],
        "shortDescription": {"text": meta["short"]}, "fullDescription": {"text": meta["full"]},
        "help": {"text": meta["full"]},
        "defaultConfiguration": {"level": meta["level"]},
        "properties": {"pack": "checker", "tags": ["checker"]},
    }


def _information_uri() -> str | None:
    """The project's home page from the installed package's metadata, if it declares one."""
    try:
        from importlib.metadata import metadata

        meta = metadata("checker")
    except Exception:  # not installed (running from a source tree)
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "repository", "source", "documentation"} and url.strip():
            return url.strip()
    home = (meta.get_all("Home-page") or [None])[0]  # the first one, as Message.get (not in PackageMetadata before 3.12)
    return home if home and home.upper() != "UNKNOWN" else None


def to_sarif(result: CiResult, *, cwd: Path | None = None) -> dict[str, Any]:
    from checker import __version__

    rules = [_rule_descriptor(r) for r in result.rules]
    known = {r["id"] for r in rules}
    for page in result.pages:  # findings from outside the rule packs (e.g. the learned sentence model)
        for c in page.findings:
            if c.finding.rule not in known:
                rules.append(_finding_descriptor(c.finding))
                known.add(c.finding.rule)
    if any(p.unused for p in result.pages):
        rules.append(_pseudo_descriptor(UNUSED_RULE))
    if any(p.under_min_score for p in result.pages):
        rules.append(_pseudo_descriptor(MIN_SCORE_RULE))
    index = {r["id"]: i for i, r in enumerate(rules)}

    results: list[dict[str, Any]] = []
    for page in result.pages:
        for c in page.findings:
            f = c.finding
            region: dict[str, Any] = {"startLine": c.line, "startColumn": c.column,
                                      "endLine": c.end_line, "endColumn": c.end_column}
            if f.match and c.end_line == c.line and c.end_column - c.column == len(f.match) \
                    and page.report.page.text[f.start:f.end] == f.match:  # a literal match, not a summary like "cure … MS"
                region["snippet"] = {"text": f.match}
            item: dict[str, Any] = {
                "ruleId": f.rule, "ruleIndex": index[f.rule], "level": LEVEL[f.severity],
                "message": {"text": _text(f.message)},
                # a page-level finding is about the file, not a region of it
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(page.path),
                                                    **({} if f.scope == "page" else {"region": region})}}],
                "partialFingerprints": {FINGERPRINT_KEY: c.fingerprint},
                "properties": {"severity": f.severity, "confidence": f.confidence, "pack": f.pack,
                               "status": c.status, "blocking": c.blocking, "why": f.explanation.why,
                               "scope": f.scope, "contribution": f.explanation.contribution,
                               "references": list(f.references)},
            }
            if result.baseline:
                item["baselineState"] = "unchanged" if c.baselined else "new"
            if f.suppressed:
                item["suppressions"] = [{"kind": "inSource", "status": "accepted"}]
            results.append(item)
        for u in page.unused:
            results.append({
                "ruleId": UNUSED_RULE, "ruleIndex": index[UNUSED_RULE], "level": "note",
                "message": {"text": u.message},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(page.path),
                                                    "region": {"startLine": u.line, "startColumn": u.column}}}],
            })
        if page.under_min_score:
            results.append({
                "ruleId": MIN_SCORE_RULE, "ruleIndex": index[MIN_SCORE_RULE], "level": "error",
                "message": {"text": page.score_message},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(page.path)}}],
                "properties": {"score": page.report.score, "band": page.report.band, "min_score": page.min_score},
            })

    driver: dict[str, Any] = {"name": "checker", "version": __version__, "semanticVersion": __version__, "rules": rules}
    info = _information_uri()
    if info:
        driver["informationUri"] = info
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": e.message},
             "locations": [{"physicalLocation": {"artifactLocation": _artifact(e.path)}}]}
            for e in result.errors
        ]
    root = (cwd or Path.cwd()).resolve()
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [invocation],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            # each page's verdict and how it adds up: base + every item = score (null when nothing was judged)
            "artifacts": [{"location": _artifact(p.path), "properties": {
                "score": None if p.report.band in UNJUDGED_BANDS else p.report.score, "band": p.report.band,
                "language": p.report.language.code,
                "breakdown": [{"kind": i.kind, "label": i.label, "points": i.points} for i in p.report.breakdown]}}
                for p in result.pages],
            "results": results,
        }],
    }


def render(result: CiResult, stream: TextIO, *, options: ReportOptions) -> None:
    stream.write(json.dumps(to_sarif(result, cwd=options.cwd), ensure_ascii=False, indent=2) + "\n")
