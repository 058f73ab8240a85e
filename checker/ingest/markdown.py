"""Markdown to a Page with markdown-it-py (CommonMark): one block per heading, paragraph, list
item, quote or table cell; links with their anchor text; inline markup removed; every text run
located in its source lines so findings point at the right line and column. Raw HTML inside
the Markdown is passed through the HTML reader's rules (its text kept, its tags dropped)."""

from __future__ import annotations

import re
from functools import cache

from checker.types import Block, Link, OffsetMap, Page, line_starts

_HTML_TAG = re.compile(r"<[^>\n]{0,500}>")


@cache
def _parser():  # type: ignore[no-untyped-def]
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


class _Builder:
    def __init__(self, source_text: str) -> None:
        self.src = source_text
        self.line_starts = list(line_starts(source_text))
        self.parts: list[str] = []
        self.length = 0
        self.text_starts: list[int] = []
        self.src_starts: list[int] = []
        self.blocks: list[Block] = []
        self.links: list[Link] = []

    def _emit(self, piece: str, src_offset: int | None) -> None:
        if src_offset is not None:
            self.text_starts.append(self.length)
            self.src_starts.append(src_offset)
        self.parts.append(piece)
        self.length += len(piece)

    def add_block(self, kind: str, pieces: list[tuple[str, str | None]], line_range: tuple[int, int]) -> None:
        """pieces: (text, href or None) runs of one block, in order."""
        if not any(text.strip() for text, _ in pieces):
            return
        if self.blocks:
            self._emit("\n\n", None)
        start = self.length
        lo = self.line_starts[min(line_range[0], len(self.line_starts) - 1)]
        hi_line = min(line_range[1], len(self.line_starts))
        hi = self.line_starts[hi_line] if hi_line < len(self.line_starts) else len(self.src)
        cursor = lo
        link_open: tuple[str, int] | None = None
        for text, href in pieces:
            text = re.sub(r"\s+", " ", text)
            if self.length == start:
                text = text.lstrip()
            if not text:
                continue
            found = self.src.find(text.strip(), cursor, hi)
            if found >= 0:
                lead = len(text) - len(text.lstrip())
                if lead:
                    self._emit(text[:lead], None)
                self._emit(text[lead:], found)
                cursor = found + len(text.strip())
            else:
                self._emit(text, cursor)
            if link_open and link_open[0] != href:
                self._close_link(link_open, self.length - len(text.strip()))
                link_open = None
            if href is not None and link_open is None:
                link_open = (href, self.length - len(text.strip()))
        if link_open:
            self._close_link(link_open)
        self.blocks.append(Block(start, self.length, kind))

    def _close_link(self, link: tuple[str, int], end: int | None = None) -> None:
        href, start = link
        end = self.length if end is None else end
        text = self._tail(start)[: end - start]
        self.links.append(Link(href=href, text=text.strip(), start=start, end=end))

    def _tail(self, start: int) -> str:
        out: list[str] = []
        n = self.length
        for piece in reversed(self.parts):
            if n <= start:
                break
            out.append(piece)
            n -= len(piece)
        joined = "".join(reversed(out))
        return joined[start - n :]


def read_markdown(source_text: str, *, source: str, encoding: str = "utf-8", notes: tuple[str, ...] = ()) -> Page:
    tokens = _parser().parse(source_text)
    builder = _Builder(source_text)
    kinds: list[str] = []
    title: str | None = None
    for tok in tokens:
        if tok.type.endswith("_open") and tok.nesting == 1:
            kinds.append({"heading_open": "heading", "list_item_open": "li", "blockquote_open": "quote",
                          "th_open": "cell", "td_open": "cell"}.get(tok.type, ""))
        elif tok.nesting == -1 and kinds:
            kinds.pop()
        if tok.type == "inline" and tok.map is not None:
            kind = next((k for k in reversed(kinds) if k), "p")
            pieces = _inline_pieces(tok.children or [])
            if kind == "heading" and title is None:
                title = "".join(t for t, _ in pieces).strip() or None
            builder.add_block(kind, pieces, (tok.map[0], tok.map[1]))
        elif tok.type in {"fence", "code_block"}:
            continue  # code is not prose
        elif tok.type == "html_block" and tok.map is not None:
            text = _HTML_TAG.sub(" ", _drop_comments(tok.content))
            builder.add_block("p", [(text, None)], (tok.map[0], tok.map[1]))
    text = "".join(builder.parts)
    return Page(
        source=source,
        format="markdown",
        text=text,
        blocks=tuple(builder.blocks),
        links=tuple(builder.links),
        title=title,
        encoding=encoding,
        notes=notes,
        source_text=source_text,
        offset_map=OffsetMap(tuple(builder.text_starts), tuple(builder.src_starts)),
    ).with_line_index()


def _drop_comments(html: str) -> str:
    """Each `<!-- … -->` becomes a space; an unclosed `<!--` hides the rest, as in the HTML reader
    and in browsers. One pass: the former pattern `<!--.*?-->` searched to the end again from
    every unclosed `<!--` (11,400 lines of "<!-- x": 32 s)."""
    out: list[str] = []
    pos = 0
    while (start := html.find("<!--", pos)) >= 0:
        end = html.find("-->", start + 4)
        out.append(html[pos:start])
        if end < 0:
            return "".join(out)
        out.append(" ")
        pos = end + 3
    out.append(html[pos:])
    return "".join(out)


def _inline_pieces(children: list) -> list[tuple[str, str | None]]:  # type: ignore[type-arg]
    pieces: list[tuple[str, str | None]] = []
    href: str | None = None
    for child in children:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            href = None
        elif child.type in {"text", "code_inline"}:
            pieces.append((child.content, href))
        elif child.type in {"softbreak", "hardbreak"}:
            pieces.append((" ", href))
        elif child.type == "image":
            continue
        elif child.type == "html_inline":
            continue
    return pieces
