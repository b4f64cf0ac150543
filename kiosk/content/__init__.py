"""Qt-free content: load, validate and render the Markdown sections staff edit."""

from kiosk.content.loader import LoadResult, load_content
from kiosk.content.model import ContentSet, Problem, Section, Severity

__all__ = ["ContentSet", "LoadResult", "Problem", "Section", "Severity", "load_content"]
