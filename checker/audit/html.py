"""OUTDIR/report.html: one self-contained file (inline CSS, JS and SVG; no network) to read an
audit in a browser: summary figures, charts, a sortable and filterable table of pages, and a page
view with the page's text and its findings highlighted in place, each with its explanation.

Built page by page into temporary files and assembled at the end, so memory stays flat. Size is
bounded: the full text (up to TEXT_CAP characters) is embedded for the `full_text` pages (the
audit picks the lowest-scoring ones); every other page gets excerpts around its findings. The
pages' details travel compressed, DETAIL_BLOCK pages to a block (JSON, gzip, base64 in a
<script> the browser does not run), and a block is decompressed only when one of its pages is
opened: the browser reads a few MB at load instead of every page's text.
"""

from __future__ import annotations

import base64
import gzip
import html
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from checker.audit.tables import pack_column

EXCERPT_PAD = 100  # characters of context either side of a finding in an excerpt
EXCERPT_FINDINGS = 4  # an excerpt shows the text around this many findings, the most severe first
LEAD_CHARS = 1200  # a page without findings shows its first characters
BAND_COLORS = {"high": "#2e7d32", "mixed": "#c79100", "low": "#e65100", "very low": "#b71c1c", "no-claims": "#1565c0"}
STATUS_COLORS = {"approved": "#2e7d32", "not_approved": "#b71c1c", "unknown": "#6d6d6d", "none": "#6d6d6d"}


def _json(data: Any) -> str:
    """JSON safe inside a <script> element."""
    return orjson.dumps(data).decode("utf-8").replace("<", "\\u003c")


def excerpt(text: str, spans: Sequence[tuple[int, int]], *, pad: int = EXCERPT_PAD) -> tuple[str, list[tuple[int, int, int]]]:
    """Windows of `text` around `spans`, joined by blank lines, and the windows as (src_start,
    src_end, out_start) so offsets can be moved into the excerpt."""
    windows: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s or s >= len(text):
            continue
        lo, hi = max(0, s - pad), min(len(text), e + pad)
        if lo > 0:  # widen to whole words
            cut = text.rfind(" ", max(0, lo - 30), lo)
            lo = cut + 1 if cut != -1 else lo
        if hi < len(text):
            cut = text.find(" ", hi, hi + 30)
            hi = cut if cut != -1 else hi
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    if not windows:
        windows = [[0, min(len(text), LEAD_CHARS)]]
    pieces: list[str] = []
    mapping: list[tuple[int, int, int]] = []
    cursor = 0
    for lo, hi in windows:
        lead = "… " if lo > 0 else ""
        tail = " …" if hi < len(text) else ""
        if pieces:
            pieces.append("\n\n")
            cursor += 2
        pieces.append(lead)
        cursor += len(lead)
        mapping.append((lo, hi, cursor))
        pieces.append(text[lo:hi])
        cursor += hi - lo
        pieces.append(tail)
        cursor += len(tail)
    return "".join(pieces), mapping


def _move(start: int, end: int, mapping: list[tuple[int, int, int]] | None, limit: int) -> tuple[int, int]:
    """A finding's offsets in the embedded text, or (-1, -1) when it is not shown there."""
    if end <= start:
        return -1, -1
    if mapping is None:
        return (start, end) if end <= limit else (-1, -1)
    for lo, hi, out in mapping:
        if lo <= start and end <= hi:
            return out + start - lo, out + end - lo
    return -1, -1


SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
DETAIL_BLOCK = 64  # pages whose details are compressed together (report.js: meta.detailBlock)


def details_block(number: int, details: Sequence[dict[str, Any] | None]) -> str:
    """The <script> holding a block's page details (None for a page without any): the JSON list,
    gzip-compressed, in base64."""
    packed = base64.b64encode(gzip.compress(orjson.dumps(list(details)), compresslevel=6, mtime=0)).decode("ascii")
    return f'<script type="text/x-gzip-base64" id="z{number}">{packed}</script>\n'


