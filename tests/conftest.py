"""Shared fixtures: a fresh copy of the real content and a fresh data folder for each test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.config import RESOURCES, Settings, load_settings

REAL_CONTENT = RESOURCES / "content"
FOLDER_MARKERS = {"unit": pytest.mark.unit, "ui": pytest.mark.ui, "e2e": pytest.mark.e2e}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The folder a test lives in decides its marker, so `-m unit` needs no bookkeeping.
    for item in items:
        for folder, marker in FOLDER_MARKERS.items():
            if f"tests/{folder}/" in item.path.as_posix():
                item.add_marker(marker)


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
