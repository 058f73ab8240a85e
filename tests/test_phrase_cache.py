"""The lexicon's phrase patterns cached in the user cache (checker.nlp.phrases, checker.cachedir):
the matchers built from the cache are the matchers built by tokenizing; a second load reads the
cache and tokenizes nothing; a changed lexicon, a corrupt file or an unwritable cache folder
means tokenizing again, and never a failed scan."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
import spacy
from spacy.matcher import PhraseMatcher

from checker import cachedir
from checker.ingest import page_from_text
from checker.lexicon import _load_lexicon_cached, load_lexicon
from checker.nlp import phrases
from checker.nlp.components import EntityRuler, FastNegex, QualifierRuler, _is_abbreviation
from checker.paths import lexicons_dir


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty user cache, and no table remembered by this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(phrases, "_memo", {})
    return tmp_path / "xdg" / "checker"


@pytest.fixture
def tokenized(monkeypatch) -> list[int]:
    """Counts the terms tokenized (the slow path) from here on."""
    calls: list[int] = []
    real = phrases.tokenize

    def counting(nlp, terms):
        calls.append(len(terms))
        return real(nlp, terms)

    monkeypatch.setattr(phrases, "tokenize", counting)
    return calls


def patterns(matcher: PhraseMatcher) -> dict[str, set[tuple[int, ...]]]:
    """What a PhraseMatcher holds, as spaCy pickles it: its keys and their hash sequences."""
    return {matcher.vocab.strings[k] if isinstance(k, int) else k: set(v) for k, v in matcher.__reduce__()[1][1].items()}


def matchers(lexicon_dir: str = "") -> dict[str, dict[str, set[tuple[int, ...]]]]:
    nlp = spacy.blank("en")
    lexicon = load_lexicon(Path(lexicon_dir) if lexicon_dir else None)
    ents = EntityRuler(nlp, lexicon)
    quals = QualifierRuler(nlp, lexicon)
    table = phrases.phrase_table(nlp, lexicon)
    negex = FastNegex(nlp, "negex", lexicon.negation, table)
    return {"norm": patterns(ents.norm), "orth": patterns(ents.orth), "qualifiers": patterns(quals.matcher),
            "negex": patterns(negex.matcher)}


def test_patterns_from_hashes_equal_patterns_from_docs(cache):
    """The reference is PhraseMatcher.add with tokenized Docs, as the rulers did before the cache."""
    nlp = spacy.blank("en")
    lexicon = load_lexicon()
    norm, orth = PhraseMatcher(nlp.vocab, attr="NORM"), PhraseMatcher(nlp.vocab, attr="ORTH")
    for entry in lexicon.entries:
        ordinary = [t for t in entry.terms if not _is_abbreviation(t)]
        abbreviations = [t for t in entry.terms if _is_abbreviation(t)]
        if ordinary:
            norm.add(f"{entry.label}|{entry.key}", list(nlp.tokenizer.pipe(ordinary)))
        if abbreviations:
            orth.add(f"{entry.label}|{entry.key}", list(nlp.tokenizer.pipe(abbreviations)))
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, name in (("pseudo_negations", "pseudo"), ("preceding_negations", "Preceding"),
                      ("following_negations", "Following"), ("termination", "Termination")):
        lower.add(name, list(nlp.tokenizer.pipe(lexicon.negation[key])))

    built = matchers()  # tokenized, then written to the cache
    assert any(cache.glob("phrases-*.json"))
    phrases._memo.clear()
    cached = matchers()  # read back from the file
    for got in (built, cached):
        assert got["norm"] == patterns(norm)
        assert got["orth"] == patterns(orth)
        assert got["negex"] == patterns(lower)
    assert cached == built


def test_second_load_reads_the_cache_and_tokenizes_nothing(cache, tokenized):
    first = matchers()
    assert tokenized and tokenized[0] == len(phrases.lexicon_terms(load_lexicon()))
    tokenized.clear()
    phrases._memo.clear()  # a new process: only the file is left
    assert matchers() == first
    assert tokenized == []


def test_the_pipeline_finds_the_same_with_and_without_the_cache(cache, analyzer):
    from checker.nlp.pipeline import annotate

    text = ("Our stem cell injections cure MS and knee arthritis. It may not help everyone; "
            "there is no guarantee, but patients report less pain.")
    page = page_from_text(text)
    matchers()  # writes the cache file
    phrases._memo.clear()
    nlp = spacy.blank("en")  # built from the file
    for name in ("checker_sentences", "checker_entities", "checker_negex", "checker_qualifiers"):
        nlp.add_pipe(name, config={"neg_termset": load_lexicon().negation} if name == "checker_negex" else {})
    cached = annotate(page, nlp)
    reference = annotate(page, analyzer.nlp)
    assert cached.mentions == reference.mentions and cached.qualifiers == reference.qualifiers
    assert {"INTERVENTION", "EFFECT", "CONDITION"} <= {m.label for m in cached.mentions}
    assert "MS" in {m.text for m in cached.mentions}
    assert cached.qualifiers


def test_a_changed_lexicon_is_tokenized_again(cache, tokenized, tmp_path):
    lex = tmp_path / "lexicons"
    shutil.copytree(lexicons_dir(), lex)
    before = phrases.fingerprint(spacy.blank("en"), load_lexicon(lex))
    matchers(str(lex))
    assert (cache / phrases.file_name(before)).is_file()

    conditions = lex / "conditions.yml"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace("terms: [", "terms: [zzyzx syndrome, ", 1), encoding="utf-8")
    _load_lexicon_cached.cache_clear()
    try:
        lexicon = load_lexicon(lex)
        assert any("zzyzx syndrome" in e.terms for e in lexicon.entries)
        after = phrases.fingerprint(spacy.blank("en"), lexicon)
        assert after != before
        tokenized.clear()
        phrases._memo.clear()
        built = matchers(str(lex))
        assert tokenized, "the old cache file was used for a changed lexicon"
        zz = spacy.blank("en").vocab.strings["zzyzx"]
        assert any(seq[0] == zz for seqs in built["norm"].values() for seq in seqs)
        assert (cache / phrases.file_name(after)).is_file()
    finally:
        _load_lexicon_cached.cache_clear()


@pytest.mark.parametrize("content", [
    b"\x00\xff not json at all",
    b'{"format": 1, "fingerprint": "',  # cut short
    b"[]",
    b'{"format": 1, "fingerprint": "KEY", "rows": {"cure": [[1], [2]]}}',  # terms missing
    b'{"format": 1, "fingerprint": "KEY", "rows": "nope"}',
    b'{"format": 999, "fingerprint": "KEY", "rows": {}}',
    b'{"format": 1, "fingerprint": "another", "rows": {}}',
], ids=["binary", "truncated", "not-a-table", "terms-missing", "rows-not-a-map", "other-format", "other-key"])
def test_a_corrupt_cache_file_is_ignored_and_replaced(cache, tokenized, content):
    reference = matchers()
    key = phrases.fingerprint(spacy.blank("en"), load_lexicon())
    path = cache / phrases.file_name(key)
    path.write_bytes(content.replace(b"KEY", key.encode()))
    tokenized.clear()
    phrases._memo.clear()
    assert matchers() == reference
    assert tokenized, "a corrupt file was read as a table"
    assert orjson.loads(path.read_bytes())["fingerprint"] == key  # rewritten whole


def test_a_bad_hash_in_an_otherwise_whole_file_is_ignored(cache, tokenized):
    reference = matchers()
    key = phrases.fingerprint(spacy.blank("en"), load_lexicon())
    path = cache / phrases.file_name(key)
    data = orjson.loads(path.read_bytes())
    term = next(iter(data["rows"]))
    data["rows"][term][0] = ["not a hash"]
    path.write_bytes(orjson.dumps(data))
    tokenized.clear()
    phrases._memo.clear()
    assert matchers() == reference
    assert tokenized


def test_an_unwritable_cache_never_fails_a_scan(tmp_path, monkeypatch, tokenized):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # checker/ cannot be made under a file
    monkeypatch.setattr(phrases, "_memo", {})
    assert cachedir.write("x.json", b"{}") is False
    assert cachedir.read("x.json") is None
    built = matchers()
    assert built["norm"] and tokenized


def test_cache_dir_follows_xdg_and_ignores_a_relative_one(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cachedir.cache_dir() == tmp_path / "checker"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cachedir.cache_dir() == Path.home() / ".cache" / "checker"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cachedir.cache_dir() == Path.home() / ".cache" / "checker"


def test_old_cache_files_are_pruned(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for i in range(cachedir.KEEP + 3):
        assert cachedir.write(f"phrases-{i}.json", b"{}", prune="phrases-*.json")
    left = sorted(p.name for p in (tmp_path / "checker").iterdir())
    assert len(left) == cachedir.KEEP
    assert f"phrases-{cachedir.KEEP + 2}.json" in left  # the newest is kept
