"""The labelled corpus: loading and validating `corpus.jsonl`, the fixed split, and finding each
labelled sentence in the page text as ingest extracts it.

Schema (one JSON object per line; corpora/clinic-claims/SCHEMA.md documents it):
id, file, format (html|md|txt), genre, topic, label (problematic|credible), split
(train|dev|test), part (a|b|c: which labelling batch wrote it), sentences [{text, claim,
problematic, tags}], and for spun documents optionally tortured [str] and backlink str.
"""

from __future__ import annotations

import json
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from checker.errors import Errors, InputError

CORPUS_FILE = "corpus.jsonl"
LABELS = ("problematic", "credible")
SPLITS = ("train", "dev", "test")
FORMATS = ("html", "md", "txt")
TAGS = (
    "cure_claim", "unproven_indication", "no_risk", "testimonial", "fda_misdirection", "hype", "cta",
    "promo_link", "price", "caution", "hedged", "negated",
    # added for real pages (corpora/real/GUIDELINES.md)
    "attributed", "established", "question", "offer", "background", "navigation",
)
GENRES = (
    "clinic_marketing", "offshore_clinic", "iv_wellness", "careful_clinic", "consumer_education", "regulator",
    "news_neutral", "news_sceptical", "spun_seo", "social_post", "forum_qa", "borderline",
    # real pages only
    "trial_listing", "warning_letter", "health_education", "remedy_marketing",
)
PARTS = ("a", "b", "c", "real")  # the synthetic corpus's writing batches; "real" for real pages
HELD_OUT_GENRES = ("social_post",)  # synthetic corpus: a text style the training split never sees (all test)
_DOC_KEYS = {"id", "file", "format", "genre", "topic", "label", "split", "part", "sentences"}
# tortured/backlink: spun synthetic documents. The rest: provenance of real documents (SCHEMA.md).
_OPTIONAL_KEYS = {"tortured", "backlink", "site", "group", "url", "title", "source", "retrieved", "licence", "labelling"}
_SENT_KEYS = {"text", "claim", "problematic", "tags"}


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    text: str
    claim: bool
    problematic: bool
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    file: str  # relative to the corpus directory
    format: str
    genre: str
    topic: str
    label: str
    split: str
    part: str
    sentences: tuple[LabelledSentence, ...]
    tortured: tuple[str, ...] = ()
    backlink: str | None = None
    group: str = ""  # real pages: the site or organisation; no group spans two splits

    @property
    def credible(self) -> bool:
        return self.label == "credible"


