"""HTML to a Page: visible text only, blocks kept apart, chrome (nav, header, footer, buttons)
kept apart from the main content, links with their place, and offsets mapped to source line/col.

The standard library's HTMLParser is used because it reports the source position of every
text run (lxml and selectolax do not give columns), it never raises on broken markup, and it
works iteratively, so deep nesting cannot exhaust the stack. A lexbor (selectolax) prototype with
offsets recovered by searching the source was measured at only 1.2x this on real pages, with
offsets no longer exact by construction (README, "HTML parsing"; bench/bench_html_parsers.py).
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
_RUN = re.compile(r"\S+(?: \S+)*")  # words whose spacing the text keeps exactly
# A marked section's name ("<![CDATA[", "<![if …"): its kind decides the end HTMLParser searches for.
_SECTION_NAME = re.compile(r"<!\[([a-zA-Z][-_.a-zA-Z0-9]*)")


class LinearHTMLParser(HTMLParser):
    """HTMLParser in linear time on markup that never closes.

    HTMLParser finds the end of a tag, comment, declaration or processing instruction by
    searching the rest of the input. When there is none, Python 3.11's parser (before the 2025
    fix, CVE-2025-6069) steps past the `<` and searches again from the next one: quadratic
    ("<!--" x 100,000 or "<a " x 30,000 took minutes). Here a construct known not to close runs
    to the end of the input, as in browsers (HTML5) and patched Pythons: its text is not shown,
    and an unclosed comment hides the rest of the page, as it does on screen. Known not to close:
    anything after the input's last `>`, and a comment or marked section whose end was already
    searched for in vain from an earlier start. So no search is repeated.
    """

    def __init__(self, *, convert_charrefs: bool = True) -> None:
        super().__init__(convert_charrefs=convert_charrefs)
        self._unclosed_for: str | None = None
        self._unclosed: dict[str, int] = {}

    def _unclosed_from(self) -> dict[str, int]:
        """For the current buffer: end marker -> first start offset from which it is never found."""
        if self._unclosed_for is not self.rawdata:  # goahead() keeps an unparsed tail as a new buffer
            self._unclosed_for = self.rawdata
            self._unclosed = {">": self.rawdata.rfind(">") + 1}
        return self._unclosed

    def _never_closes(self, i: int, marker: str = ">") -> bool:
        return i >= self._unclosed_from().get(marker, len(self.rawdata) + 1)

    def _to_end(self) -> int:
        return len(self.rawdata)

    def parse_starttag(self, i: int) -> int:
        return self._to_end() if self._never_closes(i) else super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:
        return self._to_end() if self._never_closes(i) else super().parse_endtag(i)

    def parse_pi(self, i: int) -> int:
        return self._to_end() if self._never_closes(i) else super().parse_pi(i)

    def parse_comment(self, i: int, report: bool = True) -> int:
        if self._never_closes(i) or self._never_closes(i, "-->"):
            return self._to_end()
        k: int = super().parse_comment(i, report)
        if k < 0:  # no "-->" from here on: a comment to the end of the input
            self._unclosed_from()["-->"] = i
            return self._to_end()
        return k

    def parse_html_declaration(self, i: int) -> int:
        """Python 3.11's parser asserts on malformed `<![…` sections (found by bench/fuzz.py);
        like browsers, treat a broken declaration as a bogus comment and skip to its `>`.
        A marked section with no end is left to the parser, which reads it as text to the next
        `>`; its failed search is remembered (keyed by the end it needs) and not repeated."""
        if self._never_closes(i):
            return self._to_end()
        name = _SECTION_NAME.match(self.rawdata, i)
        marker = name.group(1).lower() if name else ""
        if marker and self._never_closes(i, marker):
            return -1
        try:
            k: int = super().parse_html_declaration(i)
        except AssertionError:
            j = self.rawdata.find(">", i + 2)
            return -1 if j < 0 else j + 1
        if k < 0 and marker:
            self._unclosed_from()[marker] = i
        return k


class _Extractor(LinearHTMLParser):
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
        # (tag, skip, chrome, kind): kind is the innermost block kind at this depth (the tag's own
        # or inherited), so a new block reads it off the top in O(1), not by scanning the stack
        self.stack: list[tuple[str, bool, bool, str]] = []
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
        kind = _KIND.get(tag, "") or (self.stack[-1][3] if self.stack else "")
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
        if self.block_start is None:
            self._start_block()
        elif lead or self.pending_space:
            self._emit(" ")
        self.pending_space = collapsed.endswith(" ")
        # one offset segment per run whose spaces were kept as they are: after a collapsed run
        # ("\n      " -> " ") the text and the source part ways, so a new segment starts there
        line, col = self.getpos()
        seen, line_start = 0, -col  # data offsets: how far newlines are counted; where the current line starts
        for n, run in enumerate(_RUN.finditer(data)):
            k = run.start()
            newline = data.rfind("\n", seen, k)
            if newline >= 0:
                line += data.count("\n", seen, k)
                line_start = newline + 1
            seen = k
            if n:
                self._emit(" ")
            self.text_starts.append(self.length)
            self.src_pos.append((line, k - line_start))
            self._emit(run.group())

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
        self.block_kind = (self.stack[-1][3] if self.stack else "") or "p"
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
