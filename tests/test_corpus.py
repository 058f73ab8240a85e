"""The labelled corpus: schema, every labelled sentence findable in the page text as ingest
extracts it, and the fixed split's invariants."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evaluate.corpus import (
    CORPUS_FILE,
    HELD_OUT_GENRES,
    SPLITS,
    CollapsedText,
    LabelledSentence,
    assign_splits,
    load_corpus,
    locate,
    read_records,
    schema_errors,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "clinic-claims"


@pytest.fixture(scope="module")
def records():
    return read_records(CORPUS)


@pytest.fixture(scope="module")
def docs():
    return load_corpus(CORPUS)


def test_every_record_follows_the_schema(records):
    problems = {r.get("id", i): schema_errors(r) for i, r in enumerate(records) if schema_errors(r)}
    assert not problems
    assert len(records) >= 200
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))


def test_every_text_file_exists_and_matches_its_format(docs):
    for d in docs:
        path = CORPUS / d.file
        assert path.is_file(), d.file
        assert path.stem == d.id


def test_every_labelled_sentence_is_in_the_page_text_as_ingested(docs):
    from checker.ingest import load_page

    missing = []
    for d in docs:
        page = load_page(CORPUS / d.file)
        for sentence, spans in zip(d.sentences, locate(page.text, d.sentences)):
            if not spans:
                missing.append((d.id, sentence.text))
            for start, end in spans:
                assert " ".join(page.text[start:end].split()) == sentence.text
    assert not missing


def test_the_split_is_stored_complete_and_held_out_styles_are_test_only(docs):
    by_split = Counter(d.split for d in docs)
    assert set(by_split) == set(SPLITS)
    assert 0.5 <= by_split["train"] / len(docs) <= 0.65
    assert 0.15 <= by_split["dev"] / len(docs) <= 0.25
    held = [d for d in docs if d.genre in HELD_OUT_GENRES]
    assert held and all(d.split == "test" for d in held)
    seen = {d.genre for d in docs if d.split == "train"}
    assert seen == {d.genre for d in docs} - set(HELD_OUT_GENRES)  # every other style is trained on


def test_the_split_is_stratified_by_genre_and_label(docs):
    strata = defaultdict(Counter)
    for d in docs:
        if d.genre not in HELD_OUT_GENRES:
            strata[(d.genre, d.label)][d.split] += 1
    for stratum, counts in strata.items():
        n = sum(counts.values())
        if n >= 5:
            assert set(counts) == set(SPLITS), stratum
        assert counts["train"] >= n * 0.5 - 1, stratum
    for split in ("dev", "test"):
        labels = Counter(d.label for d in docs if d.split == split)
        assert labels["credible"] >= 10 and labels["problematic"] >= 10


def test_split_assignment_is_deterministic_and_order_free(records):
    forward = assign_splits(records)
    backward = assign_splits(list(reversed(records)))
    assert forward == backward == assign_splits(records)
    assert all(forward[r["id"]] == "test" for r in records if r["genre"] in HELD_OUT_GENRES)


def test_load_corpus_filters_splits(docs):
    test_only = load_corpus(CORPUS, splits=["test"])
    assert test_only and {d.split for d in test_only} == {"test"}
    assert len(test_only) == sum(d.split == "test" for d in docs)


def test_schema_errors_name_the_problem():
    good = {"id": "x-1", "file": "texts/x-1.txt", "format": "txt", "genre": "regulator", "topic": "t",
            "label": "credible", "split": "dev", "part": "b",
            "sentences": [{"text": "A claim.", "claim": True, "problematic": False, "tags": ["hedged"]}]}
    assert schema_errors(good) == []
    assert any("label" in e for e in schema_errors({**good, "label": "maybe"}))
    assert any("unknown key" in e for e in schema_errors({**good, "extra": 1}))
    assert any("tags" in e for e in schema_errors({**good, "sentences": [{**good["sentences"][0], "tags": ["bogus"]}]}))
    assert any("negated" in e for e in schema_errors({**good, "sentences": [{**good["sentences"][0], "tags": ["negated"]}]}))
    assert any("whitespace" in e for e in schema_errors({**good, "sentences": [{**good["sentences"][0], "text": "A  claim."}]}))


def test_bad_corpus_lines_are_one_line_errors(tmp_path):
    with pytest.raises(InputError, match="no corpus.jsonl"):
        load_corpus(tmp_path)
    (tmp_path / CORPUS_FILE).write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1: missing key"):
        load_corpus(tmp_path)
    (tmp_path / CORPUS_FILE).write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: not JSON"):
        load_corpus(tmp_path)


def test_collapsed_text_maps_back_to_original_offsets():
    text = "Stem cells\n   cure   MS.  Call now!\nStem cells cure MS."
    c = CollapsedText(text)
    assert c.text == "Stem cells cure MS. Call now! Stem cells cure MS."
    spans = list(c.find_all("Stem cells cure MS."))
    assert [text[s:e] for s, e in spans] == ["Stem cells\n   cure   MS.", "Stem cells cure MS."]
    assert list(c.find_all("cells cure MS.")) == [(5, 24), (41, 55)]
    assert list(c.find_all("ells cure")) == []  # never inside a word
    call = text.index("Call now!")
    assert locate(text, [LabelledSentence("Call now!", False, True, ("cta",))]) == [[(call, call + 9)]]


def test_corpus_file_is_one_json_object_per_line():
    lines = (CORPUS / CORPUS_FILE).read_text(encoding="utf-8").splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
