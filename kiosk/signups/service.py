"""What the sign-up form, the staff panel and the command line call. Qt-free.

`SignupService` only ever needs the clinic's *public* key: it seals each sign-up and hands
the ciphertext to the store. Reading needs the passphrase: `SignupService.unlock` returns
a `Reader`, which holds the private key for as long as the panel keeps it. Every staff
action goes to the audit log with counts and ids, never patient data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nacl.exceptions
import nacl.public

from kiosk.audit import AuditLog
from kiosk.signups.crypto import (
    CURRENT_COST,
    KdfCost,
    KeysDamaged,
    KeysMissing,
    WrongPassphrase,
    holds_private_key,
    load_public_key,
    seal,
    unlock,
    unseal,
)
from kiosk.signups.entry import DecryptedEntry, Signup
from kiosk.signups.export import write_csv
from kiosk.signups.store import SignupStore, StoreUnavailable

log = logging.getLogger(__name__)

# Sealed entries are padded to a multiple of this, so their size says little about the
# length of a name or a note.
PAD_TO = 256


def _utc_now() -> datetime:
    return datetime.now(UTC)


def pad(data: bytes) -> bytes:
    """JSON ignores trailing spaces, so padding needs no framing to undo."""
    return data + b" " * (-len(data) % PAD_TO)


class ExportFolderMissing(OSError):  # noqa: N818 - reads better at the call site
    """The export folder (often a USB stick) is not there; nothing was written."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"the export folder {folder} is not there")
        self.folder = folder


@dataclass(frozen=True)
class UnreadableEntry:
    """A stored entry that does not open with the clinic's key (damaged, or another key's).

    Staff see that it exists, when it came and can delete it; nobody can read it.
    """

    id: int
    created_at: datetime
    contacted_at: datetime | None
    consent_version: str


@dataclass(frozen=True)
class Listing:
    """Everything stored, newest first: what opened, and what did not."""

    entries: list[DecryptedEntry]
    unreadable: list[UnreadableEntry]


class Reader:
    """The unlocked view of the sign-ups; drop it to forget the key."""

    def __init__(self, service: SignupService, private_key: nacl.public.PrivateKey) -> None:
        self._service = service
        self._key = private_key

    def listing(self) -> Listing:
        """Every entry, newest first; one that cannot be opened is listed (and logged by id)."""
        readable, unreadable = [], []
        for stored in self._service.store.entries():
            try:
                signup = Signup.from_json(unseal(self._key, stored.sealed))
            except (nacl.exceptions.CryptoError, ValueError):
                log.error("sign-up %d cannot be opened with this key; left in place",
                          stored.id)
                unreadable.append(UnreadableEntry(stored.id, stored.created_at,
                                                  stored.contacted_at, stored.consent_version))
                continue
            readable.append(DecryptedEntry(stored.id, stored.created_at, stored.contacted_at,
                                           stored.consent_version, signup))
        return Listing(readable, unreadable)

    def entries(self) -> list[DecryptedEntry]:
        """Every readable entry, newest first."""
        return self.listing().entries

    def export(self, folder: Path) -> Path:
        """Write every entry to a new CSV file in ``folder``; return its path.

        The folder must already exist: it is usually a USB stick's mount point, and creating
        it when the stick is missing would leave patients' details on the kiosk's own disk.
        """
        if not folder.is_dir():
            raise ExportFolderMissing(folder)
        stamp = self._service.clock().astimezone().strftime("%Y-%m-%d_%H%M%S")
        path = folder / f"signups-{stamp}.csv"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"signups-{stamp}-{n}.csv"
        listing = self.listing()
        count = write_csv(listing.entries, path, listing.unreadable)
        unreadable = len(listing.unreadable)
        self._service.audit.record("export", f"{count - unreadable} entries to {path.name}"
                                   + (f", {unreadable} unreadable" if unreadable else ""))
        return path

    def mark_contacted(self, entry_id: int) -> bool:
        done = self._service.store.mark_contacted(entry_id, self._service.clock())
        if done:
            self._service.audit.record("mark contacted", f"entry {entry_id}")
        return done

    def delete(self, entry_id: int) -> bool:
        done = self._service.store.delete(entry_id)
        if done:
            self._service.audit.record("delete", f"entry {entry_id}")
        return done

    def purge(self, retention_days: int) -> int:
        """Delete entries older than ``retention_days``, on the front desk's request."""
        return self._service.purge_expired(retention_days, by="staff")


class SignupService:
    def __init__(self, store: SignupStore, keys_file: Path, audit: AuditLog,
                 clock: Callable[[], datetime] = _utc_now,
                 key_cost: KdfCost = CURRENT_COST,
                 on_saved: Callable[[], None] | None = None) -> None:
        self.store = store
        self.keys_file = keys_file
        self.audit = audit
        self.clock = clock
        # Told after each save has committed (server mode: wakes the outbox's thread).
        self.on_saved = on_saved
        # A keys file locked more cheaply is locked again at this cost on a right passphrase.
        self.key_cost = key_cost

    def ready(self) -> bool:
        """True once ``kiosk setup`` has made the keys; until then the form must not show."""
        try:
            load_public_key(self.keys_file)
        except KeysMissing:
            return False
        except KeysDamaged:
            log.error("the clinic's keys file is damaged; sign-ups are switched off")
            return False
        return True

    def submit(self, signup: Signup) -> int:
        """Seal and save; return the id once it is on disk. Raise StoreUnavailable if not.

        A missing or damaged keys file is also StoreUnavailable (nothing is ever stored
        unsealed), so the form keeps what the patient typed and sends them to the desk.
        """
        try:
            public_key = load_public_key(self.keys_file)
        except (KeysMissing, KeysDamaged) as e:
            log.error("cannot save a sign-up: %s", type(e).__name__)
            raise StoreUnavailable("the kiosk is not set up to take sign-ups") from e
        sealed = seal(public_key, pad(signup.to_json()))
        entry_id = self.store.add(sealed, signup.consent_version, created_at=self.clock())
        if self.on_saved is not None:
            self.on_saved()
        return entry_id

    def readable_here(self) -> bool:
        """False on a kiosk that holds only the clinic's public key (server mode)."""
        try:
            return holds_private_key(self.keys_file)
        except (KeysMissing, KeysDamaged):
            return True  # not set up, or damaged: `ready` says so

    def unlock(self, passphrase: str) -> Reader:
        """Raise WrongPassphrase (audited), KeysMissing or KeysDamaged."""
        try:
            private_key = unlock(self.keys_file, passphrase, rewrap_at=self.key_cost)
        except WrongPassphrase:
            self.audit.record("unlock refused", "wrong passphrase")
            raise
        self.audit.record("unlock")
        return Reader(self, private_key)

    def purge_expired(self, retention_days: int, *, by: str = "automatic") -> int:
        """Delete entries older than ``retention_days``; needs no passphrase (times are plain).

        Audited when something was deleted, so the hourly timer does not fill the log.
        """
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        cutoff = self.clock() - timedelta(days=retention_days)
        count = self.store.purge_older_than(cutoff)
        if count or by != "automatic":
            self.audit.record("purge", f"{count} entries older than {retention_days} days, "
                                       f"{by}")
        return count