def read_details_block(script_text: str) -> list[dict[str, Any] | None]:
    """What report.js reads from a block (for tests and tools)."""
    return orjson.loads(gzip.decompress(base64.b64decode(script_text)))


def page_detail(record: dict[str, Any], *, full: bool, rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the page view needs, compactly: each finding is an array [rule, severity, start, end,
    line, column, points, message, match, modifiers, suppressed, what differs from the rule's
    own name/pack/why/source]; offsets are into the embedded text (-1: not shown there). Pages
    without their full text get excerpts around their most severe findings and no claims list."""
    text = record["text"]
    mapping = None
    mode = "full" if record["text_length"] <= len(text) else "cut"
    if not full:
        spans = sorted((f for f in record["findings"] if f["end"] > f["start"]),
                       key=lambda f: (SEVERITY_RANK.get(f["severity"], 3), f["start"]))[:EXCERPT_FINDINGS]
        text, mapping = excerpt(text, [(f["start"], f["end"]) for f in spans])
        mode = "excerpt"
    findings = []
    for f in record["findings"]:
        a, b = _move(f["start"], f["end"], mapping, len(text))
        own = {"name": f["name"], "pack": f["pack"]}
        own.update({k: f[k] for k in ("why", "source") if k in f})
        known = rules.setdefault(f["rule"], own)  # a rule first met here (e.g. a model's) is learnt from it
        extra = {k: v for k, v in own.items() if v != known.get(k)}
        match = f["match"][:300] if full else ("" if a >= 0 else f["match"][:80])
        findings.append([f["rule"], f["severity"], a, b, f["line"], f["column"], f["contribution"], f["message"],
                         match, f["modifiers"] or 0, int(f["suppressed"]), extra or 0])
    claims = [
        [c["line"], c["modality"], c["intervention"], c["effect"], c["condition"] or c["body_part"], c["condition_status"]]
        for c in record["claims"]
    ] if full else None
    parts = [[name, *_move(start, end, mapping, len(text))] for c in record["claims"] for name, start, end in c.get("parts", ())]
    page = record["page"]
    return {"t": text, "mode": mode, "len": record["text_length"], "f": findings, "c": claims,
            "p": [p for p in parts if p[1] >= 0 and p[2] > p[1]],
            "title": page.get("title", ""), "notes": page.get("notes", ""), "cc": page.get("caution_categories", "")}


class ReportWriter:
    """Add every page in table order, then `commit` with the summary."""

    def __init__(self, out: Path, *, packs: Sequence[str], full_text: set[str], full_text_pages: int,
                 rules: dict[str, dict[str, str]]) -> None:
        self.rules = {k: dict(v) for k, v in rules.items()}  # grows with rules met only in findings
        self.final = out / "report.html"
        self.tmp = out / ".report.html.tmp"
        self._rows_tmp = out / ".report.rows.tmp"
        self._details_tmp = out / ".report.details.tmp"
        self._rows = open(self._rows_tmp, "w", encoding="utf-8")
        self._details = open(self._details_tmp, "w", encoding="utf-8")
        self.packs = list(packs)
        self.full_text = full_text
        self.full_text_pages = full_text_pages
        self.count = 0
        self._block: list[dict[str, Any] | None] = []  # the details of the block being filled

    def add(self, record: dict[str, Any]) -> None:
        page = record["page"]
        ok = page["status"] == "ok"
        rules = sorted({f["rule"] for f in record.get("findings", ()) if not f["suppressed"]})
        conds = sorted({c["condition_key"] or (c["condition"] or "").lower()
                        for c in record.get("claims", ()) if c["modality"] != "negated" and (c["condition_key"] or c["condition"])})
        row = [page["path"], page["status"], page.get("reason", ""), page.get("score"), page.get("band") or "",
               page.get("words"), page.get("findings"), page.get("high"), page.get("medium"), page.get("low"),
               page.get("claims"), page.get("cautions"),
               *[(page.get("packs") or {}).get(p, 0) if ok else None for p in self.packs],
               " ".join(rules), " ".join(conds), page.get("title") or ""]
        self._rows.write(("," if self.count else "") + _json(row))
        self._block.append(page_detail(record, full=page["path"] in self.full_text, rules=self.rules) if ok else None)
        self.count += 1
        if len(self._block) == DETAIL_BLOCK:
            self._flush_block()

    def _flush_block(self) -> None:
        if self._block:
            self._details.write(details_block((self.count - 1) // DETAIL_BLOCK, self._block))
            self._block = []

    def commit(self, summary: dict[str, Any], *, title: str = "checker audit", move: bool = True) -> None:
        """Write the report to its temporary file and, unless move=False, move it into place."""
        self._flush_block()
        self._rows.close()
        self._details.close()
        assets = resources.files("checker.audit") / "assets"
        css = (assets / "report.css").read_text(encoding="utf-8")
        js = (assets / "report.js").read_text(encoding="utf-8")
        columns = [
            {"key": "path", "label": "page", "type": "str"}, {"key": "status", "label": "status", "type": "str"},
            {"key": "reason", "label": "reason", "type": "str", "hidden": True},
            {"key": "score", "label": "score", "type": "num"}, {"key": "band", "label": "band", "type": "str"},
            {"key": "words", "label": "words", "type": "num"}, {"key": "findings", "label": "findings", "type": "num"},
            {"key": "high", "label": "high", "type": "num"}, {"key": "medium", "label": "med", "type": "num"},
            {"key": "low", "label": "low", "type": "num"}, {"key": "claims", "label": "claims", "type": "num"},
            {"key": "cautions", "label": "cautions", "type": "num"},
            *[{"key": pack_column(p), "label": p, "type": "num", "pack": True} for p in self.packs],
            {"key": "rules", "label": "rules", "type": "str", "hidden": True},
            {"key": "conds", "label": "conditions", "type": "str", "hidden": True},
            {"key": "title", "label": "title", "type": "str"},  # the row arrays keep this order
        ]
        meta = {"columns": columns, "complete": summary["complete"], "fullTextPages": self.full_text_pages,
                "bands": list(summary["bands"]), "rules": self.rules, "detailBlock": DETAIL_BLOCK}
        with open(self.tmp, "w", encoding="utf-8") as fh:
            fh.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            fh.write('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
            fh.write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
            fh.write(f"<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n")
            fh.write(_header(summary, title))
            fh.write(_charts(summary))
            fh.write(_table_section(summary))
            fh.write(_page_view())
            fh.write(f'<script type="application/json" id="audit-meta">{_json(meta)}</script>\n')
            fh.write('<script type="application/json" id="audit-rows">[')
            with open(self._rows_tmp, encoding="utf-8") as rows:
                while chunk := rows.read(1 << 20):
                    fh.write(chunk)
            fh.write("]</script>\n")
            with open(self._details_tmp, encoding="utf-8") as details:
                while chunk := details.read(1 << 20):
                    fh.write(chunk)
            fh.write(f"<script>\n{js}\n</script>\n</body>\n</html>\n")
        self._cleanup()
        if move:
            os.replace(self.tmp, self.final)

    def discard(self) -> None:
        self._rows.close()
        self._details.close()
        self.tmp.unlink(missing_ok=True)
        self._cleanup()

    def _cleanup(self) -> None:
        self._rows_tmp.unlink(missing_ok=True)
        self._details_tmp.unlink(missing_ok=True)


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _header(summary: dict[str, Any], title: str) -> str:
    files = summary["files"]
    score = summary["score"]
    cards = [
        ("pages", f"{files['total']:,}", f"{files['ok']:,} checked · {files['skipped']:,} skipped · {files['error']:,} errors"
         + (f" · {files['pending']:,} not done" if files["pending"] else "")),
        ("words", f"{summary['words']:,}", "in checked pages"),
        ("mean score", "—" if score["mean"] is None else f"{score['mean']:.1f}",
         "" if score["median"] is None else f"median {score['median']:g} · 0 = least credible, 100 = most"),
        ("findings", f"{summary['findings']:,}", f"{summary['claims']:,} treatment claims found"),
    ]
    bands = summary["bands"]
    total = sum(bands.values()) or 1
    band_bar = "".join(
        f'<span class="bandseg" style="flex:{n};background:{BAND_COLORS.get(b, "#777")}" title="{_esc(b)}: {n:,} pages"></span>'
        for b, n in bands.items() if n
    )
    legend = " ".join(
        f'<span class="legend"><i style="background:{BAND_COLORS.get(b, "#777")}"></i>{_esc(b)} {n:,} '
        f'({100 * n / total:.0f}%)</span>' for b, n in bands.items()
    )
    banner = ""
    if not summary["complete"]:
        banner = (f'<div class="banner" role="alert">This audit is incomplete: {files["pending"]:,} files were not '
                  "checked yet. Run the same command with <code>--resume</code> to finish it.</div>")
    inputs = ", ".join(_esc(i) for i in summary["inputs"])
    card_html = "".join(f'<div class="card"><div class="k">{_esc(k)}</div><div class="v">{_esc(v)}</div>'
                        f'<div class="s">{_esc(s)}</div></div>' for k, v, s in cards)
    return (f'<header><h1>{_esc(title)}</h1><p class="sub">Inputs: {inputs}</p></header>\n<main>\n{banner}'
            f'<section class="cards">{card_html}</section>\n'
            f'<section class="bands"><h2>Pages per credibility band</h2><div class="bandbar">{band_bar}</div>'
            f"<div>{legend}</div></section>\n")


def _hist_svg(summary: dict[str, Any]) -> str:
    from checker.scoring import band_for

    bins = summary["score"]["histogram"]
    peak = max((b["pages"] for b in bins), default=0) or 1
    w, h, left, bottom, top = 420, 220, 36, 28, 14
    bw = (w - left - 8) / len(bins)
    parts = [f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="Score distribution">']
    for frac in (0, 0.5, 1):
        y = top + (h - top - bottom) * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{w - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">{round(peak * frac):,}</text>')
    for i, b in enumerate(bins):
        bh = (h - top - bottom) * b["pages"] / peak
        x = left + i * bw + 2
        y = h - bottom - bh
        color = BAND_COLORS.get(band_for(b["from"]), "#777")
        parts.append(
            f'<g class="bar" data-filter="score:{b["from"]}-{b["to"]}" tabindex="0" role="button">'
            f'<title>score {b["from"]}–{b["to"]}: {b["pages"]:,} pages</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw - 4:.1f}" height="{max(bh, 0):.1f}" fill="{color}"/>'
            + (f'<text x="{x + (bw - 4) / 2:.1f}" y="{y - 3:.1f}" class="val" text-anchor="middle">{b["pages"]:,}</text>'
               if b["pages"] else "")
            + f'<text x="{x + (bw - 4) / 2:.1f}" y="{h - bottom + 14}" class="axis" text-anchor="middle">{b["from"]}</text></g>'
        )
    parts.append(f'<text x="{w / 2:.0f}" y="{h - 2}" class="axis" text-anchor="middle">credibility score</text></svg>')
    return "".join(parts)


def _bars_svg(items: list[tuple[str, int, str, str, str]], label: str) -> str:
    """Horizontal bars: (label, value, color, tooltip, filter)."""
    if not items:
        return '<p class="empty">None.</p>'
    peak = max(v for _, v, *_ in items) or 1
    w, row, lw = 420, 22, 200
    h = row * len(items) + 6
    parts = [f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{_esc(label)}">']
    for i, (name, value, color, tip, filt) in enumerate(items):
        y = 3 + i * row
        bw = (w - lw - 60) * value / peak
        short = name if len(name) <= 27 else name[:26] + "…"
        parts.append(
            f'<g class="bar" data-filter="{_esc(filt)}" tabindex="0" role="button"><title>{_esc(tip)}</title>'
            f'<text x="{lw - 6}" y="{y + 15}" class="lbl" text-anchor="end">{_esc(short)}</text>'
            f'<rect x="{lw}" y="{y + 3}" width="{max(bw, 1):.1f}" height="{row - 7}" fill="{color}" rx="2"/>'
            f'<text x="{lw + bw + 5:.1f}" y="{y + 15}" class="val">{value:,}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _charts(summary: dict[str, Any]) -> str:
    sev = {"high": "#b71c1c", "medium": "#e65100", "low": "#1565c0"}
    rules = [(f"{r['rule']} {r['name']}", r["findings"], sev.get(r["severity"], "#777"),
              f"{r['rule']} {r['name']} [{r['pack']}, {r['severity']}]: {r['findings']:,} findings on {r['pages']:,} pages",
              r["rule"]) for r in summary["top_rules"][:10]]
    conds = [(c["label"], c["claims"], STATUS_COLORS.get(c["status"], "#777"),
              f"{c['label']} ({c['status'].replace('_', ' ')}): {c['claims']:,} claims on {c['pages']:,} pages",
              "cond:" + c["condition"]) for c in summary["top_conditions"][:10]]
    return (
        '<section class="charts">'
        f'<figure><figcaption>Score distribution (pages)</figcaption>{_hist_svg(summary)}</figure>'
        f'<figure><figcaption>Top rules (findings)</figcaption>{_bars_svg(rules, "Top rules")}'
        '<div class="note">colour: severity (red high, orange medium, blue low)</div></figure>'
        f'<figure><figcaption>Conditions claimed (claims, not negated)</figcaption>{_bars_svg(conds, "Conditions claimed")}'
        '<div class="note">colour: red no approved stem-cell therapy, green approved, grey unknown</div></figure>'
        "</section>\n<p class=\"hint\">Click a bar to filter the table.</p>\n"
    )


def _table_section(summary: dict[str, Any]) -> str:
    bands = "".join(f'<option value="{_esc(b)}">{_esc(b)}</option>' for b in summary["bands"])
    return (
        '<section id="pages"><h2>Pages</h2><div class="controls">'
        '<input id="filter" type="search" placeholder="Filter: words in path, title, reason, rule id (UNP001), '
        'cond:KEY, score:0-49" aria-label="Filter pages" autocomplete="off">'
        '<select id="status-filter" aria-label="Status"><option value="">all statuses</option>'
        '<option value="ok">ok</option><option value="skipped">skipped</option><option value="error">error</option></select>'
        f'<select id="band-filter" aria-label="Band"><option value="">all bands</option>{bands}</select>'
        '<span id="count" aria-live="polite"></span></div>'
        '<div class="tablewrap"><table id="pages-table"><thead><tr></tr></thead><tbody></tbody></table></div>'
        '<button id="more" type="button" hidden>Show more</button></section>\n'
    )


def _page_view() -> str:
    return (
        '<section id="page-view" hidden><div class="pv-head"><a href="#pages" class="back">← all pages</a>'
        '<h2 id="pv-path"></h2><div id="pv-meta"></div><div id="pv-note" class="pv-note"></div>'
        '<div class="pv-legend" id="pv-legend">findings highlighted by severity: <mark class="sev-high">high</mark> '
        '<mark class="sev-medium">medium</mark> <mark class="sev-low">low</mark>; page-level findings are listed, '
        'not highlighted; claim parts underlined: <span class="pt-intervention">intervention</span> '
        '<span class="pt-effect">effect</span> <span class="pt-condition">condition</span> '
        '<span class="pt-body_part">body part</span></div></div>'
        '<div class="pv-body"><article id="pv-text" class="pv-text" aria-label="Page text"></article>'
        '<aside class="pv-side"><h3>Findings</h3><ol id="pv-findings"></ol>'
        '<details id="pv-claims-box"><summary>Claims</summary><ul id="pv-claims"></ul></details></aside></div>'
        "</section>\n</main>\n"
    )
