"""Inline suppressions, read from a page's source and applied to its findings after analysis.

HTML and Markdown use comments; plain text uses a line that starts with `#`:

    <!-- checker-disable [RULE...] -->            # checker-disable [RULE...]
    <!-- checker-enable [RULE...] -->             # checker-enable [RULE...]
    <!-- checker-disable-next-line [RULE...] -->  # checker-disable-next-line [RULE...]

RULE is a rule id (UNP001), a rule name (cure-reverse-claim) or a pack name (unproven),
separated by spaces or commas; none means every rule. Text after ` -- ` is a free-form reason.
`disable` takes effect where the comment starts and lasts until a matching `enable` or the end
of the file; `disable-next-line` covers findings that start on the line after the comment ends.
A finding is placed by where it starts in the source file (Page.position)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from checker.ingest.html import LinearHTMLParser
from checker.scoring import rescore
from checker.types import Finding, Page, Report

Kind = Literal["disable", "enable", "disable-next-line"]

_BODY = re.compile(r"\s*checker-(disable-next-line|disable|enable)(?![\w-])(.*)", re.S)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_TEXT_LINE = re.compile(r"^([ \t]*)#[ \t]*(checker-(?:disable-next-line|disable|enable)(?![\w-])[^\n]*?)[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class Directive:
    kind: Kind
    rules: tuple[str, ...]  # empty: every rule
    line: int  # 1-based position of the comment's start in the source file
    column: int
    end_line: int  # the line the comment ends on
    text: str  # the comment as written, whitespace collapsed

    def covers(self, finding: Finding) -> str | None:
        """The rule token that names this finding ('*' for a directive without rules), or None."""
        if not self.rules:
            return "*"
        keys = {finding.rule.casefold(), finding.name.casefold(), finding.pack.casefold()}
        return next((r for r in self.rules if r.casefold() in keys), None)


@dataclass(frozen=True)
class UnusedSuppression:
    """A directive (or one rule named in it) that suppressed nothing on its page."""

    line: int
    column: int
    kind: Kind
    rule: str | None  # the rule named in the directive; None for a directive without rules
    text: str

    @property
    def message(self) -> str:
        what = f"rule {self.rule!r} in " if self.rule else ""
        return f"unused suppression: {what}`checker-{self.kind}` suppressed no finding"


@dataclass(frozen=True)
class Suppressed:
    report: Report  # findings marked suppressed, score recomputed without them
    directives: tuple[Directive, ...]
    unused: tuple[UnusedSuppression, ...]


def parse_directives(page: Page) -> list[Directive]:
    """Every suppression directive in the page's source, in source order."""
    if page.format == "html":
        found = _html_directives(page.source_text if page.source_text is not None else page.text)
    elif page.format == "markdown":
        found = _markdown_directives(page.source_text if page.source_text is not None else page.text)
    else:
        found = _text_directives(page.text)
    return sorted(found, key=lambda d: (d.line, d.column))


def _directive(body: str, line: int, column: int, end_line: int) -> Directive | None:
    m = _BODY.fullmatch(body)
    if not m:
        return None
    rest = m.group(2)
    rest = re.split(r"(?:^|\s)--(?:\s|$)", rest, maxsplit=1)[0]  # ` -- reason` is a comment
    rules = tuple(r for r in re.split(r"[\s,]+", rest) if r)
    text = " ".join(f"checker-{m.group(1)} {' '.join(rules)}".split())
    return Directive(m.group(1), rules, line, column, end_line, text)  # type: ignore[arg-type]


