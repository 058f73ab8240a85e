"""Bytes to text: BOMs, strict UTF-8, then detection with a fallback. Never raises on bad bytes."""

from __future__ import annotations

import codecs

from checker.errors import Errors, InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes, *, source: str) -> tuple[str, str, tuple[str, ...]]:
    """Return (text, encoding, notes). Raises InputError for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return _clean(text), encoding, _replaced_note(text, encoding)
    utf16 = _bomless_utf16(data) if b"\x00" in data[:4096] else None  # NULs are valid UTF-8: look first
    if utf16:
        text = data.decode(utf16, errors="replace")
        return _clean(text), utf16, (f"no byte-order mark; decoded as {utf16} (detected)",)
    if b"\x00" in data[:8192] and _looks_binary(data):
        raise InputError(Errors.E308, path=source)
    try:
        return _clean(data.decode("utf-8")), "utf-8", ()
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise InputError(Errors.E308, path=source)
    from charset_normalizer import from_bytes  # lazy: only for non-UTF-8 input

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in {"utf_8", "utf-8"}:
        encoding = best.encoding
        text = data.decode(encoding, errors="replace")
        return _clean(text), encoding, (f"not valid UTF-8; decoded as {encoding} (detected)",)
    text = data.decode("utf-8", errors="replace")
    return _clean(text), "utf-8", ("not valid UTF-8; undecodable bytes replaced with U+FFFD",)


def _replaced_note(text: str, encoding: str) -> tuple[str, ...]:
    return (f"undecodable bytes in {encoding} replaced with U+FFFD",) if "\ufffd" in text else ()


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 (or UTF-32) without a BOM shows as NULs in every other (or three of four) bytes of
    ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) >= 16 and len(sample) % 4 == 0:
        quarters = [sample[k::4].count(0) / (len(sample) / 4) for k in range(4)]
        if quarters[0] < 0.05 and min(quarters[1:]) > 0.9:
            return "utf-32-le"
        if quarters[3] < 0.05 and min(quarters[:3]) > 0.9:
            return "utf-32-be"
    if len(sample) < 8 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.6 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """Control bytes other than NUL, or NULs in bulk: a few stray NULs in text are only cleaned."""
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(1 for b in sample if 0 < b < 9 or 13 < b < 32)
    nuls = sample.count(0)
    return controls > 0 and nuls > 0 or nuls / len(sample) > 0.3 or controls / len(sample) > 0.1


def clean_text(text: str) -> str:
    return _clean(text)


def _clean(text: str) -> str:
    """Drop NULs and lone surrogates, which no downstream consumer can carry."""
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text
