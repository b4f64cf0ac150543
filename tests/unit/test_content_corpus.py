"""Every broken file in tests/unit/corpus is reported with its file, its line and a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.content import Severity, load_content

CORPUS = Path(__file__).parent / "corpus"

# file name -> (line, words the message must contain)
EXPECTED = {
    "21-no-front-matter.md": (1, "must start with a line '---'"),
    "22-unclosed-front-matter.md": (1, "never closed"),
    "23-unknown-key.md": (2, "unknown key 'titel' (did you mean 'title'?)"),
    "24-missing-image.md": (3, "'nope.svg' is not in the images folder"),
    "25-undecodable-image.md": (3, "'broken.png' is damaged"),
    "26-empty-body.md": (6, "no text below"),
    "27-duplicate-order.md": (5, "order 10 is also used by 10-base.md"),
    "28-http-link.md": (8, "'https://example.com/sciatica' would leave the kiosk"),
    "29-file-link.md": (6, "'file:///etc/passwd' would leave the kiosk"),
    "30-mailto-link.md": (9, "'mailto:front@example.com' would leave the kiosk"),
    "31-javascript-link.md": (6, "'javascript:alert(1' would leave the kiosk"),
    "32-script-tag.md": (8, "'<script' is not allowed"),
    "33-iframe.md": (7, "'<iframe' is not allowed"),
    "34-not-utf8.md": (7, "not saved as UTF-8"),
    "35-unknown-section-link.md": (6, "'section:nowhere' points to a page that does not exist"),
    "36-image-path-escape.md": (3, "must be just a file name"),
    "37-body-image.md": (8, "pictures inside the text"),
    "38-order-not-number.md": (5, "'order' must be a whole number, not 'ten'"),
    "39-wrong-image-type.md": (3, "'notes.txt' is not SVG, PNG or JPEG"),
    "40-bare-url.md": (6, "web addresses (www.example.com)"),
    "41-fake-svg.md": (3, "'fake.svg' is not a valid SVG"),
    "42-autolink.md": (6, "'https://example.com' would leave the kiosk"),
    "43-missing-alt.md": (4, "'image_alt:' is missing"),
    "44-html-in-title.md": (2, "'title' contains HTML"),
    "45-bad-review-date.md": (6, "'reviewed_on' must be a date written year-month-day"),
    "46-source-without-address.md": (5, "a source is its title, then its web address"),
    "47-unknown-placeholder.md": (8, "'{emergency phone}' is not something the kiosk can fill"),
    "Bad_Name.md": (1, "file names must look like"),
}


def test_the_corpus_lists_every_broken_file():
    files = {p.name for p in (CORPUS / "en").iterdir()} - {"10-base.md"}
    assert files == set(EXPECTED)


@pytest.fixture(scope="module")
def corpus_result():
    return load_content(CORPUS, ("en",), "en")


def test_broken_content_is_refused_whole(corpus_result):
    assert corpus_result.content is None
    assert not corpus_result.ok


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_each_broken_file_is_reported_at_its_line(corpus_result, name, expected):
    line, words = expected
    found = [p for p in corpus_result.problems if p.path.name == name]
    assert found, f"{name} was not reported"
    shown = [str(p) for p in found]
    assert any(p.line == line and words in p.message for p in found), shown
    assert all(s.startswith(f"{CORPUS / 'en' / name}:") for s in shown)


def test_the_good_file_beside_them_has_no_problem_but_its_missing_review(corpus_result):
    found = [p for p in corpus_result.problems if p.path.name == "10-base.md"]
    assert [(p.severity, p.line) for p in found] == [(Severity.WARNING, 1)]
    assert found[0].message.startswith("not reviewed yet")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_one_broken_file_alone_fails_the_whole_load(tmp_path, name):
    (tmp_path / "en").mkdir()
    shutil.copytree(CORPUS / "images", tmp_path / "images")
    shutil.copy(CORPUS / "en" / "10-base.md", tmp_path / "en")
    assert load_content(tmp_path, ("en",), "en").ok
    shutil.copy(CORPUS / "en" / name, tmp_path / "en")
    result = load_content(tmp_path, ("en",), "en")
    assert result.content is None
    assert {p.path.name for p in result.errors} == {name}
