"""The real-page corpus (corpora/real): schema and provenance, every labelled sentence findable in
the page as ingest extracts it, splits grouped by site and fixed before labelling, the stored
agreement figures recomputable from the stored passes, and every URL outside the held-out set."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from checker.evaluate.corpus import load_corpus, locate, read_records, schema_errors

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpora" / "real"
HELDOUT = ROOT.parent / "shared" / "heldout" / "check.py"
PROVENANCE = ("site", "group", "url", "title", "source", "retrieved", "licence")


@pytest.fixture(scope="module")
def records():
    return read_records(REAL)


def test_every_record_follows_the_schema_and_carries_its_provenance(records):
    assert len(records) >= 400
    assert not {r["id"]: schema_errors(r) for r in records if schema_errors(r)}
    for r in records:
        assert r["part"] == "real"
        assert all(r.get(k) for k in PROVENANCE), r["id"]
        assert r["source"].startswith(("search:pages", "github:")), r["id"]
    assert sum(len(r["sentences"]) for r in records) >= 2000


def test_every_labelled_sentence_is_in_the_page_text_as_ingested():
    from checker.ingest import load_page

    missing = []
    for d in load_corpus(REAL):
        page = load_page(REAL / d.file)
        missing += [(d.id, s.text) for s, spans in zip(d.sentences, locate(page.text, d.sentences)) if not spans]
    assert not missing


def test_no_site_or_organisation_is_in_two_splits_and_the_split_predates_the_labels(records):
    splits_of: dict[str, set[str]] = defaultdict(set)
    for r in records:
        splits_of[r["group"]].add(r["split"])
    assert all(len(s) == 1 for s in splits_of.values())
    fixed = json.loads((REAL / "splits.json").read_text())
    assert {r["id"]: r["split"] for r in records} == fixed
    counts = {s: sum(r["split"] == s for r in records) for s in ("train", "dev", "test")}
    assert min(counts.values()) >= 80


def test_the_agreement_figures_recompute_from_the_stored_passes():
    sys.path.insert(0, str(REAL / "scripts"))
    try:
        from agreement import agreement, read_jsonl
    finally:
        sys.path.pop(0)
    first = {r["id"]: r for r in read_jsonl(REAL / "labels" / "first_pass.jsonl")}
    second = {r["id"]: r for r in read_jsonl(REAL / "labels" / "second_pass.jsonl")}
    figures, disagreements = agreement(first, second)
    assert figures["documents"] >= 0.2 * len(first)
    assert figures["claim"]["kappa"] == pytest.approx(0.951, abs=0.001)
    assert figures["problematic"]["kappa"] == pytest.approx(0.943, abs=0.001)
    decided = {(d["id"], d.get("n"), d["field"]) for d in read_jsonl(REAL / "labels" / "adjudication.jsonl")}
    assert {(d["id"], d.get("n"), d["field"]) for d in disagreements} <= decided


def test_no_document_comes_from_a_held_out_page(records):
    if not HELDOUT.is_file():
        pytest.skip("../shared/heldout is not present")
    urls = [r["url"] for r in records]
    out = subprocess.run([sys.executable, str(HELDOUT), *urls], capture_output=True, text=True)
    assert out.stdout.strip() == "" and out.returncode == 0
