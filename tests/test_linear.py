"""Every ingest stage is linear in the size of its input (issue 15, "Hardening").

Each shape below was once quadratic or worse. A test builds the input at sizes n and 10n and
checks that the larger costs at most about 10x (the bound, 25x, leaves room for noise; a quadratic
stage costs 100x), then runs the original reproduction at a modest size under a fixed time."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

from checker.analyze import Analyzer
from checker.ingest import page_from_text
from checker.ingest.html import read_html
from checker.ingest.markdown import _drop_comments
from checker.ingest.normalize import normalize

MAX_RATIO = 25  # linear costs about 10x, quadratic 100x
MIN_SECONDS = 0.02  # below this, timer and cache noise decide the ratio; every old case took seconds here


@pytest.fixture(scope="module")
def key_terms() -> frozenset[str]:
    return Analyzer(use_models=False).key_terms


def _seconds(run: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    run(text)
    return time.perf_counter() - start


def assert_linear(run: Callable[[str], object], make: Callable[[int], str], n: int) -> None:
    """run(make(10n)) costs at most MAX_RATIO times run(make(n)): best of three for the small one,
    and the pair measured again once if a busy machine made the first pair miss."""
    small_text, large_text = make(n), make(10 * n)
    small, large = float("inf"), float("inf")
    # The cyclic garbage collector is paused while timing: its full passes cost the size of the
    # whole test session's heap, not of the input, and would land in the larger run only.
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):  # a busy machine can spoil a pair: the best of up to three
            small = min(small, *(_seconds(run, small_text) for _ in range(3)))
            large = min(large, _seconds(run, large_text))
            if large <= MAX_RATIO * max(small, MIN_SECONDS):
                return
    finally:
        gc.enable()
    raise AssertionError(f"n={n}: {small:.4f} s, 10n: {large:.4f} s")


def html(text: str) -> object:
    return page_from_text(text, format="html")


def markdown(text: str) -> object:
    return page_from_text(text, format="markdown")


# -- normalize: the leet-word pattern backtracked from every start in a long run ----------------

def test_normalize_is_linear_on_a_punctuation_run(key_terms):
    assert_linear(lambda t: normalize(t, key_terms), lambda n: "Stem cells cure MS. Café. " + "!" * n, 40_000)
    assert _seconds(lambda t: normalize(t, key_terms), "Stem cells cure MS. Café. " + "!" * 40_000) < 0.5  # was 71 s


def test_normalize_is_linear_on_a_long_word_before_an_underscore(key_terms):
    assert_linear(lambda t: normalize(t, key_terms), lambda n: "Café " + "a" * n + "_", 20_000)
    assert _seconds(lambda t: normalize(t, key_terms), "Café " + "a" * 20_000 + "_") < 0.5  # was 37 s


@pytest.mark.parametrize("unit", ["cu\u200bre ", "сure you ", "c u r e x1 ", "$tem c3lls ", "m1racle! "])
def test_normalize_is_linear_on_many_disguises(key_terms, unit):
    assert_linear(lambda t: normalize(t, key_terms), lambda n: "Café. " + unit * n, 1_000)


def test_leet_words_next_to_punctuation_are_still_read(key_terms):
    """The linear reading gives the former pattern's matches, edge cases included."""
    keys = frozenset({"cure", "stem"})
    assert normalize("we cur3 it", keys).text == "we cure it"
    assert normalize("é cur3!_ x", keys).text == "é cure!_ x"  # the word ends before "!" when "_" follows
    assert normalize("é_!cur3 x", keys).text == "é_!cure x"  # and starts after "!" when a word character precedes
    assert normalize("$t3m", keys).text == "stem"
    assert normalize("Cur3! " + "!" * 5_000, keys).evasions == ()  # "cur3!" is one word, not a key term


# -- HTML ---------------------------------------------------------------------------------------

def test_html_is_linear_on_unclosed_block_tags():
    assert_linear(html, lambda n: "<p>x " * n, 2_000)
    assert _seconds(html, "<p>x " * 20_000) < 1.5  # was 11 s


def test_html_is_linear_on_unclosed_block_tags_around_zero_width_characters():
    assert_linear(html, lambda n: "<p>\u200b" * n, 2_000)
    assert _seconds(html, "<p>\u200b" * 20_000) < 1.5  # 80 KB, was 72 s through the whole check


def test_a_new_block_takes_the_innermost_kind():
    page = html("<ul><li><p>one<div>two</div></li></ul><blockquote><p>three</blockquote><p>four")
    assert [(page.text[b.start : b.end], b.kind) for b in page.blocks] == [
        ("one", "li"), ("two", "li"), ("three", "quote"), ("four", "p")]


