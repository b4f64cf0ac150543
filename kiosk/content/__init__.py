"""Qt-free content: load, validate and render the Markdown sections staff edit.

The checker (python-markdown, markdown-it, Pillow, defusedxml) is imported when it is first
used, not with this package: the kiosk's start reuses content that already passed the check
(`checked_record`) and must not pay for the checker's imports before its first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.content.model import ContentSet, Problem, Section, Severity

if TYPE_CHECKING:
    from kiosk.content.loader import load_content
    from kiosk.content.result import LoadResult

__all__ = ["ContentSet", "LoadResult", "Problem", "Section", "Severity", "load_content"]


def __getattr__(name: str) -> Any:
    if name == "LoadResult":
        from kiosk.content.result import LoadResult

        return LoadResult
    if name == "load_content":
        from kiosk.content.loader import load_content

        return load_content
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
