"""The desk's form fields <-> a section file, and the draft folder's page rules."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.content.draft_folder import DraftFolder
from kiosk.content.last_good import load_live
from kiosk.content.section_draft import locate, read_draft

PAGE = "en/10-the-sciatic-nerve.md"


def test_a_shipped_page_reads_into_the_form_and_writes_back_the_same(content_dir: Path):
    for path in sorted(content_dir.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        draft = read_draft(text)
        # Only the review comment's wording may differ: every key, value and body line stays.
        written = [line for line in draft.text().splitlines() if not line.startswith("#")]
        assert written == [line for line in text.splitlines() if not line.startswith("#")]


def test_each_file_line_maps_to_its_field_or_body_line(content_dir: Path):
    draft = read_draft((content_dir / PAGE).read_text(encoding="utf-8"))
    text = draft.text()
    lines = text.splitlines()
    assert lines[1].startswith("title: ")
    assert locate(text, 2) == ("title", 1)
    body_start = lines.index("---", 1) + 2
    assert lines[body_start - 1] == draft.body.splitlines()[0]
    assert locate(text, body_start + 2) == ("body", 3)
    first_source = next(n for n, line in enumerate(lines, 1) if line.startswith("source:"))
    assert locate(text, first_source + 1) == ("sources", 2)


def test_new_page_swap_and_translation_state(content_dir: Path, make_settings):
    folder = DraftFolder(content_dir, ("en", "es"), "en")
    first, second = folder.pages("en")[:2]
    spanish = folder.partner(first, "es")
    assert spanish is not None
    os.utime(spanish, ns=(1, 1))
    assert folder.translation_state(first) == "Spanish: older than English"
    assert folder.swap(first, 1, "en")
    assert folder.pages("en")[:2] == [second, first]
    assert folder.pages("es")[1] == spanish
    assert not folder.swap(folder.pages("en")[-1], 1, "en")
    new = folder.new_page("en")
    assert folder.pages("en")[-1] == new
    assert folder.translation_state(new) == "Spanish: missing"
    result = load_live(make_settings(content_dir), content_dir)
    # The only error a new page has is the picture description staff still have to write.
    assert [(p.path, p.line) for p in result.errors] == [(new, 4)]


def test_a_hand_written_page_maps_its_lines_from_the_file_itself():
    text = ("---\n# written by hand\n\ntitle: Rest\nimage: a.svg\nimage_alt: A bed\n"
            "source: One https://a.example/\nsource: Two https://b.example/\n---\n"
            "First line\n\nThird line\n")
    assert locate(text, 4) == ("title", 1)
    assert locate(text, 8) == ("sources", 2)
    assert locate(text, 12) == ("body", 3)
