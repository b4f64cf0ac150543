"""Content made to break the kiosk, built at test time: each file is refused with its line and
a message staff can act on, `kiosk check` lists them all, and nothing in it is ever copied
into the last good content. (Nothing big is committed: the 50 MB pictures are made here.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk.config import load_settings
from kiosk.content.last_good import load_and_keep
from kiosk.content.loader import load_content

PAGE = """---
title: {title}
image: {image}
image_alt: A drawing of the lower back.
order: {order}
---
{body}
"""
BODY_LINE = 7  # the first line below the '---' block in PAGE
SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def page(folder: Path, name: str, *, body: str = "Some words.", title: str = "A page",
         image: str = "sciatic-nerve-path.svg") -> Path:
    order = name.split("-", 1)[0]
    path = folder / name
    path.write_text(PAGE.format(title=title, image=image, order=order, body=body),
                    encoding="utf-8")
    return path


def big_png(path: Path, megabytes: int) -> None:
    """Noise, stored uncompressed: a real PNG of about ``megabytes`` MB."""
    width = 4096
    height = megabytes * 1024 * 1024 // (width * 3) + 1
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        path, compress_level=0)


def build_hostile(content: Path, outside: Path) -> list[tuple[Path, int, str]]:
    """Add every kind of hostile file to ``content``; return (file, line, words) expected."""
    en, images = content / "en", content / "images"
    outside.mkdir()
    expected: list[tuple[Path, int, str]] = []

    big_png(images / "huge-photo.png", 50)
    expected.append((page(en, "260-huge-picture.md", image="huge-photo.png"), 3,
                     "'huge-photo.png' is over 40 MB; save a smaller copy"))
    rect = '<rect width="1" height="1"/>'
    (images / "huge-drawing.svg").write_text(
        SVG_HEAD + rect * (50 * 1024 * 1024 // len(rect)) + "</svg>", encoding="utf-8")
    expected.append((page(en, "261-huge-drawing.md", image="huge-drawing.svg"), 3,
                     "'huge-drawing.svg' is over 2 MB; simplify it"))
    expected.append((page(en, "262-huge-text.md", body="word " * (2 * 1024 * 1024)), 1,
                     "a section should be one short page (under 64 KB)"))

    expected.append((page(en, "263-deep-list.md", body="- " * 500 + "deep"), BODY_LINE,
                     "lists or quotes are nested 500 levels deep here; use at most 6"))
    expected.append((page(en, "264-deep-quote.md", body=">" * 500 + " deep"), BODY_LINE,
                     "nested 500 levels deep"))
    indented = "\n".join("\t" * level + "- level" for level in range(300))
    expected.append((page(en, "265-deep-indent.md", body=indented), BODY_LINE + 6,
                     "nested 7 levels deep"))

    latin1 = PAGE.format(title="Caf", image="sciatic-nerve-path.svg", order=266,
                         body="Plain words.\nUn café, s'il vous plaît.")
    (en / "266-latin1.md").write_bytes(latin1.encode("latin-1"))
    expected.append((en / "266-latin1.md", BODY_LINE + 1, "not saved as UTF-8"))
    (en / os.fsdecode(b"267-caf\xe9.md")).write_text("x", encoding="utf-8")
    expected.append((en, 1, "the file name '267-caf\ufffd.md' is not UTF-8 text; rename it"))

    (en / "268-loop.md").symlink_to("268-loop.md")
    expected.append((en / "268-loop.md", 1, "a link that goes round in a circle"))
    outside_page = page(outside, "10-elsewhere.md")
    (en / "269-outside.md").symlink_to(outside_page)
    expected.append((en / "269-outside.md", 1, "a link to a file outside the content folder"))
    (outside / "drawing.svg").write_text(SVG_HEAD + rect + "</svg>", encoding="utf-8")
    (images / "linked-out.svg").symlink_to(outside / "drawing.svg")
    expected.append((images / "linked-out.svg", 1, "outside the content folder"))

    expected.append((page(en, "270-script.md", body="Hello.\n<script>alert('x')</script>"),
                     BODY_LINE + 1, "HTML such as '<script' is not allowed here"))
    expected.append((page(en, "271-script-title.md", title="<script>alert(1)</script>"), 2,
                     "'title' contains HTML"))
    (images / "scripted.svg").write_text(
        SVG_HEAD + "<script>alert(1)</script>" + rect + "</svg>", encoding="utf-8")
    expected.append((page(en, "272-script-drawing.md", image="scripted.svg"), 3,
                     "'scripted.svg' contains a script; the kiosk never runs scripts"))
    (images / "file-inside.svg").write_text(
        SVG_HEAD + '<image width="9" height="9" xlink:href="/etc/hostname"/></svg>',
        encoding="utf-8")
    expected.append((page(en, "273-drawing-with-file.md", image="file-inside.svg"), 3,
                     "uses '/etc/hostname', which is outside the drawing"))

    groups = "".join(f'<g id="g{n}"><use xlink:href="#g{n - 1}"/><use xlink:href="#g{n - 1}"/>'
                     "</g>" for n in range(1, 30))
    (images / "use-bomb.svg").write_text(
        SVG_HEAD + f'<defs><g id="g0">{rect}</g>{groups}</defs><use xlink:href="#g29"/></svg>',
        encoding="utf-8")
    expected.append((page(en, "274-use-bomb.md", image="use-bomb.svg"), 3,
                     "more than 2,000 shapes"))
    expected.append((page(en, "275-brackets.md", body="[" * 60_000), BODY_LINE,
                     "square brackets '['; a page may have at most 100"))
    return expected


@pytest.fixture
def hostile(content_dir, tmp_path) -> list[tuple[Path, int, str]]:
    return build_hostile(content_dir, tmp_path / "outside")


def test_every_hostile_file_is_reported_at_its_line(content_dir, hostile):
    result = load_content(content_dir, ("en", "es"), "en")
    assert result.content is None
    problems = [(p.path, p.line, p.message) for p in result.errors]
    for path, line, words in hostile:
        assert any(p == path and n == line and words in m for p, n, m in problems), (
            path.name, line, words, [(p.name, n, m) for p, n, m in problems if p == path])
    # One short, plain line each: no hostile text is quoted at length.
    assert all(len(message) < 300 for _path, _line, message in problems)


def test_kiosk_check_lists_them_as_file_line_message(content_dir, hostile):
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", str(content_dir)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    for path, line, words in hostile:
        assert any(out.startswith(f"{path}:{line}: ") and words in out for out in lines), (
            path, line, words)


def test_links_that_stay_inside_the_folder_are_fine(content_dir):
    (content_dir / "images" / "same-drawing.svg").symlink_to("sciatic-nerve-path.svg")
    page(content_dir / "en", "95-linked-picture.md", image="same-drawing.svg",
         body="See [the nerve](section:the-sciatic-nerve).")
    result = load_content(content_dir, ("en",), "en")
    assert result.ok, [str(p) for p in result.errors]


def test_the_last_good_copy_takes_only_plain_files(content_dir, tmp_path):
    images = content_dir / "images"
    os.mkfifo(images / "a-pipe")  # reading it would never end
    (images / "old-pictures").mkdir()
    (images / "old-pictures" / "big.png").write_bytes(b"not copied")
    settings = load_settings(content_dir=content_dir, data_dir=tmp_path / "data",
                             environ={})
    result, settled = load_and_keep(settings)
    assert result.ok, [str(p) for p in result.errors]
    assert settled
    copied = settings.last_good_content_dir / "images"
    assert not (copied / "a-pipe").exists()
    assert not (copied / "old-pictures").exists()
    assert (copied / "sciatic-nerve-path.svg").is_file()


def test_hostile_content_is_never_copied_as_last_good(content_dir, tmp_path, hostile):
    settings = load_settings(content_dir=content_dir, data_dir=tmp_path / "data",
                             environ={})
    result, _settled = load_and_keep(settings)
    assert not result.ok
    assert not settings.last_good_content_dir.exists()


@pytest.mark.parametrize("body", [
    "[x](" * 15_000,                 # links that never close
    "a." * 30_000,                   # a dot after every letter and no '@'
    "[" * 5_000 + " " + "a-" * 20_000,
])
def test_a_pathological_line_is_checked_in_one_pass(content_dir, body):
    # Each line took the check patterns minutes (quadratic backtracking); now it is refused
    # for its length like any other over-long paragraph.
    path = page(content_dir / "en", "96-odd.md", body=body)
    result = load_content(content_dir, ("en",), "en")
    assert any(p.path == path and p.line == BODY_LINE and "this paragraph is" in p.message
               for p in result.errors)


def test_a_tag_opened_far_away_in_a_title_is_found(content_dir):
    path = page(content_dir / "en", "97-odd-title.md", title="<" + " " * 60_000 + "b")
    result = load_content(content_dir, ("en",), "en")
    assert any(p.path == path and p.line == 2 and "'title' contains HTML" in p.message
               for p in result.errors)
