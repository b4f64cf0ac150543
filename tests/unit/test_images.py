from pathlib import Path

from PIL import Image

from kiosk.content.images import check_image

CORPUS_IMAGES = Path(__file__).parent / "corpus" / "images"


def test_good_svg_and_jpeg_pass():
    assert check_image(CORPUS_IMAGES / "base.svg") is None
    assert check_image(CORPUS_IMAGES / "photo.jpg") is None


def test_a_cut_short_jpeg_is_reported(tmp_path):
    data = (CORPUS_IMAGES / "photo.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 3])
    assert "damaged" in (check_image(cut) or "")


def test_a_png_with_a_jpg_name_is_still_a_picture(tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "x.jpg", "PNG")
    assert check_image(tmp_path / "x.jpg") is None


def test_a_text_file_named_png_is_reported(tmp_path):
    (tmp_path / "x.png").write_text("not a picture")
    assert "not a picture the kiosk can show" in (check_image(tmp_path / "x.png") or "")


def test_an_svg_entity_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.svg"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>')
    assert "not a valid SVG" in (check_image(bomb) or "")


def test_a_huge_photo_is_refused_without_decoding_it(tmp_path):
    # 60 megapixels of one colour compresses to a small PNG; only the header is read.
    Image.new("L", (10_000, 6_000)).save(tmp_path / "huge.png", optimize=False)
    assert "megapixels" in (check_image(tmp_path / "huge.png") or "")