class _CommentParser(LinearHTMLParser):
    """Comments in markup, not inside <script>/<style> (html.parser treats those as raw text).
    Linear on markup that never closes (see LinearHTMLParser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Directive] = []

    def handle_comment(self, data: str) -> None:
        line, offset = self.getpos()
        d = _directive(data, line, offset + 1, line + data.count("\n"))
        if d is not None:
            self.found.append(d)


def _html_directives(source: str) -> list[Directive]:
    parser = _CommentParser()
    parser.feed(source)
    parser.close()
    return parser.found


def _markdown_directives(source: str) -> list[Directive]:
    """Comments in raw-HTML blocks and inline HTML; never in code spans or code blocks."""
    from markdown_it import MarkdownIt

    line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]

    def position(offset: int) -> tuple[int, int]:
        line = bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    found: list[Directive] = []

    def add(comment: str, body: str, cursor: int, fallback_line: int, end: int) -> int:
        """Record the directive in `comment`, found in the source at or after `cursor` (and
        before `end`, its token's end: a search past it could cost the rest of the file each time)."""
        at = source.find(comment, cursor, end)
        if at == -1:  # inside a container (quote, list) the token text lost its markers
            line, column, cursor_after = fallback_line, 1, cursor
        else:
            line, column = position(at)
            cursor_after = at + len(comment)
        d = _directive(body, line, column, line + comment.count("\n"))
        if d is not None:
            found.append(d)
        return cursor_after

    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(source)
    for tok in tokens:
        if not tok.map:
            continue
        start = line_starts[min(tok.map[0], len(line_starts) - 1)]
        end = line_starts[tok.map[1]] if tok.map[1] < len(line_starts) else len(source)
        if tok.type == "html_block":
            cursor = start
            line, counted = tok.map[0] + 1, 0  # lines counted up to offset `counted` of the block
            for at, comment, body in _comments(tok.content):
                line += tok.content.count("\n", counted, at)
                counted = at
                cursor = add(comment, body, cursor, line, end)
        elif tok.type == "inline":
            cursor = start
            for child in tok.children or ():
                if child.type == "html_inline" and (cm := _COMMENT.fullmatch(child.content)):
                    cursor = add(child.content, cm.group(1), cursor, tok.map[0] + 1, end)
    return found


def _comments(html: str) -> Iterator[tuple[int, str, str]]:
    """(offset, comment, body) of each `<!-- … -->` in `html`, as _COMMENT.finditer finds them, in
    one pass: that pattern searched to the end again from every `<!--` that never closes."""
    pos = 0
    while (start := html.find("<!--", pos)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            return
        yield start, html[start : end + 3], html[start + 4 : end]
        pos = end + 3


def _text_directives(text: str) -> list[Directive]:
    found = []
    for m in _TEXT_LINE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        d = _directive(m.group(2), line, len(m.group(1)) + 1, line)
        if d is not None:
            found.append(d)
    return found


def apply_suppressions(report: Report, *, weights_of: dict[str, float] | None = None) -> Suppressed:
    """Mark the findings that directives cover as suppressed and rescore the page without them.

    Pure: returns a new Report; findings keep their order. A suppressed finding's contribution
    is 0 and it never lowers the score."""
    page = report.page
    directives = parse_directives(page)
    if not directives:
        return Suppressed(report, (), ())
    ranges = [d for d in directives if d.kind != "disable-next-line"]
    next_line = [d for d in directives if d.kind == "disable-next-line"]
    used: set[tuple[int, str]] = set()  # (directive index, rule token)
    index = {id(d): i for i, d in enumerate(directives)}
    marked: list[Finding] = []
    any_suppressed = False
    for f in report.findings:
        line, column = page.position(f.start)
        hit = _next_line_hit(next_line, f, line) or _range_hit(ranges, f, (line, column))
        if hit is None:
            marked.append(f)
            continue
        directive, token = hit
        used.add((index[id(directive)], token))
        any_suppressed = True
        marked.append(replace(f, suppressed=True, explanation=replace(f.explanation, contribution=0.0)))
    unused = []
    for i, d in enumerate(directives):
        if d.kind == "enable":
            continue
        if not d.rules:
            if (i, "*") not in used:
                unused.append(UnusedSuppression(d.line, d.column, d.kind, None, d.text))
            continue
        for rule in dict.fromkeys(d.rules):
            if (i, rule) not in used:
                unused.append(UnusedSuppression(d.line, d.column, d.kind, rule, d.text))
    if not any_suppressed:
        return Suppressed(report, tuple(directives), tuple(unused))
    scored = rescore(report, marked, weights_of=weights_of)  # the document model when the report used it
    new_report = replace(report, score=scored.score, band=scored.band, findings=tuple(scored.findings),
                         breakdown=tuple(scored.breakdown))
    return Suppressed(new_report, tuple(directives), tuple(unused))


def _next_line_hit(directives: list[Directive], finding: Finding, line: int) -> tuple[Directive, str] | None:
    for d in directives:
        if d.end_line + 1 == line and (token := d.covers(finding)):
            return d, token
    return None


def _range_hit(directives: list[Directive], finding: Finding, at: tuple[int, int]) -> tuple[Directive, str] | None:
    """Replay disable/enable up to the finding's position; which directive (if any) still covers it."""
    everything: Directive | None = None  # an open `disable` without rules
    reenabled: set[str] = set()  # rules enabled again inside `everything`
    by_rule: dict[str, tuple[Directive, str]] = {}  # casefolded token -> (directive, token as written)
    for d in directives:
        if (d.line, d.column) > at:
            break
        if d.kind == "disable":
            if d.rules:
                for r in d.rules:
                    by_rule[r.casefold()] = (d, r)
                    reenabled.discard(r.casefold())
            else:
                everything, reenabled = d, set()
        elif d.rules:  # enable RULE...
            for r in d.rules:
                by_rule.pop(r.casefold(), None)
                if everything is not None:
                    reenabled.add(r.casefold())
        else:  # enable everything
            everything, reenabled, by_rule = None, set(), {}
    keys = (finding.rule.casefold(), finding.name.casefold(), finding.pack.casefold())
    for k in keys:
        if k in by_rule:
            return by_rule[k]
    if everything is not None and not reenabled.intersection(keys):
        return everything, "*"
    return None
