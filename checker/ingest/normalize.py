"""Undo text written to slip past the rules, keeping a map back to the original offsets.

Matching runs on the normalized text; every offset is mapped back, so findings quote and point
at what the page really says. Steps, each recorded as an Evasion:
- zero-width and soft-hyphen characters are dropped ("cu\u200bre");
- NFKC compatibility forms are folded per character (fullwidth "ｃｕｒｅ", ligatures "ﬁ");
- Cyrillic and Greek look-alikes become Latin inside words that also hold Latin letters
  ("сure" with a Cyrillic с); words wholly in another script are left alone;
- letter-spaced key terms are closed up ("c u r e", "m.i.r.a.c.l.e");
- leetspeak key terms are read as letters ("cur3", "m1racle", "$tem").
The last two apply only when the result is a key term (a word of the lexicons or rule phrases),
so ordinary text ("a b c", "COVID-19", "B12") is untouched.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

_INVISIBLE_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f")
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
_LEET_ALT = {"1": "l", "!": "l", "0": "o"}
_LEET_BOTH = {**_LEET, **_LEET_ALT}
# Characters the per-character pass changes: invisible ones, look-alikes, and compatibility forms
# that fold to ASCII letters (fullwidth, ligatures, mathematical and enclosed alphanumerics).
_FOLD_CANDIDATE = re.compile(
    "[" + re.escape("".join(sorted(_INVISIBLE_CHARS))) + re.escape("".join(_HOMOGLYPHS))
    + "\uff01-\uff5e\ufb00-\ufb06\u2460-\u24ff\U0001d400-\U0001d7ff]"
)
_SUSPECT = re.compile(r"[^\x00-\x7f]|(?<![A-Za-z])(?:[A-Za-z][ .\-_*]){2,}[A-Za-z](?![A-Za-z])|[A-Za-z][0-9@$!|]|[0-9@$|][A-Za-z]")
_WORDISH = re.compile(r"[^\s]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LOOKALIKE = re.compile("[" + re.escape("".join(_HOMOGLYPHS)) + "]")
_SPACED = re.compile(r"(?<![A-Za-z])[A-Za-z]([ .\-_*])(?:[A-Za-z]\1){1,}[A-Za-z](?![A-Za-z])")  # one separator per run
# Leet words were found with (?<![\w$@])[A-Za-z0-9@$!|]*[A-Za-z][A-Za-z0-9@$!|]*(?![\w$@]), which
# backtracks from every start in a long run ("!" x 40,000: 71 s). _leet_words gives the same matches
# in linear time from whole runs of those characters that hold a leet character.
_LEET_CLASS = "A-Za-z0-9@$!|"
_LEET_RUN = re.compile(rf"(?<![{_LEET_CLASS}])(?=[{_LEET_CLASS}]*?[013457@$!|])[{_LEET_CLASS}]++")
_WORD_OR_SIGIL = re.compile(r"[\w$@]")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Evasion:
    start: int  # offsets into the original text
    end: int
    kind: str  # invisible | compatibility | homoglyph | spacing | leet
    original: str
    normalized: str


@dataclass(frozen=True)
class Normalized:
    text: str
    to_original: np.ndarray  # to_original[i]: offset in the original of normalized char i; [len] = len(original)
    evasions: tuple[Evasion, ...]

    @property
    def changed(self) -> bool:
        return bool(self.evasions)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.changed:
            return start, end
        m = self.to_original
        return int(m[start]), (int(m[end - 1]) + 1 if end > start else int(m[start]))

    def normalized_offset(self, original: int) -> int:
        if not self.changed:
            return original
        return int(np.searchsorted(self.to_original[:-1], original, side="left"))


def identity(text: str) -> Normalized:
    return Normalized(text, np.zeros(0, dtype=np.int64), ())


def normalize(text: str, key_terms: frozenset[str] = frozenset()) -> Normalized:
    """Normalize `text` for matching. Fast path: plain ASCII with no spaced or leet words.
    Every step is linear in len(text); Python-level work is done per non-ASCII character and
    per candidate word only, never per character of ordinary text."""
    if not _SUSPECT.search(text):
        return identity(text)
    evasions: list[Evasion] = []
    origin: list[int] | None = None  # origin[i]: offset in `text` of folded char i; None: identity
    folded_text = text
    if _FOLD_CANDIDATE.search(text):
        folded_text, origin = _fold_characters(text, evasions)
    # pass 2: word-level repairs that must yield a key term
    repairs = _word_repairs(folded_text, key_terms)
    if not evasions and not repairs:
        return identity(text)  # curly quotes, accents, "B12": nothing changed
    if origin is None:
        origin = list(range(len(text)))
    out: list[str] = []
    out_origin: list[int] = []
    cursor = 0
    for start, end, repaired, kind, sources in repairs:
        out.append(folded_text[cursor:start])
        out_origin.extend(origin[cursor:start])
        out.append(repaired)
        out_origin.extend(origin[k] for k in sources)  # each repaired letter maps to its own source letter
        evasions.append(Evasion(origin[start], origin[end - 1] + 1, kind, text[origin[start] : origin[end - 1] + 1], repaired))
        cursor = end
    out.append(folded_text[cursor:])
    out_origin.extend(origin[cursor:])
    to_original = np.asarray(out_origin + [len(text)], dtype=np.int64)
    evasions.sort(key=lambda e: (e.start, e.end))
    return Normalized("".join(out), to_original, _merge(evasions))


def _fold_characters(text: str, evasions: list[Evasion]) -> tuple[str, list[int]]:
    """Pass 1, per non-ASCII character: drop invisible characters, fold look-alikes inside
    mixed-script words and compatibility letters; returns the folded text and each character's
    origin. ASCII stretches are copied whole."""
    chars: list[str] = []
    origin: list[int] = []
    mixed = _mixed_script_words(text)
    cursor = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        chars.append(text[cursor:i])
        origin.extend(range(cursor, i))
        cursor = i + 1
        ch = m.group(0)
        if ch in _INVISIBLE_CHARS:
            evasions.append(Evasion(i, i + 1, "invisible", ch, ""))
            continue
        if ch in _HOMOGLYPHS and i in mixed:
            evasions.append(Evasion(i, i + 1, "homoglyph", ch, _HOMOGLYPHS[ch]))
            chars.append(_HOMOGLYPHS[ch])
            origin.append(i)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and folded.isascii() and folded.strip():
            if folded.isalpha():  # fullwidth letters, ligatures: a disguise; "…" -> "...", "²" -> "2": typography
                evasions.append(Evasion(i, i + 1, "compatibility", ch, folded))
        else:
            folded = ch
        chars.append(folded)
        origin.extend([i] * len(folded))
    chars.append(text[cursor:])
    origin.extend(range(cursor, len(text)))
    return "".join(chars), origin


def _mixed_script_words(text: str) -> set[int]:
    """Offsets of look-alike characters inside words that also contain Latin letters. Only the
    words around a look-alike are read (each once), so ordinary text costs nothing here."""
    out: set[int] = set()
    word_end = 0
    for hit in _LOOKALIKE.finditer(text):
        if hit.start() < word_end:
            continue  # this look-alike's word was read already
        start = hit.start()
        while start and not text[start - 1].isspace():  # back to the word's start (\S, as _WORDISH)
            start -= 1
        m = _WORDISH.match(text, start)
        assert m is not None
        word_end = m.end()
        word = m.group(0)
        if any("a" <= c.lower() <= "z" for c in word) and any(c in _HOMOGLYPHS for c in word):
            out.update(m.start() + k for k, c in enumerate(word) if c in _HOMOGLYPHS)
        elif all(c in _HOMOGLYPHS or not c.isalpha() for c in word) and any(c in _HOMOGLYPHS for c in word):
            # a word made only of look-alikes ("сurе" typed all in Cyrillic look-alikes) is also a disguise
            latin = "".join(_HOMOGLYPHS.get(c, c) for c in word).lower()
            if latin.strip(".,;:!?\"'()") and any(ch.isalpha() for ch in latin):
                out.update(m.start() + k for k, c in enumerate(word) if c in _HOMOGLYPHS)
    return out


def _word_repairs(text: str, key_terms: frozenset[str]) -> list[tuple[int, int, str, str, list[int]]]:
    """(start, end, repaired, kind, source offset of each repaired letter), in text order."""
    repairs: list[tuple[int, int, str, str, list[int]]] = []
    for m in _SPACED.finditer(text):
        letters = [m.start() + k for k, c in enumerate(m.group(0)) if c.isalpha()]
        found = _key_run(text, letters, key_terms)  # "a c u r e": the key term is the run's tail
        if found:
            i, j = found
            repairs.append((letters[i], letters[j - 1] + 1, "".join(text[k] for k in letters[i:j]), "spacing", letters[i:j]))
    taken_starts = [r[0] for r in repairs]  # in order and disjoint, so their ends are in order too
    taken_ends = [r[1] for r in repairs]
    for start, end in _leet_words(text):
        word = text[start:end]
        if word.isalpha() or not any(c in _LEET for c in word):
            continue
        k = bisect_right(taken_ends, start)  # the first spacing repair ending after this word starts
        if k < len(taken_starts) and taken_starts[k] < end:
            continue  # overlaps a spacing repair
        for table in (_LEET, _LEET_BOTH):
            plain = "".join(table.get(c, c) for c in word)
            if plain.lower() in key_terms:
                repairs.append((start, end, plain, "leet", list(range(start, end))))
                break
    repairs.sort()
    return repairs


def _leet_words(text: str) -> Iterator[tuple[int, int]]:
    """The matches of the former _LEETWORD pattern (see above) that hold a leet character, in
    linear time. That pattern matches at most once per maximal run of [A-Za-z0-9@$!|]: from the
    run's first admissible start (the run's own start unless a word character or $/@ precedes it,
    else just after its first ! or |) to the furthest admissible end (the run's end unless a word
    character follows it, else its last ! or |), if a letter lies between."""
    n = len(text)
    for m in _LEET_RUN.finditer(text):
        a, r = m.span()
        run = m.group(0)
        if a and _WORD_OR_SIGIL.match(text[a - 1]):
            bar = min((k for k in (run.find("!"), run.find("|")) if k >= 0), default=-1)
            if bar < 0 or a + bar + 1 >= r:
                continue
            start = a + bar + 1
        else:
            start = a
        if r == n or not _WORD_OR_SIGIL.match(text[r]):
            end = r
        else:
            end = a + max(run.rfind("!"), run.rfind("|"))  # a or more below a: no admissible end
        letter = _LETTER.search(text, start, end)
        if letter is not None:  # the letter lies in [start, end), so end > start
            yield start, end


_MAX_KEY_LEN = 24  # no key term is longer; bounds the search on long letter-spaced runs


def _key_run(text: str, letters: list[int], key_terms: frozenset[str]) -> tuple[int, int] | None:
    """The longest run of 3+ consecutive spaced letters that spells a key term."""
    n = len(letters)
    spelled = "".join(text[k] for k in letters).lower()
    for size in range(min(n, _MAX_KEY_LEN), 2, -1):
        for i in range(0, n - size + 1):
            if spelled[i : i + size] in key_terms:
                return i, i + size
    return None


def _merge(evasions: list[Evasion]) -> tuple[Evasion, ...]:
    """Adjacent single-character evasions of one kind become one (a whole disguised word)."""
    out: list[Evasion] = []
    for e in evasions:
        if out and out[-1].kind == e.kind and out[-1].end >= e.start - 1 and e.kind in {"homoglyph", "invisible", "compatibility"}:
            last = out[-1]
            out[-1] = Evasion(last.start, max(last.end, e.end), e.kind, last.original + e.original, last.normalized + e.normalized)
        else:
            out.append(e)
    return tuple(out)
