"""The desk's draft folder as a list of pages: their order, each page's other-language
partner and whether that one is missing or older, a new page, two pages swapped. Qt-free."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from kiosk.content.changes import LANGUAGE_NAMES
from kiosk.content.last_good import BUNDLED_CONTENT
from kiosk.content.section_draft import (
    SectionDraft,
    file_name,
    order_of,
    read_draft,
    slug_of,
)
from kiosk.content.versions import VersionStore, live_at


def _draft(path: Path) -> SectionDraft:
    return read_draft(path.read_text(encoding="utf-8"))


class DraftFolder:
    def __init__(self, root: Path, languages: tuple[str, ...], default_language: str) -> None:
        self.root = root
        self.languages = languages
        self.default_language = default_language

    def order(self, path: Path) -> int:
        return _draft(path).order or order_of(path)

    def title(self, path: Path) -> str:
        return _draft(path).title or path.name

    def pages(self, language: str) -> list[Path]:
        """The language's pages in the order patients see them."""
        folder = self.root / language
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.glob("*.md") if not p.name.startswith(".")),
                      key=lambda p: (self.order(p), p.name))

    def partner(self, path: Path, language: str) -> Path | None:
        """The same page (same slug) in ``language``."""
        slug = slug_of(path)
        return next((p for p in self.pages(language) if slug_of(p) == slug), None)

    def translation_state(self, page: Path) -> str:
        """For a default-language page: each other language's page missing, older (saved
        before this one was last changed), or up to date, in words."""
        words = []
        own = LANGUAGE_NAMES.get(self.default_language, self.default_language)
        for language in self.languages:
            if language == self.default_language:
                continue
            name = LANGUAGE_NAMES.get(language, language)
            partner = self.partner(page, language)
            if partner is None:
                words.append(f"{name}: missing")
            elif partner.stat().st_mtime_ns < page.stat().st_mtime_ns:
                words.append(f"{name}: older than {own}")
            else:
                words.append(f"{name}: up to date")
        return "; ".join(words)

    def new_page(self, language: str) -> Path:
        """A page at the end with a placeholder title and the first picture; its empty
        picture description is for staff to fill in (the check says so)."""
        pages = self.pages(language)
        order = max((self.order(p) for p in pages), default=0) + 10
        taken = {slug_of(p) for p in pages}
        slug, number = "new-page", 1
        while slug in taken:
            number += 1
            slug = f"new-page-{number}"
        pictures = sorted((self.root / "images").glob("*"))
        draft = SectionDraft(title="New page", image=pictures[0].name if pictures else "",
                             order=order, body="Write the page here.\n")
        path = self.root / language / file_name(order, slug)
        path.parent.mkdir(exist_ok=True)
        path.write_text(draft.text(), encoding="utf-8")
        return path

    def swap(self, page: Path, step: int, language: str) -> bool:
        """Swap ``page``'s place with the page ``step`` away, in every language."""
        pages = self.pages(language)
        if page not in pages:
            return False
        there = pages.index(page) + step
        if not 0 <= there < len(pages):
            return False
        mine, theirs = page, pages[there]
        orders = ((mine, self.order(theirs)), (theirs, self.order(mine)))
        for other in self.languages:
            for each, order in orders:
                partner = each if other == language else self.partner(each, other)
                if partner is not None:
                    partner.write_text(replace(_draft(partner), order=order).text(),
                                       encoding="utf-8")
        return True


def start_drafts(drafts: Path, store: VersionStore) -> bool:
    """Fill an empty drafts folder: the version patients see now, else the shipped pages;
    False if it was not empty. The store's errors go to the caller (nothing is copied)."""
    if drafts.is_dir() and any(drafts.iterdir()):
        return False
    live = live_at(store.history(), datetime.now(UTC))
    if live is None:
        shutil.copytree(BUNDLED_CONTENT, drafts, dirs_exist_ok=True)
        return True
    with tempfile.TemporaryDirectory(prefix="desk-start-") as temp:
        store.export(live.number, Path(temp) / "content")
        shutil.copytree(Path(temp) / "content", drafts, dirs_exist_ok=True)
    return True
