"""How much a content folder may hold, and what in it no page uses.

Everything in the folder is counted against the budget (staff put it there; the kiosk lists,
fingerprints and checks it), but only the files pages use are ever copied to the data disk
(see last_good.py): 200 MB of unused pictures once became 200 MB beside the sign-ups.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.content.model import Problem, Severity

MB = 1024 * 1024
# How many unused files a warning names before it only counts the rest.
NAMED = 5


@dataclass(frozen=True)
class FolderBudget:
    max_bytes: int = 50 * MB
    max_files: int = 300


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def budget_problems(root: Path, files: Iterable[tuple[str, int, int]],
                    used: set[str], budget: FolderBudget, *,
                    warn_unused: bool = True) -> list[Problem]:
    """``files`` as in a fingerprint (``folder/name``, size, change time); ``used`` the
    ``folder/name`` of every file a page uses."""
    listed = list(files)
    total = sum(size for _name, size, _time in listed)
    unused = [(name, size) for name, size, _time in listed if name not in used]
    unused_size = sum(size for _name, size in unused)
    names = ", ".join(name for name, _size in unused[:NAMED])
    if len(unused) > NAMED:
        names += f" and {len(unused) - NAMED} more"
    problems = []
    if total > budget.max_bytes or len(listed) > budget.max_files:
        advice = (f"; {len(unused)} of them ({_mb(unused_size)}) are used by no page: "
                  f"{names}" if unused else "")
        problems.append(Problem(
            root, 1, f"the content folder holds {_mb(total)} in {len(listed)} files; the kiosk "
                     f"takes at most {_mb(budget.max_bytes)} and {budget.max_files} files "
                     f"(max_folder_mb and max_files in kiosk.toml){advice}"))
    elif unused and warn_unused:
        problems.append(Problem(
            root, 1, f"{len(unused)} file(s) ({_mb(unused_size)}) are used by no page and are "
                     f"not copied to the kiosk: {names}", Severity.WARNING))
    return problems


def room_after_copy(source: Path, used: Iterable[str], disk: Path,
                    keep_free_mb: int) -> tuple[int, int] | None:
    """``(needed, free)`` in bytes when copying ``used`` (names under ``source``) onto the
    disk holding ``disk`` would leave less than ``keep_free_mb`` for sign-ups; else None.
    The last good copy and ``kiosk publish`` both ask this before they copy."""
    needed = sum((source / name).stat().st_size for name in used)
    free = shutil.disk_usage(disk).free
    return None if free - needed >= keep_free_mb * MB else (needed, free)
