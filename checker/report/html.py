"""One page's report as a self-contained HTML file (inline CSS, no script, nothing fetched):
`checker scan PAGE --format html > page.html`.

It shows the verdict and how the score adds up, the page-level findings apart, then the page's
text with each claim's parts (intervention, effect, condition, body part) and each finding's words
highlighted in place, a legend, and the cautions credited. Highlights are cut at every span
boundary, so overlapping spans nest as one element with several classes, never crossed tags."""

from __future__ import annotations

import html
from collections.abc import Iterable

from checker.claims import unproven_claims
from checker.scoring import NO_CLAIMS, NOT_ASSESSED
from checker.types import CLAIM_PART_NAMES, Finding, Report, severity_rank

TEXT_CAP = 300_000  # characters of page text shown

CSS = """
body{font:15px/1.55 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.25rem;margin:0 0 .3rem;word-break:break-all}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
.verdict{font-size:1.6rem;font-weight:700}.band-high{color:#2e7d32}.band-mixed{color:#a07400}.band-low{color:#e65100}
.band-very-low{color:#b71c1c}.band-no-claims{color:#1565c0}.band-not-assessed{color:#6a1b9a}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #e0e0e0;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.finding{background:#fff;border-left:4px solid #999;padding:.4rem .7rem;margin:.4rem 0}
.finding.high{border-color:#b71c1c}.finding.medium{border-color:#e0a800}.finding.low{border-color:#0097a7}
.why{color:#555;font-size:.9em}.text{background:#fff;padding:1rem 1.2rem;white-space:pre-wrap;border:1px solid #e0e0e0}
.f-high{background:#ffcdd2}.f-medium{background:#fff3c4}.f-low{background:#d9f2f5}
.p-intervention{text-decoration:underline 2px #6a1b9a}.p-effect{text-decoration:underline 2px #b71c1c;font-weight:600}
.p-condition{text-decoration:underline 2px #1565c0}.p-body_part{text-decoration:underline 2px #2e7d32}
.p-intervention.p-effect,.p-effect.p-condition{text-decoration-style:double}
.legend span{display:inline-block;margin:0 .8rem .3rem 0;padding:0 .3rem}
"""


def render(report: Report) -> str:
    band_class = "band-" + report.band.replace(" ", "-")
    if report.band == NOT_ASSESSED:
        verdict = f"not assessed (language {report.language.code})"
    elif report.band == NO_CLAIMS:
        verdict = "no treatment claims: nothing to judge"
    else:
        verdict = f"{report.score}/100 · credibility {report.band}"
    live = [f for f in report.findings if not f.suppressed]
    page_level = sorted((f for f in live if f.scope == "page"), key=lambda f: (-severity_rank(f.severity), f.rule))
    body = [
        f"<h1>{_e(report.page.title or report.source)}</h1><div class='source'>{_e(report.source)}</div>",
        f"<p class='verdict {band_class}' id='verdict'>{_e(verdict)}</p>",
        f"<p>{len(live)} findings · {len(report.claims)} claims ({len(unproven_claims(report.claims))} made for uses not "
        f"established or approved) · {len(report.cautions)} cautions · {report.word_count} words</p>",
        *(f"<p><em>note: {_e(n)}</em></p>" for n in report.notes),
    ]
    if report.breakdown:
        body.append("<h2>How the score adds up</h2><table id='breakdown'><tr><th>item</th><th>points</th></tr>")
        body += [f"<tr><td>{_e(i.label)}</td><td class='num'>{i.points:+.2f}</td></tr>" for i in report.breakdown]
        body.append(f"<tr><th>score</th><th class='num'>{report.score}</th></tr></table>")
    if page_level:
        body.append("<h2>About the whole page</h2><div id='page-findings'>")
        body += [_finding(f) for f in page_level]
        body.append("</div>")
    in_text = sorted((f for f in live if f.scope != "page"), key=lambda f: (f.start, f.rule))
    if in_text:
        body.append("<h2>In the text</h2><div id='text-findings'>")
        body += [_finding(f) for f in in_text]
        body.append("</div>")
    body.append("<h2>The page</h2>" + LEGEND + f"<div class='text' id='page-text'>{_highlighted(report)}</div>")
    if report.cautions:
        body.append("<h2>Cautions credited</h2><ul id='cautions'>")
        body += [f"<li><b>{_e(c.category)}</b>: {_e(' '.join(c.sentence.split()))}</li>" for c in report.cautions]
        body.append("</ul>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>checker: {_e(report.source)}</title><style>{CSS}</style></head><body><main>"
            + "\n".join(body) + "</main></body></html>\n")


LEGEND = ("<div class='legend' id='legend'><span class='p-intervention'>intervention</span>"
          "<span class='p-effect'>effect</span><span class='p-condition'>condition</span>"
          "<span class='p-body_part'>body part</span><span class='f-high'>high finding</span>"
          "<span class='f-medium'>medium finding</span><span class='f-low'>low finding</span></div>")


def _finding(f: Finding) -> str:
    match = f"<div>“{_e(' '.join(f.match.split())[:200])}”</div>" if f.match else ""
    return (f"<div class='finding {f.severity}' data-rule='{_e(f.rule)}'><b>{_e(f.severity.upper())} {_e(f.rule)} "
            f"{_e(f.name)}</b> <span class='num'>{f.explanation.contribution:+.2f} pts</span>{match}"
            f"<div>{_e(f.message)}</div><div class='why'>{_e(' '.join(f.explanation.why.split()))} "
            f"(source: {_e(f.explanation.source)})</div></div>")


def _highlighted(report: Report) -> str:
    """The text with every span marked: claim parts by kind, findings by severity."""
    text = report.page.text[:TEXT_CAP]
    spans: list[tuple[int, int, str, str]] = []  # (start, end, class, title)
    for f in report.findings:
        if not f.suppressed and f.scope != "page" and f.end > f.start:
            spans.append((f.start, f.end, f"f-{f.severity}", f"{f.rule} {f.name}"))
    for c in report.claims:
        for name in CLAIM_PART_NAMES:
            part = c.parts.get(name) if c.parts else None
            if part is not None and part.start is not None and part.end is not None and part.end > part.start:
                spans.append((part.start, part.end, f"p-{name}", f"{name.replace('_', ' ')} of a {c.modality} claim"))
    return "".join(_segments(text, spans))


def _segments(text: str, spans: list[tuple[int, int, str, str]]) -> Iterable[str]:
    cuts = sorted({0, len(text), *(min(max(s, 0), len(text)) for s, e, _, _ in spans),
                   *(min(max(e, 0), len(text)) for s, e, _, _ in spans)})
    by_start = sorted(spans)
    active: list[tuple[int, int, str, str]] = []
    k = 0
    for a, b in zip(cuts, cuts[1:]):
        while k < len(by_start) and by_start[k][0] <= a:
            active.append(by_start[k])
            k += 1
        active = [s for s in active if s[1] > a]
        chunk = _e(text[a:b])
        if active:
            classes = " ".join(sorted({s[2] for s in active}))
            titles = "; ".join(dict.fromkeys(s[3] for s in active))
            yield f"<span class='{classes}' title='{_e(titles)}'>{chunk}</span>"
        else:
            yield chunk


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
