"""The JSON report: a documented, versioned contract (see docs/report-schema.md)."""

from __future__ import annotations

import json
from typing import Any

from checker.scoring import UNJUDGED_BANDS
from checker.types import CLAIM_PART_NAMES, ClaimPart, Report

SCHEMA = "checker.report/1"


def part_dict(part: ClaimPart | None) -> dict[str, Any] | None:
    """A claim part: its words and offsets (null when resolved from outside the sentence)."""
    if part is None:
        return None
    return {"text": part.text, "start": part.start, "end": part.end, "resolved": part.resolved}


def to_dict(report: Report) -> dict[str, Any]:
    page = report.page

    def pos(offset: int) -> dict[str, int]:
        line, column = page.position(offset)
        return {"line": line, "column": column}

    return {
        "schema": SCHEMA,
        "source": report.source,
        "format": report.format,
        "encoding": report.encoding,
        "notes": list(report.notes),
        "score": None if report.band in UNJUDGED_BANDS else report.score,
        "band": report.band,
        "language": {"code": report.language.code, "confidence": report.language.confidence, "method": report.language.method},
        "word_count": report.word_count,
        "title": page.title,
        "claims": [
            {
                "text": c.text, "start": c.start, "end": c.end, **pos(c.start),
                "intervention": c.intervention, "intervention_source": c.intervention_source,
                "effect": c.effect, "effect_class": c.effect_class,
                "condition": c.condition, "condition_key": c.condition_key, "condition_status": c.condition_status,
                "condition_source": c.condition_source, "body_part": c.body_part,
                "modality": c.modality, "qualifiers": list(c.qualifiers),
                "parts": {name: part_dict(c.parts.get(name)) for name in CLAIM_PART_NAMES}, "confidence": c.confidence,
            }
            for c in report.claims
        ],
        "findings": [
            {
                "rule": f.rule, "name": f.name, "pack": f.pack, "severity": f.severity, "confidence": f.confidence,
                "message": f.message, "start": f.start, "end": f.end, **pos(f.start), "match": f.match,
                "explanation": {
                    "why": f.explanation.why, "modifiers": list(f.explanation.modifiers),
                    "contribution": f.explanation.contribution, "source": f.explanation.source,
                    "adjustments": [{"kind": m.kind, "trigger": m.trigger, "severity_before": m.severity_before,
                                     "severity_after": m.severity_after} for m in f.explanation.adjustments],
                },
                "references": list(f.references), "suppressed": f.suppressed, "scope": f.scope,
            }
            for f in report.findings
        ],
        "cautions": [
            {"category": c.category, "trigger": c.trigger, "start": c.start, "end": c.end, **pos(c.start), "sentence": c.sentence}
            for c in report.cautions
        ],
        "score_breakdown": [{"kind": i.kind, "label": i.label, "points": i.points} for i in report.breakdown],
    }


def dumps(report: Report, *, indent: int | None = 2) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=indent)
