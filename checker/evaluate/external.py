"""Measurements on the real data in ../shared/corpora/external/, read in place (never copied).

- HealthFC (CC BY-NC-ND: read only): 750 health claims written as yes/no questions ("Can X
  relieve Y?") with expert verdicts (0 supported, 1 not enough evidence, 2 refuted). They are
  not marketing sentences, so what this measures is narrow: does the claim finder read the
  question's claim structure (a claim found, with which approval status), and does the
  sentence model's claim head agree. The page score of a one-question page says little; it is
  reported per verdict only to show that it does not separate them.
- FDA warning letters: the marketing text FDA quotes as evidence (in curly quotes). Quotes under
  eight words and the letters' legal phrases are left out. Each quote is checked on its own:
  the share with a claim found, and the share predicted problematic (a finding of severity
  medium or high, or an unproven claim made outright: the corpus evaluation's definition).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from checker.evaluate.harness import claim_spans, problematic_spans

HEALTHFC_FILE = Path("healthfc") / "Datensatz.csv"
FDA_DIR = Path("fda-warning-letters")
HEALTHFC_LABELS = {"0": "supported", "1": "not_enough_evidence", "2": "refuted"}
_QUOTE = re.compile(r"“([^”]{20,800})”", re.S)
_LEGAL = ("homologous use", "directions for use", "objective intent", "legal counsel", "same basic function",
          "minimal manipulation", "minimally manipulated", "section 361", "21 cfr", "public health service act")
MIN_QUOTE_WORDS = 8


def default_external_dir() -> Path | None:
    """../shared/corpora/external beside the repository (the working directory's, or the source
    checkout's), when it is there."""
    roots = [Path.cwd(), *Path(__file__).resolve().parents]
    for root in roots:
        candidate = root.parent / "shared" / "corpora" / "external"
        if (root / "pyproject.toml").is_file() and candidate.is_dir():
            return candidate
    return None


def healthfc(external: Path, analyzer: Any) -> dict[str, Any] | None:
    path = external / HEALTHFC_FILE
    if not path.is_file():
        return None
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    scores: dict[str, list[int]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            label = HEALTHFC_LABELS.get((row.get("label") or "").strip(), "unknown")
            text = (row.get("en_claim") or "").strip()
            if not text:
                continue
            report = analyzer.check_text(text, source="<healthfc>")
            counts = per_label[label]
            counts["claims"] += 1
            live = [c for c in report.claims if c.modality != "negated"]
            if live:
                counts["claim_found"] += 1
                counts[f"status:{live[0].condition_status}"] += 1
                counts[f"modality:{live[0].modality}"] += 1
                if any(c.effect_class == "model" for c in live):
                    counts["found_by_sentence_model"] += 1
            if problematic_spans(report, analyzer.page_rules):
                counts["predicted_problematic"] += 1
            scores[label].append(report.score)
    out: dict[str, Any] = {"file": str(path), "by_verdict": {}}
    for label, counts in sorted(per_label.items()):
        n = counts["claims"]
        out["by_verdict"][label] = {
            "claims": n,
            "claim_found_rate": round(counts["claim_found"] / n, 4),
            "found_by_sentence_model": counts["found_by_sentence_model"],
            "predicted_problematic_rate": round(counts["predicted_problematic"] / n, 4),
            "status": {k[7:]: v for k, v in sorted(counts.items()) if k.startswith("status:")},
            "modality": {k[9:]: v for k, v in sorted(counts.items()) if k.startswith("modality:")},
            "mean_score": round(sum(scores[label]) / len(scores[label]), 2),
        }
    total = sum(c["claims"] for c in per_label.values())
    found = sum(c["claim_found"] for c in per_label.values())
    out["claims"] = total
    out["claim_found_rate"] = round(found / total, 4) if total else None
    return out


def fda_quotes(text: str) -> list[str]:
    """Quoted marketing text in a warning letter: curly-quoted, eight words or more, not a legal phrase."""
    out = []
    for m in _QUOTE.finditer(text):
        quote = " ".join(m.group(1).split())
        if len(quote.split()) < MIN_QUOTE_WORDS or any(p in quote.lower() for p in _LEGAL):
            continue
        out.append(quote)
    return out


def fda_letters(external: Path, analyzer: Any) -> dict[str, Any] | None:
    folder = external / FDA_DIR
    letters = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not letters:
        return None
    per_letter = {}
    total: Counter[str] = Counter()
    for letter in letters:
        quotes = fda_quotes(letter.read_text(encoding="utf-8", errors="replace"))
        c: Counter[str] = Counter()
        for quote in quotes:
            report = analyzer.check_text(quote, source="<fda-quote>")
            c["quotes"] += 1
            c["claim_found"] += bool(claim_spans(report))
            c["predicted_problematic"] += bool(problematic_spans(report, analyzer.page_rules))
            c["any_finding"] += bool([f for f in report.findings if f.end > f.start and f.rule not in analyzer.page_rules])
        per_letter[letter.stem] = dict(c)
        total.update(c)
    n = total["quotes"]
    return {
        "folder": str(folder),
        "letters": len(letters),
        "quotes": n,
        "claim_recall": round(total["claim_found"] / n, 4) if n else None,
        "problematic_recall": round(total["predicted_problematic"] / n, 4) if n else None,
        "any_sentence_finding_rate": round(total["any_finding"] / n, 4) if n else None,
        "by_letter": per_letter,
    }


def evaluate_external(external: str | Path, analyzer: Any) -> dict[str, Any]:
    external = Path(external)
    return {"dir": str(external), "healthfc": healthfc(external, analyzer), "fda_letters": fda_letters(external, analyzer)}
