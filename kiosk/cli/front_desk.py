"""The front desk's set-up and upkeep at a terminal: ``setup``, ``set-pin``, ``unlock-panel``,
``change-passphrase``, ``export`` and ``purge``.

Secrets (PIN, passphrase) are read without echo from a terminal, or one per line from a pipe.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.exits import EXIT_ERROR
from kiosk.config import Settings
from kiosk.private_files import private_dir

if TYPE_CHECKING:
    from kiosk.signups.service import SignupService


def ask_secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, file=sys.stderr)
    return sys.stdin.readline().rstrip("\n")


def _ask_twice(what: str) -> str | None:
    first = ask_secret(f"New {what}: ")
    if ask_secret(f"Type the {what} again: ") != first:
        print(f"error: the two {what}s are not the same; nothing was changed", file=sys.stderr)
        return None
    return first


def setup(settings: Settings) -> int:
    from kiosk.security import PinGuard
    from kiosk.signups.crypto import WeakPassphrase, create_keys

    private_dir(settings.data_dir)
    if settings.keys_file.exists():
        print(f"The clinic's keys already exist in {settings.keys_file}; keeping them.",
              file=sys.stderr)
    else:
        print("Choose the front-desk passphrase (at least 8 characters; a short sentence is "
              "best). It unlocks the sign-ups: without it nobody, not even us, can read them. "
              "Write it down somewhere safe.", file=sys.stderr)
        passphrase = _ask_twice("passphrase")
        if passphrase is None:
            return EXIT_ERROR
        try:
            create_keys(settings.keys_file, passphrase)
        except WeakPassphrase as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_ERROR
        print(f"Keys created in {settings.keys_file}.", file=sys.stderr)
    guard = PinGuard(settings.pin_file)
    if guard.is_set():
        print("The staff PIN is already set; change it with 'kiosk set-pin'.", file=sys.stderr)
        return 0
    return set_pin(settings, intro="Choose the staff PIN (6 to 8 digits) that opens the panel.")


def setup_public_key(settings: Settings, source: Path) -> int:
    """Server mode: a kiosk that holds only the clinic's public key seals and never reads."""
    from kiosk.signups.crypto import KeysError, public_key_from_file, save_public_key

    try:
        save_public_key(settings.keys_file, public_key_from_file(source))
    except KeysError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    print(f"The clinic's public key is in {settings.keys_file}. This kiosk saves sign-ups "
          "sealed to it and cannot read them: they are read at the front desk.",
          file=sys.stderr)
    return 0


def set_pin(settings: Settings, intro: str = "") -> int:
    from kiosk.audit import AuditLog
    from kiosk.security import PinGuard, WeakPin

    if intro:
        print(intro, file=sys.stderr)
    pin = _ask_twice("PIN")
    if pin is None:
        return EXIT_ERROR
    try:
        PinGuard(settings.pin_file).set_pin(pin)
    except WeakPin as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    AuditLog(settings.audit_log).record("set pin", "from the command line")
    print("The staff PIN is set.", file=sys.stderr)
    return 0


def unlock_panel(settings: Settings) -> int:
    """Forget the wrong tries, so a patient who keeps the panel locked cannot keep staff out.

    Only someone at a terminal with access to the data folder can run it; that person could
    set a new PIN anyway. The running kiosk sees the change at the next try.
    """
    from kiosk.audit import AuditLog
    from kiosk.security import PinGuard

    guard = PinGuard(settings.pin_file)
    if not guard.is_set():
        print("error: the staff PIN is not set; run 'kiosk setup'", file=sys.stderr)
        return EXIT_ERROR
    forgotten = guard.clear_tries()
    try:
        user = getpass.getuser()  # a login name, not patient data
    except (OSError, KeyError):
        user = "an unknown user"
    if not AuditLog(settings.audit_log).record(
            "panel unlocked", f"from a terminal by {user}; {forgotten} wrong tries forgotten"):
        print(f"warning: could not write the audit log {settings.audit_log}", file=sys.stderr)
    print(f"The staff panel takes the PIN again ({forgotten} wrong tries forgotten).",
          file=sys.stderr)
    return 0


def change_passphrase(settings: Settings) -> int:
    """When someone who knew the passphrase leaves: the same key, a new passphrase.

    Every stored sign-up stays readable with the new passphrase. (Someone who also kept a
    copy of the keys file can still open it with the old one: see docs/security.md.)
    """
    from kiosk.audit import AuditLog
    from kiosk.signups import crypto

    old = ask_secret("Current front-desk passphrase: ")
    print("Choose the new passphrase (at least 8 characters).", file=sys.stderr)
    new = _ask_twice("passphrase")
    if new is None:
        return EXIT_ERROR
    try:
        crypto.change_passphrase(settings.keys_file, old, new)
    except crypto.WrongPassphrase:
        print("error: the current passphrase is not right; nothing was changed", file=sys.stderr)
        return EXIT_ERROR
    except crypto.KeysError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    AuditLog(settings.audit_log).record("change passphrase", "from the command line")
    print("The front-desk passphrase is changed.", file=sys.stderr)
    return 0


def export(settings: Settings, out: Path) -> int:
    from kiosk.signups.crypto import KeysError, KeysMissing, WrongPassphrase
    from kiosk.signups.export import write_csv

    with _open_service(settings) as service:
        try:
            reader = service.unlock(ask_secret("Front-desk passphrase: "))
        except KeysMissing:
            print("error: the kiosk is not set up yet; run 'kiosk setup'", file=sys.stderr)
            return EXIT_ERROR
        except WrongPassphrase:
            print("error: that passphrase is not right", file=sys.stderr)
            return EXIT_ERROR
        except KeysError as e:  # damaged, or set too cheap (WeakKeyCost): say which
            print(f"error: {e}", file=sys.stderr)
            return EXIT_ERROR
        # Like the panel's export: an entry that cannot be opened gets a row too, so the
        # file never looks complete while something is missing from it.
        listing = reader.listing()
        count = write_csv(listing.entries, out, listing.unreadable)
        unreadable = len(listing.unreadable)
        service.audit.record("export", f"{count - unreadable} entries from the command line"
                             + (f", {unreadable} unreadable" if unreadable else ""))
    print(f"Sign-ups written: {count}, to {out}", file=sys.stderr)
    if unreadable:
        print(f"{unreadable} of them could not be read (damaged, or sealed to another key): "
              "their rows say so; ask IT", file=sys.stderr)
    return 0


def purge(settings: Settings) -> int:
    with _open_service(settings) as service:
        count = service.purge_expired(settings.retention_days)
    print(f"Sign-ups older than {settings.retention_days} days deleted: {count}.",
          file=sys.stderr)
    return 0


@contextlib.contextmanager
def _open_service(settings: Settings) -> Iterator[SignupService]:
    from kiosk.audit import AuditLog
    from kiosk.signups.service import SignupService
    from kiosk.signups.store import SignupStore

    with SignupStore.open(settings.signups_db) as store:
        yield SignupService(store, settings.keys_file, AuditLog(settings.audit_log))
