"""Ingest: visible text, blocks, links, source positions and decoding."""

from __future__ import annotations

import codecs

import pytest

from checker.errors import InputError
from checker.ingest import detect_format, load_page, page_from_text
from checker.ingest.decode import decode_bytes


def block_texts(page):
    return [page.text[b.start : b.end] for b in page.blocks]


# --- plain text ---------------------------------------------------------------------------

def test_text_keeps_the_decoded_file_as_page_text():
    text = "Title Line\nFirst para is wrapped\nonto two lines.\n- item one\n\nLast."
    page = page_from_text(text)
    assert page.text == text
    assert block_texts(page) == ["Title Line", "First para is wrapped\nonto two lines.", "- item one", "Last."]
    assert [b.kind for b in page.blocks] == ["heading", "p", "li", "p"]


def test_text_positions_are_line_and_column():
    page = page_from_text("one\ntwo three\n")
    assert page.position(page.text.index("three")) == (2, 5)


# --- HTML -----------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Clinic &amp; Spa</title>
<style>.x{color:red}</style><script>var cure = "cure MS";</script></head>
<body><nav class="menu"><a href="/">Home</a><a href="/book">Book now</a></nav>
<main><h1>Knee help</h1><p>Our <b>PRP</b> shots relieve knee pain.<br>Second line.</p>
<p hidden>hidden cure</p><div style="display: none">also hidden</div>
<p>Read more at <a href="https://clinic.example/prp">knee PRP clinic</a>.</p></main>
<footer>Call 555-010-2233</footer></body></html>"""


def test_html_positions_stay_exact_after_whitespace_collapses():
    """Text nodes that wrap and indent ("\n      ") are read with one space; every word after
    such a run still points at its own line and column in the source."""
    source = ("<html><body>\n  <p>Our clinic\n        says   that\tstem cell therapy\n    is FDA registered and\n"
              "      completely safe.</p>\n</body></html>\n")
    page = page_from_text(source, format="html")
    assert "Our clinic says that stem cell therapy is FDA registered and completely safe." in page.text
    lines = source.split("\n")
    for word in ("says", "that", "stem", "FDA", "registered", "completely"):
        line, column = page.position(page.text.index(word))
        assert lines[line - 1][column - 1 : column - 1 + len(word)] == word, (word, line, column)


def test_html_visible_text_only():
    page = page_from_text(HTML, format="html")
    assert "var cure" not in page.text and "color:red" not in page.text
    assert "hidden" not in page.text
    assert "Our PRP shots relieve knee pain." in page.text
    assert page.title == "Clinic & Spa"


def test_html_blocks_keep_headings_apart_and_mark_chrome():
    page = page_from_text(HTML, format="html")
    blocks = {page.text[b.start : b.end]: b for b in page.blocks}
    assert blocks["Knee help"].kind == "heading"
    assert blocks["Second line."].kind == "p"  # <br> ends a block
    nav = next(b for text, b in blocks.items() if "Book now" in text)
    assert nav.region == "chrome"
    assert blocks["Call 555-010-2233"].region == "chrome"
    assert blocks["Our PRP shots relieve knee pain."].region == "main"


def test_html_links_carry_anchor_text_and_region():
    page = page_from_text(HTML, format="html")
    links = {link.text: link for link in page.links}
    assert links["knee PRP clinic"].href == "https://clinic.example/prp"
    assert links["knee PRP clinic"].region == "main"
    assert page.text[links["knee PRP clinic"].start : links["knee PRP clinic"].end] == "knee PRP clinic"
    assert links["Book now"].region == "chrome"


def test_html_positions_point_into_the_source_even_after_entities():
    src = "<p>A &amp; B &eacute; cures knee pain.</p>"
    page = page_from_text(src, format="html")
    offset = page.text.index("cures")
    line, col = page.position(offset)
    assert src.splitlines()[line - 1][col - 1 :].startswith("cures")


def test_html_broken_markup_does_not_raise():
    page = page_from_text("<div><p>unclosed <b>bold <i>italics</div></span></p><p>next", format="html")
    assert "unclosed bold italics" in page.text and "next" in page.text


def test_html_deep_nesting_is_fine():
    depth = 20_000
    page = page_from_text("<div>" * depth + "deep text" + "</div>" * depth, format="html")
    assert page.text.strip() == "deep text"


# --- Markdown ------------------------------------------------------------------------------

MD = "# Regenerate\n\nOur *stem cells* [cure arthritis](https://x.example) fast.\n\n- item with `code`\n\n```\ncode block cure\n```\n"


def test_markdown_strips_markup_and_keeps_links():
    page = page_from_text(MD, format="markdown")
    assert block_texts(page) == ["Regenerate", "Our stem cells cure arthritis fast.", "item with code"]
    assert [b.kind for b in page.blocks] == ["heading", "p", "li"]
    assert page.links[0].href == "https://x.example" and page.links[0].text == "cure arthritis"
    assert "code block" not in page.text


def test_markdown_positions_point_into_the_source():
    page = page_from_text(MD, format="markdown")
    line, col = page.position(page.text.index("arthritis"))
    assert MD.splitlines()[line - 1][col - 1 :].startswith("arthritis")


# --- decoding and files ---------------------------------------------------------------------

def test_detect_format():
    assert detect_format("a.htm", "") == "html"
    assert detect_format("a.md", "") == "markdown"
    assert detect_format("a.txt", "<html>") == "text"
    assert detect_format("-", "<!DOCTYPE html><p>x") == "html"
    assert detect_format("page", "plain words") == "text"


@pytest.mark.parametrize("encoding,bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                           ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_decode_with_bom(encoding, bom):
    text, enc, notes = decode_bytes(bom + "Stem cells cure MS – naïve".encode(encoding), source="x")
    assert text == "Stem cells cure MS – naïve" and enc == encoding


def test_decode_bomless_utf16_is_detected():
    text, enc, notes = decode_bytes("Stem cells cure knee pain.".encode("utf-16-le"), source="x")
    assert text == "Stem cells cure knee pain." and enc == "utf-16-le" and notes


def test_decode_legacy_encoding_is_detected_and_noted():
    data = "Les cellules souches guérissent l'arthrose du genou. Très efficace, sans caféine.".encode("cp1252")
    text, enc, notes = decode_bytes(data, source="x")
    assert "guérissent" in text and notes and "detected" in notes[0]


def test_binary_is_an_input_error():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 8, source="img.png")


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_page(tmp_path / "nope.html")
    with pytest.raises(InputError, match="is a directory"):
        load_page(tmp_path)


def test_oversized_file_is_refused_with_a_reason(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("word " * 1000)
    with pytest.raises(InputError, match="over the 100-byte limit"):
        load_page(f, max_bytes=100)


def test_empty_file_is_an_empty_page(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    page = load_page(f)
    assert page.text == "" and page.blocks == ()