def schema_errors(record: object) -> list[str]:
    """Everything wrong with one JSONL record (empty when it is valid)."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    errors: list[str] = []
    missing = _DOC_KEYS - record.keys()
    unknown = record.keys() - _DOC_KEYS - _OPTIONAL_KEYS
    errors += [f"missing key {k!r}" for k in sorted(missing)]
    errors += [f"unknown key {k!r}" for k in sorted(unknown)]
    for key, allowed in (("format", FORMATS), ("genre", GENRES), ("label", LABELS), ("split", SPLITS), ("part", PARTS)):
        if key in record and record[key] not in allowed:
            errors.append(f"{key} {record[key]!r} is not one of {', '.join(allowed)}")
    for key in ("id", "file", "topic"):
        if key in record and not (isinstance(record[key], str) and record[key]):
            errors.append(f"{key} must be a non-empty string")
    if isinstance(record.get("file"), str) and isinstance(record.get("format"), str):
        if not record["file"].startswith("texts/") or not record["file"].endswith("." + record["format"]):
            errors.append(f"file {record['file']!r} must be texts/<id>.{record['format']}")
    if "tortured" in record and not (isinstance(record["tortured"], list) and all(isinstance(t, str) for t in record["tortured"])):
        errors.append("tortured must be a list of strings")
    if "backlink" in record and not isinstance(record["backlink"], (str, type(None))):
        errors.append("backlink must be a string or null")
    sentences = record.get("sentences")
    if not isinstance(sentences, list):
        return errors + ["sentences must be a list"]
    for i, s in enumerate(sentences):
        where = f"sentences[{i}]"
        if not isinstance(s, dict):
            errors.append(f"{where} is not an object")
            continue
        if s.keys() != _SENT_KEYS:
            errors.append(f"{where} keys {sorted(s.keys())} != {sorted(_SENT_KEYS)}")
            continue
        if not isinstance(s["text"], str) or not s["text"].strip() or s["text"] != " ".join(s["text"].split()):
            errors.append(f"{where}.text must be non-empty with whitespace collapsed")
        if not isinstance(s["claim"], bool) or not isinstance(s["problematic"], bool):
            errors.append(f"{where}: claim and problematic must be true or false")
        if not isinstance(s["tags"], list) or any(t not in TAGS for t in s["tags"]):
            errors.append(f"{where}.tags must be a list from {', '.join(TAGS)}")
        elif s["claim"] is True and ({"negated", "question"} & set(s["tags"])):
            errors.append(f"{where}: a negated sentence or a question is not a claim")
    return errors


def _document(record: dict) -> Document:
    return Document(
        id=record["id"], file=record["file"], format=record["format"], genre=record["genre"], topic=record["topic"],
        label=record["label"], split=record["split"], part=record["part"],
        sentences=tuple(LabelledSentence(s["text"], s["claim"], s["problematic"], tuple(s["tags"])) for s in record["sentences"]),
        tortured=tuple(record.get("tortured", ())), backlink=record.get("backlink"),
        group=record.get("group") or record.get("site") or "",
    )


def read_records(corpus_dir: str | Path) -> list[dict]:
    path = Path(corpus_dir) / CORPUS_FILE
    if not path.is_file():
        raise InputError(Errors.E820.format(file=CORPUS_FILE), path=str(corpus_dir))
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(Errors.E821.format(line=n, reason=exc.msg), path=str(path)) from None
    return records


def load_corpus(corpus_dir: str | Path, *, splits: Iterable[str] | None = None) -> list[Document]:
    """Validated documents, in file order, optionally only those of the given splits."""
    path = Path(corpus_dir) / CORPUS_FILE
    wanted = set(splits) if splits is not None else set(SPLITS)
    docs, seen = [], set()
    for n, record in enumerate(read_records(corpus_dir), 1):
        errors = schema_errors(record)
        if errors:
            raise InputError(Errors.E822.format(line=n, reason=errors[0]), path=str(path))
        if record["id"] in seen:
            raise InputError(Errors.E823.format(line=n, id=record["id"]), path=str(path))
        seen.add(record["id"])
        if record["split"] in wanted:
            docs.append(_document(record))
    return docs


# --- the fixed split -------------------------------------------------------------------------

def _rank(doc_id: str) -> tuple[int, str]:
    return zlib.crc32(doc_id.encode("utf-8")), doc_id


def assign_splits(records: Iterable[dict]) -> dict[str, str]:
    """id -> split, deterministically. Held-out genres go wholly to test. Every other document
    is ordered by (genre, label, CRC-32 of its id) and dealt out in turn from a cycle of five
    places (train, train, test, train, dev): each (genre, label) stratum gets ~60/20/20, and
    small strata's remainders are spread instead of all landing in train. The split stored in
    corpus.jsonl is authoritative: a document added later is given a split without moving the
    others."""
    records = list(records)
    if any(r.get("group") or r.get("site") for r in records):
        return assign_group_splits(records)
    out = {r["id"]: "test" for r in records if r["genre"] in HELD_OUT_GENRES}
    rest = sorted((r for r in records if r["genre"] not in HELD_OUT_GENRES),
                  key=lambda r: (GENRES.index(r["genre"]), LABELS.index(r["label"]), *_rank(r["id"])))
    for k, r in enumerate(rest):
        out[r["id"]] = _CYCLE[k % len(_CYCLE)]
    return out


_CYCLE = ("train", "train", "test", "train", "dev")


def assign_group_splits(records: Iterable[dict]) -> dict[str, str]:
    """id -> split for real pages, by group (the site or organisation: `group`, else `site`), so
    that no site is in two splits. Groups are ordered by their most common (genre, label) and
    the CRC-32 of the group name, and dealt from the same cycle of five places, which
    stratifies by genre and label as far as whole groups allow."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(r.get("group") or r.get("site") or r["id"], []).append(r)

    def stratum(members: list[dict]) -> tuple[int, int]:
        genre = max(GENRES, key=lambda g: (sum(m["genre"] == g for m in members), -GENRES.index(g)))
        label = max(LABELS, key=lambda lab: (sum(m["label"] == lab for m in members), -LABELS.index(lab)))
        return GENRES.index(genre), LABELS.index(label)

    order = sorted(groups, key=lambda g: (*stratum(groups[g]), *_rank(g)))
    out = {}
    for k, g in enumerate(order):
        for r in groups[g]:
            out[r["id"]] = _CYCLE[k % len(_CYCLE)]
    return out