@pytest.mark.parametrize("unit", ["<!--", "<a ", "<?", "</a ", "<!x", '<a x="', "<a/", "<![CDATA[ ] "])
def test_html_never_searches_an_unclosed_tail_twice(unit):
    """Markup after the last '>' cannot close; HTMLParser searched the rest of the input again
    from each '<' in it (100 KB of "<a " took 200 s, of "<!--" 11 s)."""
    assert _seconds(html, "<p>Stem cells cure MS.</p>" + unit * (1_000_000 // len(unit))) < 1.0


@pytest.mark.parametrize("unit", ["<!-- >", "<a x=y>", "<![CDATA[ ] >", '<a x=">\n'])
def test_html_is_linear_on_repeated_unterminated_markup_before_a_closing_angle(unit):
    assert_linear(html, lambda n: unit * n + ">", 2_000)


def test_an_unclosed_comment_hides_the_rest_of_the_page_in_linear_time():
    """As in browsers: an unclosed comment runs to the end of the input (before, its text showed
    up to the next '>', and multi-megabyte inputs stalled)."""
    source = "<p>Stem cells cure MS.</p>\n<p>Safe <!-- hidden <b>note</b>\n<p>Hidden text.</p>"
    page = html(source)
    assert page.text == "Stem cells cure MS.\n\nSafe"
    assert [page.text[b.start : b.end] for b in page.blocks] == ["Stem cells cure MS.", "Safe"]
    safe = page.text.index("Safe")
    assert source[page.offset_map.to_source(safe) :].startswith("Safe <!--")
    assert_linear(html, lambda n: "<p>hi</p><!--" + "x <br " * n, 40_000)
    assert _seconds(html, "<p>hi</p><!--" + "x <br " * 400_000) < 1.0  # 2.4 MB


def test_closed_comments_and_the_text_after_them_are_unchanged():
    source = "<p>a<!-- one --> b</p><!-- two -- >\n<p>c &amp; d</p><!--three-->"
    page = html(source)
    assert page.text == "a b\n\nc & d"
    c = page.text.index("c")
    assert source[page.offset_map.to_source(c) :].startswith("c &amp; d")


def test_an_unclosed_tag_at_the_end_is_dropped():
    assert read_html("<p>Stem cells cure MS.</p><p>Then <a href='x", source="t").text == "Stem cells cure MS.\n\nThen"


# -- Markdown -----------------------------------------------------------------------------------

def test_markdown_is_linear_on_unclosed_comments():
    assert_linear(markdown, lambda n: "<!-- x\n" * n, 1_140)
    assert _seconds(markdown, "<!-- x\n" * 11_400) < 1.0  # 80 KB, was 32 s


def test_markdown_comments_are_dropped_as_before():
    assert _drop_comments("a<!-- b -->c<!---->d<!-->e-->f") == "a c d f"
    assert _drop_comments("a <!-- b\nc") == "a "  # an unclosed comment hides the rest of its block
    assert _drop_comments("<!-- x\n" * 3) == ""
    page = markdown("# Title\n\n<div>\nCure <!-- note --> MS\n</div>\n\nText.\n")
    assert page.text == "Title\n\nCure MS \n\nText."  # as before: each tag becomes a space


# -- CI suppressions read the source's comments with the same parsers ---------------------------

@pytest.mark.parametrize("fmt,unit", [("html", "<a "), ("html", "<!-- x "), ("markdown", "<!-- x\n"), ("markdown", "<div><!-- a --> ")])
def test_suppression_comments_are_read_in_linear_time(fmt, unit):
    from checker.suppress import parse_directives

    def directives(source: str) -> object:
        return parse_directives(page_from_text(source, format=fmt))

    head = "<!-- checker-disable UNR001 -->\n\n"
    assert_linear(directives, lambda n: head + unit * n, 1_000)
    assert [d.text for d in directives(head + unit * 1_000)] == ["checker-disable UNR001"]


# -- analysis stages the fuzzer's time bound found ----------------------------------------------

def test_nested_qualifier_triggers_are_dropped_in_near_linear_time():
    from checker.nlp.components import _longest_first

    def triggers(n: int) -> list[tuple[int, int, int]]:  # a long trigger every 3 tokens, a short one inside it
        return [m for i in range(0, 3 * n, 3) for m in ((1, i, i + 2), (2, i + 1, i + 2))]

    assert_linear(lambda t: _longest_first(t), triggers, 5_000)  # type: ignore[arg-type]
    assert _longest_first([(1, 0, 2), (2, 1, 2), (3, 1, 3), (4, 0, 2)]) == [(1, 0, 2), (3, 1, 3)]
