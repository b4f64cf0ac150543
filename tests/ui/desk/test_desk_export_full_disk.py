"""The desk's export onto a full disk: plain words, nothing half-written, nothing lost."""

from __future__ import annotations

from pathlib import Path

from tests.small_disk import fill, small_tmpfs
from tests.ui.desk.conftest import WAIT_MS, make_signup, unlock


def test_an_export_onto_a_full_disk_says_so_and_loses_nothing(
        qtbot, make_desk, make_settings, kiosk, clinic, tmp_path: Path) -> None:
    import psycopg

    settings = make_settings()
    kiosk(settings).send(make_signup("Ana Peña", phone="+12025550143"))
    desk = make_desk(settings=settings)
    unlock(qtbot, desk)
    table = desk.window.signups.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    with small_tmpfs(tmp_path / "stick", size="256k") as stick:
        earlier = stick / "signups.csv"
        earlier.write_bytes(b"yesterday's export\r\n")
        fill(stick)
        desk.window.export_to(earlier)
        message = desk.window.statusBar().currentMessage()
        assert message == "Could not save the file: No space left on device"
        assert earlier.read_bytes() == b"yesterday's export\r\n"  # not replaced by a part
        assert sorted(p.name for p in stick.iterdir()
                      if not p.name.startswith("fill")) == ["signups.csv"]
    assert table.rowCount() == 1  # still on screen: export again elsewhere
    assert desk.window.is_unlocked
    with psycopg.connect(clinic.admin_conninfo) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM desk_audit")]
    assert "export" not in actions
    desk.window.export_to(tmp_path / "elsewhere.csv")
    assert "Ana Peña" in (tmp_path / "elsewhere.csv").read_text(encoding="utf-8-sig")