# --- finding labelled sentences in the page text ----------------------------------------------

class CollapsedText:
    """A text with whitespace runs collapsed to one space, and a map back to original offsets."""

    _WS = re.compile(r"\s+")

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        starts: list[int] = []  # collapsed offset where each piece starts
        origins: list[int] = []  # original offset of each piece
        pos = 0
        length = 0
        for m in self._WS.finditer(text):
            if m.start() > pos:
                starts.append(length)
                origins.append(pos)
                pieces.append(text[pos : m.start()])
                length += m.start() - pos
            starts.append(length)
            origins.append(m.start())
            pieces.append(" ")
            length += 1
            pos = m.end()
        if pos < len(text):
            starts.append(length)
            origins.append(pos)
            pieces.append(text[pos:])
        self.text = "".join(pieces)
        self._starts = starts
        self._origins = origins
        self._ws = [p == " " for p in pieces]
        self._end = len(text)

    def to_original(self, offset: int, *, end: bool = False) -> int:
        if offset >= len(self.text):
            return self._end
        i = bisect_right(self._starts, offset) - 1
        if self._ws[i]:  # a collapsed run maps to its first character (its last for an end)
            return self._origins[i] + 1 if end else self._origins[i]
        return self._origins[i] + offset - self._starts[i]

    def find_all(self, needle: str) -> Iterator[tuple[int, int]]:
        """Original (start, end) of every occurrence of the whitespace-collapsed needle that
        does not start or end inside a word."""
        needle = " ".join(needle.split())
        if not needle:
            return
        hay = self.text
        i = hay.find(needle)
        while i != -1:
            j = i + len(needle)
            inside_word = (i > 0 and hay[i - 1].isalnum() and needle[0].isalnum()) or (
                j < len(hay) and hay[j].isalnum() and needle[-1].isalnum())
            if not inside_word:
                yield self.to_original(i), self.to_original(j - 1) + 1
            i = hay.find(needle, i + 1)


def locate(text: str, sentences: Iterable[LabelledSentence]) -> list[list[tuple[int, int]]]:
    """For each labelled sentence, the spans of `text` where it occurs (empty: not found)."""
    collapsed = CollapsedText(text)
    return [list(collapsed.find_all(s.text)) for s in sentences]


def shares_word(text: str, unit: tuple[int, int], item: tuple[int, int]) -> bool:
    """Whether an item's span (a claim's sentence, a finding's match) overlaps a unit's span in
    `text` by at least one letter or digit. Sharing only punctuation or space is not overlap:
    the pipeline's sentence `… said the lead investigator. "` ends with the opening quote of the
    next labelled sentence, and a claim in it must not count for that sentence. An item with no
    letter or digit at all (a match of "!!!") counts wherever it overlaps."""
    lo, hi = max(unit[0], item[0]), min(unit[1], item[1])
    if lo >= hi:
        return False
    return any(ch.isalnum() for ch in text[lo:hi]) or not any(ch.isalnum() for ch in text[item[0] : item[1]])


def main(argv: list[str] | None = None) -> int:
    """`python -m checker.evaluate.corpus DIR`: rewrite DIR/corpus.jsonl's split fields."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    corpus_dir = Path(args[0] if args else "corpora/clinic-claims")
    records = read_records(corpus_dir)
    split = assign_splits(records)
    lines = [json.dumps({**r, "split": split[r["id"]]}, ensure_ascii=False) for r in records]
    (corpus_dir / CORPUS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
