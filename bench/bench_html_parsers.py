"""HTML ingest on the standard library's parser (checker.ingest.html) against a prototype on
selectolax (lexbor), on the same pages in one run: time per page, and how often the two agree
on what checker relies on (text, blocks with their kind and region, links, and the source
offset of every text run).

    pip install selectolax        # not a dependency of checker: the evaluation only
    python bench/bench_html_parsers.py DIR [DIR...]   # folders of .html pages

The prototype walks lexbor's tree with checker's rules (skipped, block, chrome and hidden
elements, as in checker.ingest.html) and recovers source offsets the way a tree without
positions allows: each word run is searched for forward in the source, outside tags, and a
run holding a character reference is matched by a regex that lets each character be written
as a reference. Not a test: figures depend on the machine. README ("HTML ingest") quotes a run.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.ingest.html import (  # noqa: E402
    _BLOCK,
    _CHROME_ROLES,
    _CHROME_TAGS,
    _CHROME_WORDS,
    _KIND,
    _RUN,
    _SKIP,
    _SPACE,
    _hidden,
    read_html,
)
from checker.types import Block, Link, OffsetMap, Page  # noqa: E402

_PLAIN = re.compile(r"[A-Za-z0-9.,;:!?()/-]+")  # a run no page writes with references (except to disguise it)


class LexborExtractor:
    """checker.ingest.html's _Extractor, driven by a walk of lexbor's tree."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.cursor = 0
        self.parts: list[str] = []
        self.length = 0
        self.text_starts: list[int] = []
        self.src_starts: list[int] = []
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.block_start: int | None = None
        self.block_kind = "p"
        self.block_region = "main"
        self.pending_space = False
        self.chrome_depth = 0
        self.kinds: list[str] = []
        self.open_link: tuple[str, int, int] | None = None
        self.misses = 0

    def run(self) -> None:
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(self.src)
        root = tree.root
        if root is None:
            return
        # an explicit stack of (node, entered): lexbor's tree can be as deep as the markup
        stack = [(root, False)]
        frames: list[tuple[str, bool]] = []
        while stack:
            node, entered = stack.pop()
            tag = node.tag
            if entered:
                t, chrome = frames.pop()
                self.chrome_depth -= chrome
                self.kinds.pop()
                if t == "a":
                    self._end_link()
                if t in _BLOCK:
                    self._end_block()
                continue
            if tag == "-text":
                self._data(node.text_content or "")
                continue
            if tag in ("-comment", "-doctype") or tag is None:
                continue
            if tag in _BLOCK:
                self._end_block()
            attrs = {k: (v or "") for k, v in node.attributes.items()}
            if tag in _SKIP or _hidden(attrs):
                self._skip_source(node)
                continue
            chrome = tag in _CHROME_TAGS or attrs.get("role", "").lower() in _CHROME_ROLES or bool(
                _CHROME_WORDS.search(attrs.get("class", "") + " " + attrs.get("id", "")))
            self.chrome_depth += chrome
            self.kinds.append(_KIND.get(tag, "") or (self.kinds[-1] if self.kinds else ""))
            frames.append((tag, chrome))
            if tag == "a" and "href" in attrs:
                self._end_link()
                self.open_link = (attrs["href"].strip(), self.length, len(self.parts))
            stack.append((node, True))
            children = []
            child = node.child
            while child is not None:
                children.append(child)
                child = child.next
            stack.extend((c, False) for c in reversed(children))
        self._end_block()

    def _skip_source(self, node: object) -> None:
        """Move the cursor past a skipped element's raw text (a script's words are not the page's)."""
        text = node.text(deep=True)  # type: ignore[attr-defined]
        if text and len(text) > 40:
            k = self.src.find(text, self.cursor)
            if k >= 0:
                self.cursor = k + len(text)

    def _data(self, data: str) -> None:
        collapsed = _SPACE.sub(" ", data)
        if collapsed.strip() == "":
            if self.block_start is not None:
                self.pending_space = True
            return
        if self.block_start is None:
            self._start_block()
        elif collapsed.startswith(" ") or self.pending_space:
            self._emit(" ")
        self.pending_space = collapsed.endswith(" ")
        for n, run in enumerate(_RUN.finditer(data)):
            if n:
                self._emit(" ")
            self._locate(run.group())

    def _locate(self, run: str) -> None:
        """Segments for one word run, at its place in the source after the cursor, outside tags."""
        src = self.src
        start = self.cursor
        k = src.find(run, start)
        while k >= 0:
            lt = src.rfind("<", start, k)
            if lt <= src.rfind(">", start, k):
                break
            close = src.find(">", k)  # inside a tag (an attribute's value): search on after it
            k = src.find(run, close + 1) if close >= 0 else -1
            start = close + 1
        if k >= 0 and (_PLAIN.fullmatch(run) or "&" not in src[self.cursor:k]):
            self._segment(run, k)
            self.cursor = k + len(run)
            return
        # a reference in the run or before it: each character may be written as one
        pattern = "".join(f"(?:{re.escape(c)}|&[#\\w]+;?)" if not c.isalnum() else re.escape(c) for c in run)
        m = re.compile(pattern).search(src, self.cursor)
        if m is None:
            self.misses += 1
            self._segment(run, self.cursor)
            return
        # one segment per literal stretch, one per reference, as the standard library's parser gives
        pos, out = m.start(), 0
        for ref in re.finditer(r"&[#\w]+;?", src[m.start():m.end()]):
            lit = ref.start() + m.start() - pos
            if lit:
                self._segment(run[out:out + lit], pos)
                out += lit
            value = unescape(ref.group())
            self._segment(value, m.start() + ref.start())
            out += len(value)
            pos = m.start() + ref.end()
        if out < len(run):
            self._segment(run[out:], pos)
        self.cursor = m.end()

    def _segment(self, s: str, src_at: int) -> None:
        self.text_starts.append(self.length)
        self.src_starts.append(src_at)
        self._emit(s)

    def _emit(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def _start_block(self) -> None:
        if self.blocks or self.length:
            self._emit("\n\n")
        self.block_start = self.length
        self.pending_space = False
        self.block_kind = (self.kinds[-1] if self.kinds else "") or "p"
        self.block_region = "chrome" if self.chrome_depth else "main"

    def _end_block(self) -> None:
        self._end_link()
        if self.block_start is not None and self.length > self.block_start:
            self.blocks.append(Block(self.block_start, self.length, self.block_kind, self.block_region))  # type: ignore[arg-type]
        self.block_start = None
        self.pending_space = False

    def _end_link(self) -> None:
        if self.open_link is None:
            return
        href, start, part = self.open_link
        self.open_link = None
        text = "".join(self.parts[part:])
        start += len(text) - len(text.lstrip())
        region = "chrome" if self.chrome_depth else "main"
        self.links.append(Link(href=href, text=text.strip(), start=start, end=self.length, region=region))  # type: ignore[arg-type]


def read_html_lexbor(source_text: str, *, source: str) -> Page:
    ex = LexborExtractor(source_text)
    ex.run()
    return Page(source=source, format="html", text="".join(ex.parts), blocks=tuple(ex.blocks), links=tuple(ex.links),
                source_text=source_text, offset_map=OffsetMap(tuple(ex.text_starts), tuple(ex.src_starts))).with_line_index()


def positions(page: Page) -> list[int]:
    """The source offset of the first character of every word in the text."""
    return [page.offset_map.to_source(m.start()) for m in re.finditer(r"\S+", page.text)]


def main() -> None:
    files = [f for d in sys.argv[1:] for f in sorted(Path(d).glob("*.html"))]
    pages = [f.read_bytes().decode("utf-8", "replace") for f in files]
    print(f"{len(pages)} pages, {sum(map(len, pages)) / 1e6:.1f} M characters")
    timings: dict[str, list[float]] = {"stdlib": [], "lexbor": []}
    agree = {"text": 0, "blocks": 0, "links": 0, "offsets": 0}
    for src in pages:
        for name, fn in (("stdlib", read_html), ("lexbor", read_html_lexbor)):
            t = time.process_time()
            fn(src, source="x")
            timings[name].append(time.process_time() - t)
        old, new = read_html(src, source="x"), read_html_lexbor(src, source="x")
        agree["text"] += old.text == new.text
        agree["blocks"] += old.blocks == new.blocks
        agree["links"] += old.links == new.links
        agree["offsets"] += old.text == new.text and positions(old) == positions(new)
    total = {k: sum(v) for k, v in timings.items()}
    print(f"stdlib HTMLParser : {total['stdlib'] * 1000 / len(pages):7.2f} ms/page (median {statistics.median(timings['stdlib']) * 1000:.2f})")
    print(f"lexbor prototype  : {total['lexbor'] * 1000 / len(pages):7.2f} ms/page (median {statistics.median(timings['lexbor']) * 1000:.2f}); "
          f"{total['stdlib'] / total['lexbor']:.2f}x faster")
    print("pages where the two agree: " + ", ".join(f"{k} {v}/{len(pages)}" for k, v in agree.items()))


if __name__ == "__main__":
    main()
