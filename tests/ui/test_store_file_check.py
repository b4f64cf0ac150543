"""The running kiosk folds a removed -wal back on its own, without waiting for a save."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.app import STORE_FILE_CHECK_MS, build

from .conftest import WAIT_MS


@pytest.mark.expect_log(
    "kiosk.signups.store", r"sign-up database reopened; nothing acknowledged was lost")
@pytest.mark.expect_log("kiosk.signups.store", r"-wal file was removed or replaced")
def test_the_kiosk_rescues_a_removed_wal_between_saves(qtbot, make_settings, tmp_path):
    settings = make_settings(data_dir=tmp_path / "data")
    kiosk = build(settings)
    try:
        store = kiosk.store
        assert store is not None
        saved = [store.add(b"sealed", "v") for _ in range(5)]
        wal = settings.signups_db.with_name("signups.db-wal")
        wal.unlink()
        # The timer's check reopens the store, which makes a new WAL of its own.
        qtbot.waitUntil(wal.exists, timeout=WAIT_MS + STORE_FILE_CHECK_MS)
        conn = sqlite3.connect(f"file:{settings.signups_db}?mode=ro", uri=True)
        try:
            assert {r[0] for r in conn.execute("SELECT id FROM signups")} >= set(saved)
        finally:
            conn.close()
    finally:
        kiosk.close()
        kiosk.window.close()
        kiosk.window.deleteLater()
