"""Plain text: the page text is the decoded file itself; blocks are found, never rewritten."""

from __future__ import annotations

import re

from checker.types import Block, Page

_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•‣◦▪]|\d{1,3}[.)])\s+")
_TERMINAL = tuple(".!?:;\"'”’)]")
_HEADING_MAX_WORDS = 12


def read_text(text: str, *, source: str, encoding: str = "utf-8", notes: tuple[str, ...] = ()) -> Page:
    return Page(
        source=source,
        format="text",
        text=text,
        blocks=tuple(split_blocks(text)),
        encoding=encoding,
        notes=notes,
    ).with_line_index()


def split_blocks(text: str) -> list[Block]:
    """Blank lines end a paragraph; so does a list item, a heading (a short line with no end
    punctuation followed by a capitalised line), or a line that ends a sentence. Any other
    newline is a hard wrap inside one paragraph."""
    lines: list[tuple[int, str]] = []  # (offset of stripped body, stripped body); "" for blank
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.strip()
        lines.append((pos + len(raw) - len(raw.lstrip()), body))
        pos += len(raw)
    blocks: list[Block] = []
    start: int | None = None
    last_end = 0
    kind = "p"
    for i, (offset, body) in enumerate(lines):
        if not body:
            continue
        is_item = bool(_LIST_ITEM.match(body))
        if start is not None and is_item:
            blocks.append(Block(start, last_end, kind))
            start = None
        if start is None:
            start, kind = offset, ("li" if is_item else "p")
        last_end = offset + len(body)
        following = lines[i + 1][1] if i + 1 < len(lines) else ""
        wraps = bool(following) and not _LIST_ITEM.match(following) and (following[0].islower() or len(body) > 60)
        if body.endswith(_TERMINAL) or not wraps:
            if kind == "p" and start == offset and _is_heading(body):
                kind = "heading"
            blocks.append(Block(start, last_end, kind))
            start = None
    if start is not None:
        blocks.append(Block(start, last_end, kind))
    return blocks


def _is_heading(line: str) -> bool:
    return (
        not line.endswith(_TERMINAL)
        and len(line.split()) <= _HEADING_MAX_WORDS
        and not _LIST_ITEM.match(line)
    )
