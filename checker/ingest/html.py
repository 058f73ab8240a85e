"""HTML to a Page: visible text only, blocks kept apart, chrome (nav, header, footer, buttons)
kept apart from the main content, links with their place, and offsets mapped to source line/col.

The standard library's HTMLParser is used because it reports the source position of every
text run (lxml and selectolax do not give columns), it never raises on broken markup, and it
works iteratively, so deep nesting cannot exhaust the stack.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from checker.types import Block, Link, OffsetMap, Page, Region, line_starts

_SKIP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select"}
_BLOCK = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "h1", "h2", "h3",
    "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td",
    "th", "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "form", "fieldset", "legend",
    "address", "details", "summary", "br", "hr", "button", "label", "option", "body", "html",
    "center", "title",
}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr", "param"}
_CHROME_TAGS = {"header", "nav", "footer", "aside", "button", "form"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "button", "complementary", "menu", "menubar"}
_CHROME_WORDS = re.compile(r"(?:^|[\s_-])(nav|navbar|menu|footer|header|cookie|banner|sidebar|btn|button|cta|social|share|breadcrumb)(?:$|[\s_-])", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_KIND = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
         "h6": "heading", "li": "li", "dt": "li", "dd": "li", "blockquote": "quote", "td": "cell",
         "th": "cell", "pre": "pre", "title": "title"}
_SPACE = re.compile(r"\s+")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # references arrive apart, so positions stay exact
        self.parts: list[str] = []  # text pieces of the page, in order
        self.length = 0
        self.text_starts: list[int] = []
        self.src_pos: list[tuple[int, int]] = []  # (line, col) of each piece in the source
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.block_start: int | None = None
        self.block_kind = "p"
        self.block_region: Region = "main"
        self.stack: list[tuple[str, bool, bool, str]] = []  # (tag, skip, chrome, kind)
        self.open_counts: dict[str, int] = {}
        self.skip_depth = 0
        self.chrome_depth = 0
        self.open_link: tuple[str, int, int] | None = None  # (href, text offset, parts index)
        self.title_parts: list[str] = []
        self.author: str | None = None
        self.date: str | None = None
        self.pending_space = False

    # -- structure -------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._meta(tag, attrs)
        if tag in _BLOCK:
            self._end_block()
        if tag in _VOID:
            return
        amap = {k: (v or "") for k, v in attrs}
        skip = tag in _SKIP or _hidden(amap)
        chrome = tag in _CHROME_TAGS or amap.get("role", "").lower() in _CHROME_ROLES or bool(
            _CHROME_WORDS.search(amap.get("class", "") + " " + amap.get("id", ""))
        )
        kind = _KIND.get(tag, "")
        self.stack.append((tag, skip, chrome, kind))
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1
        self.skip_depth += skip
        self.chrome_depth += chrome
        if tag == "a" and "href" in amap:
            self._end_link()
            self.open_link = (amap["href"].strip(), self.length, len(self.parts))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._meta(tag, attrs)
        if tag in _BLOCK:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._end_link()
        if not self.open_counts.get(tag):
            return  # stray end tag
        while self.stack:
            t, skip, chrome, _ = self.stack.pop()
            self.open_counts[t] -= 1
            self.skip_depth -= skip
            self.chrome_depth -= chrome
            if t in _BLOCK:
                self._end_block()
            if t == tag:
                break
        if tag in _BLOCK:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self.skip_depth or not data:
            return
        if self.open_counts.get("title"):
            self.title_parts.append(data)
        collapsed = _SPACE.sub(" ", data)
        if collapsed.strip() == "":
            if self.block_start is not None:
                self.pending_space = True
            return
        lead = collapsed.startswith(" ")
        piece = collapsed.strip()
        if self.block_start is None:
            self._start_block()
        elif lead or self.pending_space:
            self._emit(" ")
        self.pending_space = collapsed.endswith(" ")
        line, col = self.getpos()
        offset_in_data = len(data) - len(data.lstrip())
        self.text_starts.append(self.length)
        self.src_pos.append((line, col + offset_in_data))
        self._emit(piece)

    def parse_html_declaration(self, i: int) -> int:
        """Python 3.11's parser asserts on malformed `<![…` sections (found by bench/fuzz.py);
        like browsers, treat a broken declaration as a bogus comment and skip to its `>`."""
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            j = self.rawdata.find(">", i + 2)
            return -1 if j < 0 else j + 1

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, raw: str) -> None:
        value = unescape(raw)
        if value == raw or not value.strip():
            if value.strip() == "" and self.block_start is not None:
                self.pending_space = True
            return
        self.handle_data(value)

    # -- helpers ---------------------------------------------------------------------------
    def _emit(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def _start_block(self) -> None:
        if self.blocks or self.length:
            self._emit("\n\n")
        self.block_start = self.length
        self.pending_space = False
        self.block_kind = next((k for _, _, _, k in reversed(self.stack) if k), "p")
        self.block_region = "chrome" if self.chrome_depth else "main"

    def _end_block(self) -> None:
        self._end_link()
        if self.block_start is not None and self.length > self.block_start:
            self.blocks.append(Block(self.block_start, self.length, self.block_kind, self.block_region))
        self.block_start = None
        self.pending_space = False

    def _end_link(self) -> None:
        if self.open_link is None:
            return
        href, start, part = self.open_link
        self.open_link = None
        text = "".join(self.parts[part:])
        start += len(text) - len(text.lstrip())
        region: Region = "chrome" if self.chrome_depth else "main"
        self.links.append(Link(href=href, text=text.strip(), start=start, end=self.length, region=region))

    def _meta(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        amap = {k: (v or "") for k, v in attrs}
        name = (amap.get("name") or amap.get("property") or "").lower()
        content = amap.get("content", "").strip() or None
        if name in {"author", "article:author"}:
            self.author = content
        elif name in {"date", "article:published_time", "dc.date", "article:modified_time"} and not self.date:
            self.date = content


def _hidden(attrs: dict[str, str]) -> bool:
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden", "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(attrs.get("style", "")))
    )


def read_html(source_text: str, *, source: str, encoding: str = "utf-8", notes: tuple[str, ...] = ()) -> Page:
    parser = _Extractor()
    parser.feed(source_text)
    parser.close()
    parser._end_block()
    text = "".join(parser.parts)
    starts = line_starts(source_text)
    src_starts = tuple(starts[line - 1] + col for line, col in parser.src_pos)
    return Page(
        source=source,
        format="html",
        text=text,
        blocks=tuple(parser.blocks),
        links=tuple(parser.links),
        title=" ".join("".join(parser.title_parts).split()) or None,
        author=parser.author,
        date=parser.date,
        encoding=encoding,
        notes=notes,
        source_text=source_text,
        offset_map=OffsetMap(tuple(parser.text_starts), src_starts),
    ).with_line_index()
