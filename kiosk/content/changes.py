"""What a new version changes, in words staff read before they say yes. Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kiosk.content.files import IMAGES_FOLDER
from kiosk.content.model import ContentSet

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def titles_of(content: ContentSet | None, root: Path) -> dict[str, str]:
    """``folder/name`` of every page -> its title."""
    if content is None:
        return {}
    return {str(s.source.relative_to(root)): s.title
            for sections in content.by_language.values() for s in sections}


def _page(name: str, titles: Mapping[str, str]) -> str:
    language = name.split("/", 1)[0]
    title = titles.get(name, name.split("/", 1)[1])
    return f"\u201c{title}\u201d ({LANGUAGE_NAMES.get(language, language)})"


def describe_changes(old_files: Mapping[str, str], old_titles: Mapping[str, str],
                     new_files: Mapping[str, str], new_titles: Mapping[str, str]) -> list[str]:
    """One line a change: pages added, changed, removed, then pictures. ``*_files`` map
    ``folder/name`` to a sha256; ``*_titles`` page names to titles."""
    lines: list[str] = []
    pictures: list[str] = []
    for name in sorted(set(old_files) | set(new_files)):
        before, after = old_files.get(name), new_files.get(name)
        if before == after:
            continue
        if name.startswith(f"{IMAGES_FOLDER}/"):
            file = name.split("/", 1)[1]
            what = ("New picture" if before is None else "Picture removed" if after is None
                    else "Changed picture")
            pictures.append(f"{what}: {file}")
        elif before is None:
            lines.append(f"New page: {_page(name, new_titles)}")
        elif after is None:
            lines.append(f"Page removed: {_page(name, old_titles)}")
        else:
            lines.append(f"Changed: {_page(name, new_titles)}")
    return lines + pictures or ["Nothing changes: these are the pages the kiosk shows now."]
