"""The page being edited as a kiosk would draw it, in every language: the form's words for
the language being edited (saved or not), the saved drafts for the others."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Settings
from kiosk.content.draft_folder import DraftFolder
from kiosk.content.markdown_body import render_html
from kiosk.content.model import Section
from kiosk.content.section_draft import SectionDraft, order_of, read_draft, slug_of


def section_of(draft: SectionDraft, path: Path, language: str, settings: Settings,
               folder: Path) -> Section:
    """``draft`` (the file at ``path``) as the section the kiosk's page widget draws; a body
    that does not render yet draws empty (the check says why)."""
    try:
        html = render_html(draft.body, settings.page_values)
    except (KeyError, ValueError):
        html = ""
    return Section(slug=slug_of(path), order=draft.order or order_of(path),
                   title=draft.title, image=folder / "images" / draft.image,
                   image_alt=draft.image_alt, html=html, language=language, source=path)


def draft_sections(drafts: DraftFolder, settings: Settings, folder: Path, page: Path,
                   language: str, editing: SectionDraft) -> dict[str, Section | None]:
    """``page`` in each language: ``editing`` for ``language``, else its saved partner
    (None where it has none)."""
    sections: dict[str, Section | None] = {}
    for other in settings.languages:
        if other == language:
            sections[other] = section_of(editing, page, other, settings, folder)
            continue
        partner = drafts.partner(page, other)
        sections[other] = (None if partner is None else section_of(
            read_draft(partner.read_text(encoding="utf-8")), partner, other, settings, folder))
    return sections
