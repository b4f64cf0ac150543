"""Pictures in disguise and text nobody can see: a GIF or TIFF named .png is refused by its
real format, whatever its size, and a title or alt text of only invisible characters is
refused at its line."""

from __future__ import annotations

import pytest
from PIL import Image

from kiosk.content import frontmatter
from kiosk.content.images import check_image


@pytest.mark.parametrize("real_format", ["GIF", "TIFF", "BMP", "WEBP"])
def test_a_picture_of_another_format_named_png_is_refused(tmp_path, real_format):
    disguised = tmp_path / "spine.png"
    Image.new("L", (20, 20)).save(disguised, real_format)
    problem = check_image(disguised) or ""
    assert f"is really a {real_format} file" in problem


def test_a_49_megapixel_gif_named_png_is_refused(tmp_path):
    # One colour, so the file is small; the kiosk's 16-megapixel PNG limit used to be
    # checked only when Pillow said PNG.
    disguised = tmp_path / "huge.png"
    Image.new("P", (7000, 7000)).save(disguised, "GIF")
    assert "is really a GIF file" in (check_image(disguised) or "")


def test_a_png_named_jpg_is_still_held_to_the_png_limit(tmp_path):
    disguised = tmp_path / "photo.jpg"
    Image.new("1", (5000, 4000)).save(disguised, "PNG")
    assert "keep PNG pictures under 16 megapixels" in (check_image(disguised) or "")


def test_a_real_png_and_jpeg_still_pass(tmp_path):
    Image.new("RGB", (40, 30)).save(tmp_path / "a.png", "PNG")
    Image.new("RGB", (40, 30)).save(tmp_path / "b.jpg", "JPEG")
    assert check_image(tmp_path / "a.png") is None
    assert check_image(tmp_path / "b.jpg") is None


INVISIBLE = {
    "right-to-left overrides": "\u202e\u202e\u202e",
    "zero-width characters": "\u200b\u200c\u200d\ufeff",
    "line separators": "\u2028\u2029",
    "a control character": "Sciatica\x07",
    "spaces between zero-width ones": "\u200b \u200b",
    # Not control or format characters, yet they draw nothing (review of issue 13 item 12):
    "braille blanks": "\u2800\u2800\u2800",
    "a Hangul filler (a 'letter')": "\u3164",
    "halfwidth Hangul fillers": "\uffa0\uffa0",
    "a combining grapheme joiner": "\u034f",
    "a variation selector": "\ufe0f",
    "a private-use character": "\ue000",
    "an unassigned code point": "\u0378",
    "a combining mark alone": "\u0301\u0301",
    "punctuation only": "?!",
}


def _page(key: str, value: str) -> str:
    values = {"title": "What is sciatica?", "image": "a.svg", "image_alt": "A drawing."}
    values[key] = value
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in values.items()) + "---\nBody.\n"


@pytest.mark.parametrize("key", ["title", "image_alt"])
@pytest.mark.parametrize("value", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_invisible_text_is_refused_at_its_line(key, value):
    parsed = frontmatter.parse(_page(key, value))
    line = {"title": 2, "image_alt": 4}[key]
    assert [(n, m) for n, m in parsed.errors if n == line and f"'{key}'" in m], parsed.errors


@pytest.mark.parametrize("value", ["Ciática: ¿qué es?", "Cia\u0301tica", "عرق النسا",
                                   "👩‍⚕️ Ask us", "坐骨神经痛", "L5\u2013S1"])
def test_real_words_with_joiners_or_other_scripts_pass(value):
    assert frontmatter.parse(_page("title", value)).errors == []


@pytest.mark.parametrize("key", ["source", "reviewed_by"])
def test_other_values_of_only_invisible_characters_are_refused(key):
    parsed = frontmatter.parse(_page("title", "Sciatica").replace(
        "---\nBody", f"{key}: \u2800\u3164\n---\nBody"))
    assert [m for _n, m in parsed.errors if f"'{key}' has no visible letters" in m]
