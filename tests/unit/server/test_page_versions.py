"""Page versions on a real PostgreSQL: published whole by the desk, read only by kiosks,
never changed afterwards; a kiosk follows the live one, hash-checks and fully checks it,
refuses a broken one (keeping what it shows), and learns of a publish by LISTEN/NOTIFY."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from kiosk.content.kiosk_pages import KioskPages
from kiosk.content.version_publish import publish_checked
from kiosk.content.versions import VersionDamagedError
from kiosk.server.errors import ServerUnavailable
from kiosk.server.page_versions import PgVersionStore

PAGE = "en/10-the-sciatic-nerve.md"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def retitled(content_dir: Path, tmp_path: Path, name: str, title: str) -> Path:
    draft = tmp_path / name
    shutil.copytree(content_dir, draft)
    page = draft / PAGE
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: What is the sciatic nerve?", f"title: {title}", 1), encoding="utf-8")
    return draft


def title_of(folder: Path) -> str:
    return (folder / PAGE).read_text(encoding="utf-8").splitlines()[1]


@pytest.fixture
def stores(clinic):
    desk = PgVersionStore(clinic.desk_conninfo)
    kiosk = PgVersionStore(clinic.kiosk_conninfo)
    yield desk, kiosk
    desk.close()
    kiosk.close()


def test_the_desk_publishes_a_kiosk_reads_every_file_back(stores, content_dir, tmp_path,
                                                          make_settings):
    desk, kiosk = stores
    done = publish_checked(content_dir, make_settings(content_dir), desk, author="Rosa",
                           note="first", now=T0)
    assert done.version is not None
    assert [v.number for v in kiosk.history()] == [1]
    assert kiosk.get(1) == done.version
    out = tmp_path / "out"
    kiosk.export(1, out)
    for name in done.version.files:
        assert (out / name).read_bytes() == (content_dir / name).read_bytes()


def test_no_role_may_change_a_version_and_the_kiosk_may_not_publish(clinic, stores,
                                                                    content_dir, make_settings):
    desk, _kiosk = stores
    publish_checked(content_dir, make_settings(content_dir), desk, author="Rosa", note="n")
    for conninfo in (clinic.desk_conninfo, clinic.kiosk_conninfo):
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for statement in ("UPDATE page_files SET data = 'x'",
                              "DELETE FROM page_files", "UPDATE page_versions SET note = 'x'",
                              "DELETE FROM page_versions"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    with psycopg.connect(clinic.kiosk_conninfo, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO page_versions (number, author, created_at, note, manifest) "
                     "VALUES (9, 'x', now(), 'x', '{}')")


def test_a_version_changed_on_the_server_is_refused_and_leaves_no_folder(
        clinic, stores, content_dir, make_settings, tmp_path):
    desk, kiosk = stores
    publish_checked(content_dir, make_settings(content_dir), desk, author="Rosa", note="n")
    with psycopg.connect(clinic.admin_conninfo, autocommit=True) as conn:
        conn.execute("UPDATE page_files SET data = data || '\nforged'::bytea "
                     "WHERE name = %s", (PAGE,))
    with pytest.raises(VersionDamagedError, match="changed after it was published"):
        kiosk.export(1, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_kiosk_follows_publishes_refuses_a_broken_one_and_goes_back(
        clinic, stores, content_dir, make_settings, tmp_path):
    desk, kiosk_store = stores
    clock = Clock(T0 + timedelta(hours=1))
    settings = make_settings(content_dir)
    pages = KioskPages(settings, clock=clock)
    original = tmp_path / "original"  # the kiosk's own folder changes as it follows
    shutil.copytree(content_dir, original)
    new = retitled(original, tmp_path, "new", "Newly published")
    publish_checked(new, make_settings(new), desk, author="Rosa", note="new", now=T0)
    followed = pages.follow(kiosk_store)
    assert followed.refused == ""
    assert followed.shown is not None
    assert title_of(content_dir) == "title: Newly published"
    assert pages.follow(kiosk_store).shown is None  # already shown: nothing downloaded

    second = retitled(original, tmp_path, "second", "Second words")
    publish_checked(second, make_settings(second), desk, author="Rosa", note="second",
                    now=T0 + timedelta(minutes=1))
    assert pages.follow(kiosk_store).shown is not None
    assert title_of(content_dir) == "title: Second words"

    # Broken on purpose, straight into the server past the desk's check: refused.
    broken = retitled(original, tmp_path, "broken", "Broken")
    (broken / PAGE).write_text("no front matter", encoding="utf-8")
    names = sorted(str(p.relative_to(broken)) for p in broken.rglob("*") if p.is_file())
    admin = PgVersionStore(clinic.admin_conninfo)
    try:
        admin.publish(broken, names, author="x", note="broken", now=T0 + timedelta(minutes=2))
    finally:
        admin.close()
    refused = pages.follow(kiosk_store)
    assert refused.shown is None
    assert "was refused: en/10-the-sciatic-nerve.md:1:" in refused.refused
    assert title_of(content_dir) == "title: Second words"
    assert pages.follow(kiosk_store).refused == refused.refused  # remembered, not redone

    # Rollback: the desk publishes version 1 again (one click in History); the kiosk
    # shows it, from the server's newest version.
    with_v1 = tmp_path / "v1"
    desk.export(1, with_v1)
    again = publish_checked(with_v1, make_settings(with_v1), desk, author="Rosa",
                            note="version 1 again", now=T0 + timedelta(minutes=3))
    assert again.version is not None
    assert again.version.number == 4
    followed_back = pages.follow(kiosk_store)
    assert followed_back.refused == ""
    assert followed_back.shown is not None
    assert title_of(content_dir) == "title: Newly published"


def test_a_scheduled_version_goes_live_at_its_time(stores, content_dir, make_settings,
                                                  tmp_path):
    desk, kiosk_store = stores
    clock = Clock(T0)
    pages = KioskPages(make_settings(content_dir), clock=clock)
    holiday = retitled(content_dir, tmp_path, "holiday", "Holiday hours")
    publish_checked(holiday, make_settings(holiday), desk, author="Rosa", note="holiday",
                    starts_at=T0 + timedelta(days=1), now=T0 - timedelta(hours=1))
    assert pages.follow(kiosk_store).shown is None
    assert title_of(content_dir) == "title: What is the sciatic nerve?"
    clock.now = T0 + timedelta(days=1)
    assert pages.follow(kiosk_store).shown is not None
    assert title_of(content_dir) == "title: Holiday hours"


def test_a_publish_wakes_a_listening_kiosk(stores, content_dir, make_settings):
    desk, kiosk = stores
    assert kiosk.wait_for_change(0.05) is False  # listening from here on
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(kiosk.wait_for_change(10)))
    waiter.start()
    publish_checked(content_dir, make_settings(content_dir), desk, author="Rosa", note="n")
    waiter.join(15)
    assert woke == [True]


def test_the_server_gone_mid_follow_leaves_no_half_version(private_postgres, content_dir,
                                                           make_settings, tmp_path):
    clinic = private_postgres.fresh_clinic()
    desk = PgVersionStore(clinic.desk_conninfo)
    kiosk_store = PgVersionStore(clinic.kiosk_conninfo)
    settings = make_settings(content_dir)
    pages = KioskPages(settings, clock=Clock(datetime.now(UTC) + timedelta(hours=1)))
    new = retitled(content_dir, tmp_path, "new", "Never half shown")
    try:
        publish_checked(new, make_settings(new), desk, author="Rosa", note="new")
        kiosk_store.history()  # connected before the server goes
        private_postgres.stop("immediate")
        before = (content_dir / PAGE).read_bytes()
        with pytest.raises(ServerUnavailable):
            pages.follow(kiosk_store)
        assert (content_dir / PAGE).read_bytes() == before
        assert not list(settings.data_dir.glob(".incoming-*"))
        assert pages.shown() is None
        private_postgres.start()
        assert pages.follow(kiosk_store).shown is not None  # the next try takes it whole
        assert title_of(content_dir) == "title: Never half shown"
    finally:
        desk.close()
        kiosk_store.close()


def test_the_server_killed_during_the_download_leaves_no_half_version(
        private_postgres, content_dir, make_settings, tmp_path):
    """The kiosk's download statement is under way (held behind a lock the test takes, so
    the moment is certain, not a race) when the server stops: nothing half-written shows,
    no staging folder stays, and the next try takes the version whole."""
    clinic = private_postgres.fresh_clinic()
    desk = PgVersionStore(clinic.desk_conninfo)
    kiosk_store = PgVersionStore(clinic.kiosk_conninfo)
    settings = make_settings(content_dir)
    pages = KioskPages(settings, clock=Clock(datetime.now(UTC) + timedelta(hours=1)))
    new = retitled(content_dir, tmp_path, "new", "Never half shown")
    before = (content_dir / PAGE).read_bytes()
    outcome: list[object] = []
    try:
        publish_checked(new, make_settings(new), desk, author="Rosa", note="new")
        holder = psycopg.connect(clinic.admin_conninfo)
        watcher = psycopg.connect(clinic.admin_conninfo, autocommit=True)
        try:
            holder.execute("LOCK TABLE page_files IN ACCESS EXCLUSIVE MODE")

            def follow() -> None:
                try:
                    outcome.append(pages.follow(kiosk_store))
                except ServerUnavailable as e:
                    outcome.append(e)

            thread = threading.Thread(target=follow)
            thread.start()
            while not watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'SELECT name, data FROM page_files%'").fetchone()[0]:
                assert thread.is_alive(), outcome  # the download must be the one waiting
            private_postgres.stop("immediate")
            thread.join(60)
        finally:
            holder.close()  # gone with the server: closed, never committed
            watcher.close()
        assert not thread.is_alive()
        assert len(outcome) == 1
        assert isinstance(outcome[0], ServerUnavailable)
        assert (content_dir / PAGE).read_bytes() == before
        assert not list(settings.data_dir.glob(".incoming-*"))
        assert pages.shown() is None
        private_postgres.start()
        assert pages.follow(kiosk_store).shown is not None
        assert title_of(content_dir) == "title: Never half shown"
    finally:
        desk.close()
        kiosk_store.close()
