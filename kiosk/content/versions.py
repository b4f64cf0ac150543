"""Published pages as numbered, immutable versions: every file, a sha256 manifest, who, when,
a note and an optional start time. Qt-free.

A store keeps versions; the desk publishes to one, a kiosk reads from one. `VersionStore` is
the interface (a folder here; a PostgreSQL table on the clinic server implements the same),
`FolderVersionStore` keeps them in a folder a shared drive or a USB stick can carry:

    <root>/0007/manifest.json     number, author, created_at, note, starts_at, files: sha256
    <root>/0007/files/en/10-....md   the pages and pictures, a complete content folder

A version is written into a hidden staging folder and renamed to its number in one step, so
a reader sees all of it or nothing, and a number taken by another desk at the same moment is
never overwritten (the rename fails; the next number is tried). Nothing ever rewrites a
version: "publish this version again" makes a new number with the old files. A reader trusts
no byte it did not hash: `export` copies a version out and checks every file against the
manifest, and a version with a changed, missing or extra file is refused whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

MANIFEST = "manifest.json"
FILES = "files"
_NUMBER = re.compile(r"^\d{4,}$")
# A content file's name in a manifest: a language or images folder, then a plain file name.
_MANIFEST_NAME = re.compile(r"^[a-z]{2}/[^/\\\x00-\x1f]+$|^images/[^/\\\x00-\x1f]+$")


class VersionError(Exception):
    """A version cannot be used; the message says why in plain words."""


class VersionDamagedError(VersionError):
    """A version's files do not match its manifest (changed, missing or extra)."""


