"""Markdown written the way CommonMark editors teach comes out as staff meant it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content import frontmatter, load_content
from kiosk.content.commonmark_yardstick import commonmark_outline, kiosk_outline
from kiosk.content.loader import LoadResult
from kiosk.content.markdown_body import (
    converter_before_habits,
    converter_with_habits,
    render_html,
)
from kiosk.content.model import Problem

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "content").glob("*/*.md"))
CORPUS = Path(__file__).parent / "corpus"


def test_a_list_right_under_a_line_of_text_is_a_list():
    html = render_html("Things that help:\n- walking\n- heat\n")
    assert html == "<p>Things that help:</p>\n<ul>\n<li>walking</li>\n<li>heat</li>\n</ul>"


def test_a_numbered_list_right_under_text_starts_only_at_one():
    assert "<ol>" in render_html("Three steps:\n1. sit\n2. stand\n")
    # A sentence that happens to break before a number stays a sentence (CommonMark).
    assert render_html("We opened in\n2024. Come and see.\n") == \
        "<p>We opened in\n2024. Come and see.</p>"


def test_numbers_with_a_bracket_make_a_numbered_list():
    assert render_html("1) sit\n2) stand\n") == \
        "<ol>\n<li>sit</li>\n<li>stand</li>\n</ol>"
    assert '<ol start="3">' in render_html("3) rest\n4) walk\n")


def test_two_spaces_put_a_list_inside_the_item_above():
    html = render_html("- stretches\n  - knee to chest\n  - cat and cow\n- walking\n")
    assert html == ("<ul>\n<li>stretches<ul>\n<li>knee to chest</li>\n<li>cat and cow</li>\n"
                    "</ul>\n</li>\n<li>walking</li>\n</ul>")


def test_under_a_numbered_item_the_inner_list_lines_up_with_its_text():
    # '1. ' is three characters wide: three spaces nest, two start a new list below.
    assert "<li>one<ul>" in render_html("1. one\n   - inner\n")
    assert "<li>one</li>\n</ol>\n<ul>" in render_html("1. one\n  - inner\n")


def test_a_new_mark_starts_a_new_list():
    assert render_html("- a\n+ b\n").count("<ul>") == 2
    assert render_html("1. a\n2) b\n").count("<ol") == 2


def test_a_backslash_or_two_spaces_at_the_end_of_a_line_break_it():
    assert render_html("Monday\\\nTuesday\n") == "<p>Monday<br>\nTuesday</p>"
    assert render_html("Monday  \nTuesday\n") == "<p>Monday<br>\nTuesday</p>"
    assert render_html("costs \\$40\n") == "<p>costs $40</p>"


def test_headings_need_a_space_after_the_hash():
    assert render_html("#hashtag\n") == "<p>#hashtag</p>"
    assert render_html("  ## Two spaces in\n") == "<h2>Two spaces in</h2>"
    assert render_html("# C# #\n") == "<h1>C#</h1>"


def test_a_line_across_under_a_quote_or_list_stays_a_line():
    assert render_html("> Breathe.\n---\n") == \
        "<blockquote>\n<p>Breathe.</p>\n</blockquote>\n<hr>"
    assert render_html("- walk\n---\n") == "<ul>\n<li>walk</li>\n</ul>\n<hr>"


def test_lines_of_text_over_dashes_make_one_heading():
    assert render_html("What to\nbring\n---\n") == "<h2>What to\nbring</h2>"


def test_an_empty_line_inside_an_item_keeps_the_text_in_it():
    html = render_html("- Heat:\n\n  twenty minutes at a time.\n- Walking\n")
    assert html.count("<li>") == 2
    assert "<p>twenty minutes at a time.</p>\n</li>" in html


@pytest.mark.parametrize("page", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_page_renders_exactly_as_before(page):
    body = frontmatter.parse(page.read_text(encoding="utf-8")).body
    assert converter_with_habits().convert(body) == converter_before_habits().convert(body)


def test_the_shipped_pages_are_all_compared():
    assert len(SHIPPED) >= 20


def _page(folder: Path, name: str, body: str) -> Path:
    path = folder / "en" / name
    path.write_text(f"---\ntitle: A page\nimage: base.svg\nimage_alt: A drawing\n---\n{body}",
                    encoding="utf-8")
    return path


def _markdown_problems(result: LoadResult) -> list[Problem]:
    """What check says about the Markdown; every test page also says "not reviewed yet"."""
    return [p for p in result.problems if not p.message.startswith("not reviewed yet")]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    (tmp_path / "en").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "base.svg").write_bytes((CORPUS / "images" / "base.svg").read_bytes())
    return tmp_path


def test_check_says_where_the_kiosk_differs_and_how_to_fix_it(content):
    # CommonMark shows this as text (no spaces in a link's target); python-markdown made it
    # a link to a page that does not exist, and the link check never saw it.
    path = _page(content, "10-link.md",
                 "Intro.\n\nSee [deep tissue](section:deep tissue massage) for more.\n")
    result = load_content(content, ("en",), "en")
    assert result.ok  # a warning: the page still shows
    assert [str(p) for p in _markdown_problems(result)] == [
        f"{path}:8: warning: the kiosk reads the square brackets here differently from other "
        "editors; write a link as [words](section:page-name) with no brackets inside the "
        "words and no spaces in the target, or put a backslash '\\' before a bracket that "
        "is not a link"]


def test_check_is_quiet_when_the_kiosk_agrees(content):
    _page(content, "10-list.md", "Things that help:\n- walking\n- heat\n\n1) sit\n2) stand\n")
    assert _markdown_problems(load_content(content, ("en",), "en")) == []


def test_without_the_yardstick_check_says_nothing(content):
    _page(content, "10-link.md", "See [deep tissue](section:deep tissue massage).\n")
    assert _markdown_problems(load_content(content, ("en",), "en", yardstick=False)) == []


def test_text_under_a_quote_after_an_empty_quote_line_is_outside_it():
    assert render_html("> Breathe in.\n>\nBreathe out.\n") == \
        "<blockquote>\n<p>Breathe in.</p>\n</blockquote>\n<p>Breathe out.</p>"
    # A line without '>' that carries on the quote's sentence stays in it (both agree).
    assert render_html("> Breathe in\nslowly.\n") == \
        "<blockquote>\n<p>Breathe in\nslowly.</p>\n</blockquote>"


def test_an_empty_line_between_quotes_makes_two_quotes():
    assert render_html("> in\n\n> out\n").count("<blockquote>") == 2
    assert render_html("> in\n>\n> out\n").count("<blockquote>") == 1


@pytest.mark.parametrize("body", [
    "**Warning:** text", "**bold**text", "snake_case_word", "2*3*4 = 24", "* not slanted *",
    "***both***", "*Ice*, then *heat*", "**20%** off", "un*frigging*believable",
    "**bold\nacross lines**", "__init__", "a * b * c",
])
def test_emphasis_as_staff_type_it_matches_commonmark(body):
    want = [[m.kind for m in block] for block in commonmark_outline(body)]
    assert [[m.kind for m in block] for block in kiosk_outline(render_html(body))] == want


def test_the_shipped_pages_get_no_commonmark_warning():
    # The yardstick must compare the body that was rendered (with anything filled in first),
    # or every page would get a warning.
    shipped = ROOT / "resources" / "content"
    with_yardstick = load_content(shipped, ("en", "es"), "en").problems
    without = load_content(shipped, ("en", "es"), "en", yardstick=False).problems
    assert [str(p) for p in with_yardstick if p not in without] == []
