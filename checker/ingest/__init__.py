"""ingest: a path, stdin or a string into a Page (text with blocks, links and a source map)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from checker.errors import Errors, InputError
from checker.ingest.decode import clean_text, decode_bytes
from checker.ingest.fetch import DEADLINE_SECONDS, is_url
from checker.ingest.fetch import fetch as fetch_url
from checker.ingest.html import read_html
from checker.ingest.markdown import read_markdown
from checker.ingest.text import read_text
from checker.types import Page

__all__ = ["load_page", "page_from_text", "detect_format", "read_source"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # one page: scan, ci
AUDIT_MAX_BYTES = 10 * 1024 * 1024  # each of thousands of pages in an audit, which share memory
_HTML_EXT = {".html", ".htm", ".xhtml", ".php", ".asp", ".aspx"}
_MD_EXT = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<!--|<div|<p[\s>]|<meta)", re.I)


def detect_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _HTML_EXT:
        return "html"
    if suffix in _MD_EXT:
        return "markdown"
    if suffix in {".txt", ".text"}:
        return "text"
    return "html" if _HTML_SNIFF.match(text[:2048]) else "text"


def read_source(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file (or '-' for stdin) as bytes, with one-line errors for the usual failures."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(Errors.E301, path=path)
        if p.is_dir():
            raise InputError(Errors.E302, path=path)
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise InputError(Errors.E303.format(size=size, limit=max_bytes), path=path)
            with p.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except PermissionError:
            raise InputError(Errors.E304, path=path) from None
        except OSError as exc:
            raise InputError(Errors.E305.format(reason=exc.strerror or exc), path=path) from None
    if len(data) > max_bytes:
        raise InputError(Errors.E306.format(limit=max_bytes), path=path)
    return data


def load_page(
    path: str | os.PathLike[str], *, format: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False, fetch_deadline: float = DEADLINE_SECONDS,
) -> Page:
    """A page from a file, '-' (stdin) or an http(s) URL (private and loopback addresses refused
    unless allow_private; the whole fetch within fetch_deadline seconds)."""
    name = os.fspath(path)
    if is_url(name):
        fetched = fetch_url(name, max_bytes=max_bytes, allow_private=allow_private, deadline=fetch_deadline)
        text, encoding, notes = decode_bytes(fetched.data, source=name)
        return page_from_text(text, source=name, format=format or fetched.format, encoding=encoding, notes=notes)
    data = read_source(name, max_bytes=max_bytes)
    source = "<stdin>" if name == "-" else name
    text, encoding, notes = decode_bytes(data, source=source)
    return page_from_text(text, source=source, format=format or detect_format(name, text), encoding=encoding, notes=notes)


def page_from_text(
    text: str, *, source: str = "<text>", format: str = "text", encoding: str = "utf-8", notes: tuple[str, ...] = ()
) -> Page:
    text = clean_text(text)  # NULs and lone surrogates cannot be carried to any output
    if format == "html":
        return read_html(text, source=source, encoding=encoding, notes=notes)
    if format == "markdown":
        return read_markdown(text, source=source, encoding=encoding, notes=notes)
    if format == "text":
        return read_text(text, source=source, encoding=encoding, notes=notes)
    raise InputError(Errors.E307.format(format=format), path=source)
