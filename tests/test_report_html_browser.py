"""report.html in a real browser (Debian's /usr/bin/chromium driven by playwright; never a
browser download): no network, the table sorts and filters, the page view highlights findings.
Skips cleanly where chromium or playwright is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.audit import audit, read_tables
from checker.audit.synth import write_pages

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no /usr/bin/chromium on this machine")


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    write_pages(root, 14, seed=5, per_folder=7)
    (root / "notes.txt").write_text("A plain note about clinic opening hours, with no claims at all.\n")
    (root / "blob.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(128, 256)) * 8)
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:  # page details in several compressed blocks, as at thousands of pages
        mp.setattr("checker.audit.html.DETAIL_BLOCK", 5)
        audit([root], out=out, jobs=1, report_pages=3)
    return out, read_tables(out)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        except Exception as exc:  # noqa: BLE001  chromium is installed but will not start: that is a failure, not a skip
            pytest.fail(f"chromium is installed at {CHROMIUM} but does not start: {exc}")
        yield b
        b.close()


@pytest.fixture
def page(browser, audited):
    out, _ = audited
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto((out / "report.html").as_uri())
    tab.wait_for_selector("#pages-table tbody tr")
    yield tab
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []  # self-contained: nothing fetched
    context.close()


def _rows_are(page, count: int) -> None:
    """Wait until the table shows `count` rows (polled by playwright, no eval: the report's CSP forbids it)."""
    from playwright.sync_api import expect

    expect(page.locator("#pages-table tbody tr")).to_have_count(count)


def _column(page, label: str) -> list[str]:
    headers = page.locator("#pages-table thead th").all_inner_texts()
    index = [h.strip(" ▲▼") for h in headers].index(label)
    return page.locator(f"#pages-table tbody tr td:nth-child({index + 1})").all_inner_texts()


def test_table_lists_every_page(page, audited):
    _, tables = audited
    assert page.locator("#pages-table tbody tr").count() == len(tables["pages"])
    assert "16 matching pages" in page.inner_text("#count")


def test_table_sorts_when_a_header_is_clicked(page, audited):
    _, tables = audited
    page.click("#pages-table thead th:has-text('score')")
    scores = [int(s) for s in _column(page, "score") if s]
    pages = tables["pages"]
    scored = int(((pages.status == "ok") & (pages.band != "no-claims")).sum())  # a page with no claims has no score
    assert scores == sorted(scores) and len(scores) == scored
    assert _column(page, "score")[-1] == ""  # pages without a score go last
    page.click("#pages-table thead th:has-text('score')")
    scores_desc = [int(s) for s in _column(page, "score") if s]
    assert scores_desc == sorted(scores, reverse=True)
    assert page.get_attribute("#pages-table thead th:has-text('score')", "aria-sort") == "descending"
    page.click("#pages-table thead th:has-text('words')")
    words = [int(w.replace(",", "")) for w in _column(page, "words") if w]
    assert words == sorted(words)


def test_table_filters_when_typing_and_selecting(page, audited):
    _, tables = audited
    page.fill("#filter", "page-000003")
    _rows_are(page, 1)
    assert "page-000003" in page.inner_text("#pages-table tbody tr")
    page.fill("#filter", "score:0-49")
    low = int((tables["pages"].score < 50).sum())
    _rows_are(page, low)
    assert all(int(s) < 50 for s in _column(page, "score"))
    page.fill("#filter", "")
    page.select_option("#status-filter", "error")
    _rows_are(page, 1)
    assert "binary file" in page.inner_text("#pages-table tbody tr")


def _record(out: Path, path: str) -> dict:
    from checker.audit.journal import read_record, scan

    entry = scan(out / "journal.jsonl").entries[path]
    with open(out / "journal.jsonl", "rb") as fh:
        return read_record(fh, entry)


def test_page_view_highlights_findings_in_place(page, audited, tmp_path):
    out, tables = audited
    ok = tables["pages"][tables["pages"].status == "ok"].sort_values(["score", "path"])
    path = ok.path.iloc[0]  # the lowest score: its full text is embedded
    record = _record(out, path)
    page.fill("#filter", Path(path).name)
    _rows_are(page, 1)
    page.click("#pages-table tbody tr")
    page.wait_for_selector("#page-view:not([hidden])")
    assert page.inner_text("#pv-path") == path
    assert page.locator("#pv-text").text_content() == record["text"]  # the whole page text, in order
    assert page.locator("#pv-findings > li").count() == len(record["findings"])
    marks = page.locator("#pv-text mark")
    covered: dict[int, list[str]] = {}
    for k in range(marks.count()):
        mark = marks.nth(k)
        ids = [int(i) for i in mark.get_attribute("data-f").split()]
        for i in ids:
            covered.setdefault(i, []).append(mark.text_content())
        if len(ids) == 1:
            assert f"sev-{record['findings'][ids[0]]['severity']}" in mark.get_attribute("class")
    spans = [i for i, f in enumerate(record["findings"]) if f["end"] > f["start"]]
    assert spans
    for i in spans:  # each finding is highlighted exactly over its own characters
        f = record["findings"][i]
        assert "".join(covered[i]) == record["text"][f["start"]:f["end"]]
    effects = [c["text"] for c in record["claims"]]  # claim parts are underlined in place too
    underlined = page.locator("#pv-text .pt-effect").all_text_contents()
    parts = {(n, a, b) for c in record["claims"] for n, a, b in c["parts"] if n == "effect"}
    assert effects and parts and "".join(underlined) == "".join(record["text"][a:b] for _, a, b in sorted(parts, key=lambda p: p[1]))
    assert page.locator("#pv-legend .pt-effect").count() == 1
    first = spans[0]
    item = page.locator(f"#f-{first}")
    assert record["findings"][first]["rule"] in item.inner_text() and "Why:" in item.inner_text()
    item.click()
    page.wait_for_selector("#pv-text mark.flash", timeout=3000)
    page.screenshot(path=str(tmp_path / "page-view.png"))


def test_pages_from_every_block_open_and_open_again(page, audited):
    """Details are decompressed per block on first use; a page opened twice shows the same."""
    out, tables = audited
    ok = sorted(tables["pages"][tables["pages"].status == "ok"].path)
    order = sorted(tables["pages"].path)  # the report's rows are in path order: row n is in block n // 5
    assert len({order.index(p) // 5 for p in ok}) >= 3
    for path in [*ok, ok[0]]:
        page.goto(page.url.split("#")[0] + f"#page-{order.index(path)}")
        expect_path(page, path)
        record = _record(out, path)
        assert page.locator("#pv-findings > li[id^='f-']").count() == len(record["findings"])
        assert page.locator("#pv-text").text_content()
    assert sum(len(_record(out, p)["findings"]) for p in ok) > 0


def expect_path(page, path: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#pv-path")).to_have_text(path)
    page.wait_for_selector("#page-view:not([hidden])")


def test_excerpt_pages_still_show_their_findings(page, audited):
    _, tables = audited
    pages = tables["pages"][(tables["pages"].status == "ok") & (tables["pages"].findings > 0)].sort_values(["score", "path"])
    path = pages.path.iloc[-1]  # beyond --report-pages 3: excerpts only
    page.fill("#filter", Path(path).name)
    _rows_are(page, 1)
    page.keyboard.press("Tab")
    page.click("#pages-table tbody tr")
    page.wait_for_selector("#page-view:not([hidden])")
    assert "Excerpts around the most severe findings" in page.inner_text("#pv-note")
    assert page.locator("#pv-text mark").count() >= 1
    assert page.locator("#pv-findings > li").count() == int((tables["findings"].path == path).sum())
    assert page.locator("#pv-claims-box").is_hidden()


def test_single_page_report_in_the_browser(browser, tmp_path):
    """`scan --format html`: the claim parts and findings are highlighted in place, the score
    breakdown and the page-level findings are shown apart, and nothing is fetched."""
    from checker.analyze import default_analyzer
    from checker.report.html import render

    text = ("Our stem cell injections cure arthritis and reverse multiple sclerosis. "
            "The treatment is completely safe with no side effects. Book your consultation today!\n")
    report = default_analyzer().check_text(text)
    out = tmp_path / "page.html"
    out.write_text(render(report), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(out.as_uri())
    assert tab.locator("#breakdown tr").count() == len(report.breakdown) + 2
    assert tab.locator("#page-findings .finding").count() == sum(f.scope == "page" for f in report.findings)
    effects = tab.locator("#page-text .p-effect").all_inner_texts()
    assert "cure" in " ".join(effects) and tab.locator("#page-text .f-medium, #page-text .f-high").count() >= 1
    assert tab.locator("#legend span").count() == 7
    assert [u for u in requests if not u.startswith("file:")] == []
    context.close()
