"""What the front desk did and when: one JSON line per action in a private (0600) file.

The log says *that* someone unlocked, exported, deleted or purged, never *whose* data: a
record's ``detail`` is for counts, entry ids and where it came from ("12 entries",
"entry 7", "automatic") and must never hold a name, phone number, e-mail or note. The
file is only ever appended to, and each line is flushed and ``fsync``-ed before `record`
returns. Qt-free.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kiosk.private_files import open_private, private_dir, restrict

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    def __init__(self, path: Path, clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = path
        self._clock = clock

    def record(self, action: str, detail: str = "") -> bool:
        """Append {time, action, detail}; ``detail`` is counts/ids only, never patient data.

        Return False if the line could not be written (disk full...): that is logged, but
        it never stops what the front desk is doing, above all locking the panel.
        """
        line = json.dumps(
            {"time": self._clock().astimezone(UTC).isoformat(timespec="seconds"),
             "action": action, "detail": detail},
            ensure_ascii=False,
        ) + "\n"
        try:
            self._append(line)
        except OSError as e:
            log.error("cannot write the audit log (%s): %s", action, e.strerror or e)
            return False
        return True

    def _append(self, line: str) -> None:
        private_dir(self.path.parent)
        fd = open_private(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            restrict(self.path)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = "\n" + line  # a power cut left half a line: start a new one
            # One write() of the whole line: O_APPEND keeps concurrent writers' lines whole.
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def records(self) -> list[dict[str, str]]:
        """Every record, oldest first; a line cut short by a power cut is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as e:
            log.error("cannot read the audit log: %s", e.strerror)
            return []
        result = []
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s line %d is damaged; skipped", self.path.name, number)
                continue
            if isinstance(item, dict):
                result.append({key: str(item.get(key, "")) for key in ("time", "action",
                                                                         "detail")})
        return result
