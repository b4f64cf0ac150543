"""An attacker at the screen against the staff lock: guesses an hour and a day it allows.

    .venv/bin/python bench/attack_pin.py [--quick] [--hours H] [--baseline-rev REV] [--json FILE]

Drives the real ``kiosk.security.PinGuard`` as an attacker who types a wrong PIN the moment
the rules allow it, on a simulated clock: each try moves the clock on by the real time the
check took plus any wait the guard demanded, so the rate is the smaller of what the rules
allow and what the machine can check. Where nothing makes the attacker wait, the kiosk's own
hasher (argon2-cffi's defaults) is timed; where waits of seconds to minutes rule, the
cheapest Argon2id stands in (a few ms less per try changes nothing). No typing time is
counted, so every figure is an upper bound for a person at the screen. Four cases:

- wrong PINs on a working disk, over ``--hours`` of simulated time;
- wrong PINs on a data folder that cannot be written (a full tmpfs when this runs as root and
  may mount one, otherwise a folder without write permission);
- wrong passphrases by someone who knows the PIN (the passphrase's Argon2 is replaced by an
  instant "wrong", which only makes the attacker faster);
- the expected time to find a 6-digit PIN, from the steady rate on a working disk.

The baseline is the same attack on the guard as it was before issue 13 (``kiosk/security.py``
at ``--baseline-rev``, read with ``git show``), where it can be read; on that guard a right
PIN reset the count, so passphrase guesses were never throttled. Where git or that revision
is missing (a shallow clone), the baseline column says so.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import argon2
from _common import ROOT, Row, emit, parser

BASELINE_REV = "10a79914b0945ab44ce08c5c126f7ba54c126bc4"  # main before issue 13's fixes
PIN = "246813"
DAY = 24 * 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def baseline_module(rev: str, scratch: Path) -> ModuleType | None:
    done = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:kiosk/security.py"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None
    path = scratch / "security_before.py"
    path.write_text(done.stdout, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("security_before", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class CountingHasher(argon2.PasswordHasher):
    """Counts the PINs it really checked. ``real``: the kiosk's hasher (argon2-cffi's
    defaults); otherwise the cheapest Argon2id, for runs where the waits dominate anyway."""

    def __init__(self, real: bool) -> None:
        super().__init__(**({} if real else {"time_cost": 1, "memory_cost": 8,
                                             "parallelism": 1}))
        self.checked = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checked += 1
        return super().verify(hash, password)


def attack(guard: Any, hasher: CountingHasher, clock: Clock, seconds: float, *,
           passphrase: bool = False, obey_waits: bool = True,
           max_tries: int = 100_000) -> tuple[int, float]:
    """Wrong guesses checked within ``seconds`` of simulated time, and the time used.

    The attacker waits as long as the guard says (``obey_waits``), or, against a guard that
    does not enforce what it says, tries again at once. Stops after ``max_tries`` tries.
    """
    start, tries, asked = clock.now, 0, []
    pins_before = hasher.checked
    while clock.now - start < seconds and tries < max_tries:
        tries += 1
        began = time.perf_counter()
        if passphrase and hasattr(guard, "check_passphrase"):
            guard.check(PIN)  # the PIN is known; only the passphrase is guessed
            result = guard.check_passphrase(lambda: bool(asked.append(1)))
        elif passphrase:  # the old guard: a right PIN reset the count; no passphrase limit
            result = guard.check(PIN)
        else:
            result = guard.check("000000")
        clock.now += time.perf_counter() - began
        if obey_waits and not result.ok:
            clock.now += result.wait_seconds
    if passphrase:
        checked = len(asked) if hasattr(guard, "check_passphrase") else \
            hasher.checked - pins_before
    else:
        checked = hasher.checked - pins_before
    return checked, clock.now - start


@contextlib.contextmanager
def unwritable_folder(scratch: Path) -> Iterator[tuple[Path, str] | None]:
    """A data folder whose PIN file can be read but not written; None if none can be made."""
    folder = scratch / "disk"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o700)
        yield folder, "a folder without write permission"
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield folder, "a full 256 KiB tmpfs"
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def make_unwritable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o500)
        return
    with open(folder / "filler", "wb", buffering=0) as f:  # noqa: PTH123 - a raw descriptor
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 4096)
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0")


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--hours", type=float, default=24.0,
                             help="simulated hours of attack on a working disk")
    args_parser.add_argument("--baseline-rev", default=BASELINE_REV)
    args = args_parser.parse_args()
    hours = args.hours
    burst = 5 if args.quick else 100  # tries to time an unthrottled guard with
    sys.path.insert(0, str(ROOT))
    logging.disable(logging.CRITICAL)  # thousands of "wrong PIN" lines say nothing here

    from kiosk import security

    rows: list[Row] = []
    notes = [f"simulated clock; each try costs the real time of its check here plus the wait "
             f"the guard demands; no typing time (an upper bound). Where the guard's waits "
             f"rule (working disk, passphrase after the fix) the cheapest Argon2id stands in "
             f"for the kiosk's; where nothing waits, the kiosk's own hasher is timed. "
             f"Rules: DELAYS "
             f"{security.DELAYS} s, lockout {security.LOCKOUT_SECONDS / 60:.0f} min after "
             f"{security.LOCKOUT_AFTER} wrong tries"]
    with tempfile.TemporaryDirectory(prefix="bench-attack-") as scratch_name:
        scratch = Path(scratch_name)
        before = baseline_module(args.baseline_rev, scratch)
        if before is None:
            notes.append(f"baseline: kiosk/security.py at {args.baseline_rev[:10]} could not "
                         "be read with git (shallow clone?); no baseline")

        def guard_for(module: ModuleType, folder: Path,
                      real: bool = False) -> tuple[Any, CountingHasher, Clock]:
            folder.mkdir(parents=True, exist_ok=True)
            hasher, clock = CountingHasher(real), Clock()
            guard = module.PinGuard(folder / "staff-pin.json", clock=clock, hasher=hasher)
            guard.set_pin(PIN)
            return guard, hasher, clock

        # 1. A working disk.
        checked, used = attack(*guard_for(security, scratch / "after"), hours * 3600)
        per_day_after = checked * DAY / used
        base_day = None
        if before is not None:
            base_checked, base_used = attack(*guard_for(before, scratch / "before"),
                                             hours * 3600)
            base_day = base_checked * DAY / base_used
        rows.append(Row("wrong PINs checked per day, working disk", per_day_after, "/day",
                        base_day, "before issue 13", "<= 110/day", per_day_after <= 110,
                        f"{checked} in {used / 3600:.1f} simulated h"))

        # 2. A data folder that cannot be written.
        with unwritable_folder(scratch) as place:
            if place is None:
                notes.append("unwritable disk: could not mount a tmpfs here; not measured")
                rows.append(Row("wrong PINs checked per hour, disk full or read-only",
                                math.nan, "/h", None, "-", "0/h", None, "not measured"))
            else:
                folder, how = place
                results = []
                for module, name in ((security, "after"), (before, "before")):
                    if module is None:
                        results.append(None)
                        continue
                    results.append(guard_for(module, folder / name, real=True))
                make_unwritable(folder)
                rates = []
                for entry in results:
                    if entry is None:
                        rates.append(None)
                        continue
                    guard, hasher, clock = entry
                    # As issue 13's attacker did: ignore the "locked until" the old guard
                    # showed but did not enforce; the new one refuses at once anyway.
                    checked, used = attack(guard, hasher, clock, 3600, obey_waits=False,
                                           max_tries=burst)
                    right = guard.check(PIN).ok  # and does the right PIN open now?
                    rates.append((checked * 3600 / used, right))
                after_rate, after_right = rates[0] if rates[0] else (math.nan, False)
                base = rates[1]
                notes.append(f"unwritable disk: {how}; the right PIN "
                             f"{'opened' if after_right else 'was refused'} after the fix"
                             + (f", {'opened' if base[1] else 'was refused'} before"
                                if base else ""))
                rows.append(Row("wrong PINs checked per hour, disk full or read-only",
                                after_rate, "/h", base[0] if base else None,
                                "before issue 13", "0/h", after_rate == 0 and not after_right))

        # 3. Wrong passphrases by someone who knows the PIN.
        checked, used = attack(*guard_for(security, scratch / "phrase-after"), hours * 3600,
                               passphrase=True)
        phrase_day = checked * DAY / used
        base_phrase = None
        if before is not None:
            import nacl.pwhash.argon2id as argon2id

            from kiosk.signups.crypto import CURRENT_COST

            pins, pin_time = attack(*guard_for(before, scratch / "phrase-before", real=True),
                                    3600, passphrase=True, max_tries=burst)
            began = time.perf_counter()  # what each passphrase try cost the old kiosk
            for _ in range(1 if args.quick else 3):
                argon2id.kdf(32, b"a wrong passphrase", b"0" * argon2id.SALTBYTES,
                             opslimit=CURRENT_COST.opslimit, memlimit=CURRENT_COST.memlimit)
            kdf = (time.perf_counter() - began) / (1 if args.quick else 3)
            base_phrase = DAY / (pin_time / pins + kdf)
            notes.append(f"passphrase baseline: a right PIN ({pin_time / pins * 1000:.0f} ms) "
                         f"then the passphrase's Argon2id at libsodium's moderate cost "
                         f"({kdf * 1000:.0f} ms here), back to back")
        rows.append(Row("wrong passphrases checked per day, PIN known", phrase_day, "/day",
                        base_phrase, "before issue 13", "<= 110/day", phrase_day <= 110))

        # 4. How long a 6-digit PIN holds out at the steady rate (one try per lockout).
        steady = DAY / security.LOCKOUT_SECONDS
        days = (10**6 / 2) / steady
        rows.append(Row("expected days to find a 6-digit PIN at the screen", days, "days",
                        (10**4 / 2) / steady, "a 4-digit PIN", ">= 365 days", days >= 365,
                        "half the PINs at one try per lockout"))
    emit("Staff lock under attack (bench/attack_pin.py)", rows, args.json, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
