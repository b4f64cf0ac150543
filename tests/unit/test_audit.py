"""The staff audit log: one private JSON line per action, read back in order."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kiosk.audit import AuditLog

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_records_are_appended_and_read_back(tmp_path):
    now = [T0]
    log = AuditLog(tmp_path / "data" / "audit.log", clock=lambda: now[0])
    assert log.records() == []
    log.record("unlock")
    now[0] = T0 + timedelta(minutes=5)
    log.record("export", "3 entries")
    assert log.records() == [
        {"time": "2026-03-01T09:30:00+00:00", "action": "unlock", "detail": ""},
        {"time": "2026-03-01T09:35:00+00:00", "action": "export", "detail": "3 entries"},
    ]
    lines = log.path.read_text().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["unlock", "export"]


def test_the_file_and_folder_are_private(tmp_path):
    log = AuditLog(tmp_path / "data" / "audit.log")
    log.record("purge", "2 entries")
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_times_are_stored_in_utc(tmp_path):
    local = datetime(2026, 3, 1, 4, 30, tzinfo=timezone(timedelta(hours=-5)))
    log = AuditLog(tmp_path / "audit.log", clock=lambda: local)
    log.record("lock")
    assert log.records()[0]["time"] == "2026-03-01T09:30:00+00:00"


@pytest.mark.expect_log("kiosk.audit", r"line \d+ is damaged; skipped")
def test_a_line_cut_short_is_skipped(tmp_path):
    log = AuditLog(tmp_path / "audit.log", clock=lambda: T0)
    log.record("unlock")
    with log.path.open("a") as f:
        f.write('{"time": "2026-03-01T09:3')  # power cut mid-line
    log.record("lock")
    assert [r["action"] for r in log.records()] == ["unlock", "lock"]


def test_an_existing_loose_file_is_tightened(tmp_path):
    path = tmp_path / "audit.log"
    path.write_text("")
    path.chmod(0o644)
    AuditLog(path).record("unlock")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.expect_log("kiosk.audit", r"cannot read the audit log")
@pytest.mark.expect_log("kiosk.audit", r"cannot write the audit log")
def test_a_failed_write_is_logged_and_never_stops_the_caller(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    log = AuditLog(blocker / "audit.log")
    assert log.record("lock") is False
    assert "cannot write the audit log (lock)" in caplog.text
    assert log.records() == []
