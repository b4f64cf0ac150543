"""What loading a content folder gave: its pages (or None), its problems, its fingerprint.

A module of its own so that whoever only passes results along (the start-up's reuse of the
last check, the watcher) need not import the checker in ``loader``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.content.files import Fingerprint
from kiosk.content.model import ContentSet, Problem, Severity


@dataclass
class LoadResult:
    content: ContentSet | None
    problems: list[Problem] = field(default_factory=list)
    fingerprint: Fingerprint = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return self.content is not None and not self.errors
