"""The sign-ups as the desk reads them: opened with the clinic's key, newest first, found by
name, phone or e-mail, and the count of those that arrived while the desk was looking.

Each entry is opened once (remembered by id and ciphertext), so the list that the server
sends every couple of seconds costs a decryption only for what is new. One that does not
open is a row too (``signup`` None): staff see it exists and can delete it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import nacl.exceptions
import nacl.public

from kiosk.signups.crypto import unseal
from kiosk.signups.desk_format import DeskFormat
from kiosk.signups.entry import Signup

log = logging.getLogger(__name__)


class SealedEntry(Protocol):
    """What the server keeps of a sign-up (kiosk.server.desk_store.ServerEntry)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def kiosk(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def consent_version(self) -> str: ...
    @property
    def sealed(self) -> bytes: ...
    @property
    def contacted_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class InboxRow:
    id: uuid.UUID
    kiosk: str
    created_at: datetime
    contacted_at: datetime | None
    consent_version: str
    signup: Signup | None  # None: it does not open with this key

    @property
    def readable(self) -> bool:
        return self.signup is not None


def _folded(text: str) -> str:
    """Lower case without accents: "pena" finds "Peña", "zoe" finds "Zoë"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# A query that is only a phone number as people write one: "+1 (202) 555-0143".
_PHONE_QUERY = re.compile(r"[0-9\s+().-]+")


def _dialled(e164: str, desk_format: DeskFormat) -> tuple[str, ...]:
    """The digits of a stored number, as stored, as the desk dials it, and as its own
    country writes it ("020 7946 0958" for a London number)."""
    if not e164:
        return ()
    import phonenumbers

    forms = {_digits(e164), _digits(desk_format.phone(e164))}
    try:
        number = phonenumbers.parse(e164, desk_format.region)
    except phonenumbers.NumberParseException:
        return tuple(forms)
    forms.add(_digits(phonenumbers.format_number(number,
                                                 phonenumbers.PhoneNumberFormat.NATIONAL)))
    return tuple(forms)


class Inbox:
    def __init__(self, key: nacl.public.PrivateKey, desk_format: DeskFormat) -> None:
        self._key = key
        self.format = desk_format
        self._opened: dict[tuple[uuid.UUID, bytes], Signup | None] = {}
        self._phones: dict[str, tuple[str, ...]] = {}
        self.rows: list[InboxRow] = []
        # Whether the last `update` changed what the list shows (the server sends the whole
        # list every couple of seconds; the window redraws only when something changed).
        self.changed = False
        self._seen: set[uuid.UUID] | None = None  # None until the first list arrives
        self._arrived: list[uuid.UUID] = []

    # The list --------------------------------------------------------------------------

    def update(self, entries: Iterable[SealedEntry]) -> list[InboxRow]:
        """Take the server's list; return the rows that arrived since the last one."""
        listed = list(entries)
        rows = [InboxRow(e.id, e.kiosk, e.created_at, e.contacted_at, e.consent_version,
                         self._open(e)) for e in listed]
        rows.sort(key=lambda r: (r.created_at, str(r.id)), reverse=True)
        opened = {(e.id, e.sealed) for e in listed}
        for stale in set(self._opened) - opened:
            del self._opened[stale]
        ids = {r.id for r in rows}
        new: list[InboxRow] = []
        if self._seen is not None:
            new = [r for r in rows if r.id not in self._seen]
            self._arrived = [i for i in self._arrived if i in ids]
            self._arrived.extend(r.id for r in new)
        self._seen = ids
        self.changed = [(r.id, r.contacted_at) for r in rows] != [
            (r.id, r.contacted_at) for r in self.rows]
        self.rows = rows
        return new

    def _open(self, entry: SealedEntry) -> Signup | None:
        cache_key = (entry.id, entry.sealed)
        if cache_key in self._opened:
            return self._opened[cache_key]
        try:
            signup: Signup | None = Signup.from_json(unseal(self._key, entry.sealed))
        except (nacl.exceptions.CryptoError, ValueError):
            log.error("sign-up %s cannot be opened with this key; left in place", entry.id)
            signup = None
        self._opened[cache_key] = signup
        return signup

    def row(self, entry_id: uuid.UUID) -> InboxRow | None:
        return next((r for r in self.rows if r.id == entry_id), None)

    # New arrivals ----------------------------------------------------------------------

    @property
    def arrived(self) -> Sequence[uuid.UUID]:
        """Sign-ups that came in while the desk was open and nobody has looked at yet."""
        return tuple(self._arrived)

    def is_arrival(self, entry_id: uuid.UUID) -> bool:
        return entry_id in self._arrived

    def acknowledge(self) -> None:
        self._arrived = []

    def not_contacted(self) -> int:
        return sum(1 for r in self.rows if r.contacted_at is None)

    # Search ----------------------------------------------------------------------------

    def matches(self, row: InboxRow, query: str) -> bool:
        """A phone number (only digits, spaces, ``+()-.``; at least 3 digits) is looked for
        in the number as stored, as the desk dials it and as its country writes it, so
        "555 0143", "(202) 555-0143" and "+1 202 555 0143" all find it. Otherwise every word
        is in the name or e-mail, ignoring case and accents ("pena" finds "Peña"). An
        empty query matches all."""
        query = query.strip()
        if not query:
            return True
        signup = row.signup
        if signup is None:
            return False
        digits = _digits(query)
        if _PHONE_QUERY.fullmatch(query) and len(digits) >= 3:
            return any(digits in phone for phone in self._phone_forms(signup.phone))
        text = _folded(f"{signup.name} {signup.email}")
        return all(_folded(word) in text for word in query.split())

    def _phone_forms(self, e164: str) -> tuple[str, ...]:
        if e164 not in self._phones:
            self._phones[e164] = _dialled(e164, self.format)
        return self._phones[e164]

    def found(self, query: str) -> list[InboxRow]:
        return [r for r in self.rows if self.matches(r, query)]
