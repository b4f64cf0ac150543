"""A damaged database is salvaged, not just set aside (issue 13, item 12).

Before: a file SQLite could not check was moved aside whole and staff saw 0 of 200 entries.
Now every entry still readable page by page comes back with its id, time, consent version,
sealed bytes and contact mark, and staff learn how many were recovered and how many lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT
from kiosk.signups.store import SignupStore, StoredEntry

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def fill(db: Path, count: int) -> dict[int, StoredEntry]:
    with SignupStore.open(db) as store:
        for n in range(count):
            entry_id = store.add(os.urandom(300 + 256 * (n % 4)), f"en-{n % 3}",
                                 created_at=T0 + timedelta(minutes=n))
            if n % 5 == 0:
                store.mark_contacted(entry_id, T0 + timedelta(days=1, minutes=n))
        return {e.id: e for e in store.entries()}


def break_header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:100] = os.urandom(100)  # SQLite no longer even sees a database
    db.write_bytes(bytes(data))


def page_holding(db: Path, sealed: bytes) -> int:
    return db.read_bytes().index(sealed) // 4096


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "signups.db"


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_all_200_entries_come_back_from_a_file_sqlite_cannot_open(db):
    before = fill(db, 200)
    break_header(db)
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        assert (store.salvaged.recovered, store.salvaged.lost) == (200, 0)
        after = {e.id: e for e in store.entries()}
    assert after == before


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups .*; \d+ known to be lost")
def test_a_wiped_page_loses_only_its_own_entries_and_says_how_many(db):
    before = fill(db, 200)
    middle = sorted(before)[100]
    page = page_holding(db, before[middle].sealed)
    data = bytearray(db.read_bytes())
    on_page = {i for i, e in before.items()
               if page * 4096 <= data.index(e.sealed) < (page + 1) * 4096}
    data[page * 4096:(page + 1) * 4096] = bytes(4096)
    db.write_bytes(bytes(data))
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        after = {e.id: e for e in store.entries()}
        assert store.salvaged.recovered == len(after) == 200 - len(on_page)
        assert store.salvaged.lost == len(on_page) > 0
    assert after == {i: e for i, e in before.items() if i not in on_page}


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_entries_still_in_the_wal_are_salvaged(db, tmp_path):
    copy = tmp_path / "copy" / "signups.db"
    copy.parent.mkdir(mode=0o700)
    with SignupStore.open(db) as store:
        ids = [store.add(os.urandom(300), "v", created_at=T0) for _ in range(40)]
        assert db.with_name("signups.db-wal").stat().st_size > 0  # not checkpointed yet
        for suffix in ("", "-wal"):  # the files as a power cut would leave them
            shutil.copyfile(f"{db}{suffix}", f"{copy}{suffix}")
    assert len(copy.read_bytes()) < 40 * 300  # the main file alone does not hold them
    break_header(copy)
    with SignupStore.open(copy) as store:
        assert sorted(e.id for e in store.entries()) == ids


@pytest.mark.expect_log("kiosk.signups", r"database was damaged; moved it")
@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_deleted_entries_do_not_come_back_and_ids_are_not_reused(db):
    before = fill(db, 100)
    with SignupStore.open(db) as store:
        deleted = sorted({*sorted(before)[::3], max(before)})
        for entry_id in deleted:
            assert store.delete(entry_id)
    break_header(db)
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        assert {e.id for e in store.entries()} == before.keys() - set(deleted)
        assert store.salvaged.lost == 0
        assert store.add(b"next", "v") == max(before) + 1


SHORT_OF_ROOM = """
import resource, signal, sys
from pathlib import Path
from kiosk.signups.store import SignupStore, StoreUnavailable
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG from write() instead of dying
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
try:
    store = SignupStore.open(Path(sys.argv[1]))
except StoreUnavailable as e:
    print(e)
else:
    print(len(store.entries()), "entries")
"""


@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_a_salvage_cut_short_is_finished_at_the_next_open(db):
    """A disk that runs short during the salvage: a real EFBIG (RLIMIT_FSIZE) in a child.
    The set-aside file stays, and the next open adds what is missing, and says so."""
    before = fill(db, 40)
    break_header(db)
    result = subprocess.run([sys.executable, "-c", SHORT_OF_ROOM, str(db), "16384"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() in ("0 entries",
                                     "cannot open the sign-up database: the disk reported an "
                                     "error"), result.stdout + result.stderr
    assert len(list(db.parent.glob("signups.db.corrupt-*"))) >= 1
    with SignupStore.open(db) as store:  # room again
        assert {e.id: e for e in store.entries()} == before
        assert store.salvaged is not None
        assert store.salvaged.recovered == 40
    with SignupStore.open(db) as store:  # nothing more to add: nothing more to say
        assert store.salvaged is None
        assert len(store.entries()) == 40


@pytest.mark.expect_log("kiosk.signups.salvage", r"salvaged \d+ sign-ups")
def test_a_file_set_aside_by_an_older_kiosk_is_salvaged_without_clashing_ids(db, tmp_path):
    """Before this fix a damaged file was only set aside and a new one started at id 1."""
    old = fill(tmp_path / "old" / "signups.db", 10)
    break_header(tmp_path / "old" / "signups.db")
    with SignupStore.open(db) as store:  # the new file the older kiosk started
        fresh = [store.add(b"fresh-%d" % n, "v", created_at=T0) for n in range(3)]
    (tmp_path / "old" / "signups.db").rename(db.with_name("signups.db.corrupt-20261101T080000Z"))
    with SignupStore.open(db) as store:
        assert store.salvaged is not None
        assert store.salvaged.recovered == 10
        entries = store.entries()
        assert sorted(e.sealed for e in entries) == sorted(
            [b"fresh-%d" % n for n in range(3)] + [e.sealed for e in old.values()])
        assert {e.id for e in entries if e.sealed.startswith(b"fresh-")} == set(fresh)
        assert len({e.id for e in entries}) == 13