@dataclass(frozen=True)
class VersionInfo:
    number: int
    author: str
    created_at: datetime
    note: str
    # sha256 (hex) of every file, by ``folder/name`` (``en/10-x.md``, ``images/x.svg``).
    files: Mapping[str, str] = field(default_factory=dict)
    # When it goes live; None: as soon as it is published.
    starts_at: datetime | None = None

    @property
    def live_from(self) -> datetime:
        return max(self.created_at, self.starts_at) if self.starts_at else self.created_at

    @property
    def digest(self) -> str:
        """The same files give the same digest, whatever the number or the note."""
        canonical = json.dumps(sorted(self.files.items()), separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_json(self) -> str:
        return json.dumps({
            "number": self.number, "author": self.author,
            "created_at": self.created_at.isoformat(), "note": self.note,
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "files": dict(sorted(self.files.items())),
        }, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> VersionInfo:
        try:
            data = json.loads(text)
            files = data["files"]
            if not isinstance(files, dict) or not all(
                    isinstance(k, str) and _MANIFEST_NAME.match(k) and isinstance(v, str)
                    and re.fullmatch(r"[0-9a-f]{64}", v) for k, v in files.items()):
                raise VersionError("the manifest lists a file it may not hold")
            starts = data.get("starts_at")
            return cls(int(data["number"]), str(data["author"]),
                       _utc(datetime.fromisoformat(data["created_at"])), str(data["note"]),
                       files, _utc(datetime.fromisoformat(starts)) if starts else None)
        except (ValueError, KeyError, TypeError) as e:
            raise VersionError(f"the manifest cannot be read ({e})") from e


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment.astimezone(UTC)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_of(root: Path, names: Iterable[str]) -> dict[str, str]:
    return {name: sha256_of(root / name) for name in sorted(names)}


def live_at(history: Sequence[VersionInfo], now: datetime) -> VersionInfo | None:
    """The version patients see at ``now``: of those whose time has come, the one that went
    live last (a scheduled holiday page takes over at its start; a later publish after it)."""
    due = [v for v in history if v.live_from <= now]
    return max(due, key=lambda v: (v.live_from, v.number), default=None)


def damage(folder: Path, version: VersionInfo) -> list[str]:
    """What in ``folder`` (a complete content folder) differs from ``version``'s manifest."""
    found = {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()}
    problems = [f"{name} is missing" for name in sorted(set(version.files) - found)]
    problems += [f"{name} is not part of this version"
                 for name in sorted(found - set(version.files))]
    for name in sorted(set(version.files) & found):
        path = folder / name
        if path.is_symlink() or not path.is_file():
            problems.append(f"{name} is not an ordinary file")
        elif sha256_of(path) != version.files[name]:
            problems.append(f"{name} was changed after it was published")
    return problems


class VersionStore(Protocol):
    """Where versions are kept. Numbers only grow; nothing is ever rewritten."""

    def publish(self, source: Path, names: Iterable[str], *, author: str, note: str,
                starts_at: datetime | None = None, now: datetime | None = None) -> VersionInfo:
        """Keep ``names`` (``folder/name`` under ``source``) as the next version."""
        ...

    def history(self) -> list[VersionInfo]:
        """Every version, newest number first (damaged manifests left out)."""
        ...

    def get(self, number: int) -> VersionInfo: ...

    def export(self, number: int, into: Path) -> VersionInfo:
        """Write version ``number``'s files into the new folder ``into`` and check every hash
        there; raises VersionDamagedError (and leaves no folder) if any differs."""
        ...


class FolderVersionStore:
    """Versions in a folder (a shared drive, a USB stick, a kiosk's own data folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, number: int) -> Path:
        return self.root / f"{number:04d}"

    def numbers(self) -> list[int]:
        try:
            return sorted(int(p.name) for p in self.root.iterdir()
                          if _NUMBER.match(p.name) and p.is_dir())
        except FileNotFoundError:
            return []

    def publish(self, source: Path, names: Iterable[str], *, author: str, note: str,
                starts_at: datetime | None = None, now: datetime | None = None) -> VersionInfo:
        names = sorted(names)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".publishing-", dir=self.root))
        try:
            for name in names:
                if not _MANIFEST_NAME.match(name):
                    raise VersionError(f"{name!r} cannot be part of a version")
                target = staging / FILES / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / name, target)
                _seal(target)
            files = manifest_of(staging / FILES, names)
            moment = _utc(now or datetime.now(UTC))
            while True:
                number = max(self.numbers(), default=0) + 1
                info = VersionInfo(number, author, moment, note, files,
                                   _utc(starts_at) if starts_at else None)
                manifest = staging / MANIFEST
                manifest.unlink(missing_ok=True)
                manifest.write_text(info.to_json(), encoding="utf-8")
                _seal(manifest)
                try:
                    # Fails if the number was taken meanwhile: never overwrites a version.
                    staging.rename(self._folder(number))
                except OSError as e:
                    if self._folder(number).exists():
                        continue
                    raise VersionError(f"the version could not be stored: {e.strerror}") from e
                return info
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def history(self) -> list[VersionInfo]:
        found = []
        for number in reversed(self.numbers()):
            try:
                found.append(self.get(number))
            except VersionError:
                continue
        return found

    def get(self, number: int) -> VersionInfo:
        try:
            text = (self._folder(number) / MANIFEST).read_text(encoding="utf-8")
        except OSError as e:
            raise VersionError(f"version {number} cannot be read ({e.strerror})") from e
        info = VersionInfo.from_json(text)
        if info.number != number:
            raise VersionDamagedError(f"version {number}'s manifest says it is {info.number}")
        return info

    def files_of(self, number: int) -> Path:
        """Where version ``number``'s files are (check them with `verify` before trusting)."""
        return self._folder(number) / FILES

    def verify(self, number: int) -> list[str]:
        """Every way version ``number`` differs from its manifest; empty when intact."""
        try:
            return damage(self.files_of(number), self.get(number))
        except VersionError as e:
            return [str(e)]

    def export(self, number: int, into: Path) -> VersionInfo:
        info = self.get(number)
        source = self.files_of(number)
        into.mkdir(parents=True)
        try:
            for name in info.files:
                target = into / name
                target.parent.mkdir(exist_ok=True)
                if (source / name).is_symlink():
                    raise VersionDamagedError(f"version {number}: {name} is not an ordinary file")
                shutil.copyfile(source / name, target)
            # Hashed where it landed: a file changed while it was copied is caught too.
            problems = damage(into, info)
            extra = damage(source, info)
            if problems or extra:
                raise VersionDamagedError(f"version {number} does not match its manifest: "
                                     + "; ".join(dict.fromkeys(problems + extra)))
        except (VersionError, OSError):
            shutil.rmtree(into, ignore_errors=True)
            raise
        return info

    def prune(self, keep: Sequence[int]) -> None:
        """Remove every version not in ``keep`` (a kiosk's own cache only; a desk's store is
        never pruned)."""
        for number in self.numbers():
            if number not in keep:
                folder = self._folder(number)
                retired = folder.with_name(f".removing-{folder.name}")
                folder.rename(retired)
                _unseal(retired)
                shutil.rmtree(retired, ignore_errors=True)


def _seal(path: Path) -> None:
    """Read-only: an editor that opens a published file cannot save over it by accident. A
    stick's file system that keeps no modes (exFAT) may refuse: the hashes still guard."""
    with contextlib.suppress(PermissionError):
        path.chmod(0o444)


def _unseal(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
