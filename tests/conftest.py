"""Shared fixtures: a fresh copy of the real content and a fresh data folder for each test,
and the strict log check every test runs under."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.config import RESOURCES, Settings, load_settings
from kiosk.logging_setup import setup_logging
from tests.postgres import Clinic, PostgresServer, find_bin_dir

REAL_CONTENT = RESOURCES / "content"
FOLDER_MARKERS = {"unit": pytest.mark.unit, "ui": pytest.mark.ui, "e2e": pytest.mark.e2e}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The folder a test lives in decides its marker, so `-m unit` needs no bookkeeping.
    for item in items:
        for folder, marker in FOLDER_MARKERS.items():
            if f"tests/{folder}/" in item.path.as_posix():
                item.add_marker(marker)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _declared(record: logging.LogRecord, logger: str, pattern: str) -> bool:
    return ((record.name == logger or record.name.startswith(logger + "."))
            and re.search(pattern, record.getMessage()) is not None)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """As qutebrowser's logfail: a WARNING or worse that the test did not declare fails it.

    Declare what a test means to provoke with ``@pytest.mark.expect_log(logger, pattern)``
    (``logger`` matches itself and its children, ``pattern`` is searched in the message).
    A declaration allows, it does not require (a parametrized case may not log it): a test
    that is about the record checks it itself, with ``caplog``. Records from every thread
    count, from the test's fixtures' set-up to their tear-down.
    """
    expected = [tuple(mark.args) for mark in request.node.iter_markers("expect_log")]
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    yield
    root.removeHandler(collect)
    unexpected = [r for r in collect.records
                  if not any(_declared(r, *e) for e in expected)]
    if unexpected:
        pytest.fail("\n".join(f"unexpected {r.levelname} from {r.name}: {r.getMessage()}"
                              for r in unexpected), pytrace=False)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped content that a test may break or change."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


@pytest.fixture(scope="session")
def drawing_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of drawing costs for the session: verdicts are keyed by content and budget,
    so sharing it only spares each test drawing the shipped pictures again."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def make_settings(tmp_path: Path, drawing_cache: Path) -> Callable[..., Settings]:
    """Settings on a fresh data folder; keyword arguments override any field."""

    def make(content: Path | None = None, **changes: object) -> Settings:
        settings = load_settings(
            content_dir=content or REAL_CONTENT, data_dir=tmp_path / "data", windowed=True,
            environ={},
        ).with_overrides(cache_dir=drawing_cache)
        return settings.with_overrides(**changes) if changes else settings

    return make


def _postgres_bin() -> Path:
    """Debian's PostgreSQL server binaries; without them a test skips, or fails under CI
    (CI installs `postgresql`: a missing server there is a broken set-up, not a pass)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = ("PostgreSQL's server is not installed (/usr/lib/postgresql/*/bin/pg_ctl): "
                  "apt-get install postgresql")
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return bin_dir


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the session (tests/postgres.py). A test that stops it must
    start it again; one that needs to stop it often takes ``private_postgres``."""
    server = PostgresServer.start_new(_postgres_bin())
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def clinic(postgres: PostgresServer) -> Clinic:
    """A fresh database on the session's server, set up by init_server, roles of its own."""
    if not postgres.running:
        postgres.start()
    return postgres.fresh_clinic()


@pytest.fixture
def private_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL of this test's own, to stop, start or break as it likes."""
    server = PostgresServer.start_new(_postgres_bin())
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture
def kiosk_logging(make_settings) -> Iterator[Settings]:
    """The kiosk's real rotating log file, at DEBUG, removed again afterwards."""
    settings = make_settings()
    root = logging.getLogger()
    level = root.level
    setup_logging(settings.log_file, level=logging.DEBUG, to_stderr=False)
    yield settings
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
