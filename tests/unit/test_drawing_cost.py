"""A drawing that passes every static check but takes minutes to draw is refused: `check`
draws it once with the kiosk's own renderer in a child process under CPU and memory limits,
and remembers the verdict by the file's content."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kiosk.config import RESOURCES
from kiosk.content.drawing_cost import DrawingBudget, judge_drawings
from kiosk.content.last_good import load_live
from kiosk.content.loader import load_content

SHIPPED_DRAWINGS = sorted((RESOURCES / "content" / "images").glob("*.svg"))


def hostile_drawing(path: Path, points: int = 60_000) -> Path:
    """One long line with a dash far shorter than a pixel: Qt draws every dash (128 s at
    1000x1000 here), yet it is one shape, well under every static limit."""
    rng = random.Random(13)
    line = " ".join(f"{rng.randrange(1000)},{rng.randrange(1000)}" for _ in range(points))
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000" '
                    'viewBox="0 0 1000 1000">'
                    f'<polyline points="{line}" fill="none" stroke="black" '
                    'style="stroke-dasharray: 0.001"/></svg>', encoding="utf-8")
    return path


@pytest.fixture
def qt_blocked(tmp_path) -> dict[str, str]:
    """Environment for a child on a machine without Qt: PySide6 cannot be imported."""
    fake = tmp_path / "no-qt" / "PySide6"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('libEGL.so.1: cannot open shared "
                                      "object file (made by the test)')\n")
    return {"PYTHONPATH": str(fake.parent)}


def use_drawing(content_dir: Path, picture: Path) -> tuple[Path, int]:
    """Make the first English page show ``picture``; returns the page and its image line."""
    page = sorted((content_dir / "en").glob("*.md"))[0]
    lines = page.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("image:"))
    lines[number] = f"image: {picture.name}"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page, number + 1


def test_the_hostile_drawing_passes_the_static_checks_but_is_refused_at_its_line(
        content_dir, make_settings):
    picture = hostile_drawing(content_dir / "images" / "dashes.svg")
    page, line = use_drawing(content_dir, picture)
    settings = make_settings(content_dir, drawing_budget_ms=300)
    # The static checks alone (what `check` did before) accept it.
    assert load_content(content_dir, settings.languages, "en").ok
    result = load_live(settings)
    assert result.content is None
    refused = [p for p in result.errors if p.path == page]
    assert [p.line for p in refused] == [line], [str(p) for p in result.errors]
    assert "'dashes.svg' takes longer than 0.3 s to draw" in refused[0].message


def test_shipped_drawings_are_measured_and_pass(tmp_path):
    verdicts = judge_drawings(SHIPPED_DRAWINGS, DrawingBudget(cache_dir=tmp_path))
    assert verdicts.unmeasured is None
    assert verdicts.refused == {}
    assert set(verdicts.measured_ms) == set(SHIPPED_DRAWINGS)


def test_a_drawing_over_budget_but_finished_says_how_long_it_took(tmp_path):
    # 100 points take about half a second here: over 0.1 s, well before the 2 s kill.
    picture = hostile_drawing(tmp_path / "dashes.svg", points=100)
    verdicts = judge_drawings([picture], DrawingBudget(cpu_ms=100))
    measured = verdicts.measured_ms[picture]
    assert measured > 100
    assert f"takes {measured / 1000:.1f} s to draw" in verdicts.refused[picture]


def test_the_verdict_is_cached_by_content_and_reused(tmp_path, qt_blocked):
    picture = hostile_drawing(tmp_path / "dashes.svg")
    first = judge_drawings([picture], DrawingBudget(cpu_ms=300, cache_dir=tmp_path / "cache"))
    assert picture in first.refused
    # Same bytes under another name: no child is started (one that cannot load Qt would
    # say so), and the message names the new file.
    renamed = tmp_path / "renamed.svg"
    renamed.write_bytes(picture.read_bytes())
    again = judge_drawings([renamed], DrawingBudget(cpu_ms=300, cache_dir=tmp_path / "cache",
                                                    child_env=qt_blocked))
    assert again.unmeasured is None
    assert "'renamed.svg' takes longer than" in again.refused[renamed]
    # A different budget is a different question.
    other = judge_drawings([renamed], DrawingBudget(cpu_ms=400, cache_dir=tmp_path / "cache",
                                                    child_env=qt_blocked))
    assert other.unmeasured is not None


def test_without_qt_nothing_is_accepted_silently(tmp_path, qt_blocked):
    verdicts = judge_drawings(SHIPPED_DRAWINGS[:2],
                              DrawingBudget(cache_dir=tmp_path, child_env=qt_blocked))
    assert verdicts.refused == {}
    assert verdicts.unmeasured is not None
    assert "libEGL.so.1" in verdicts.unmeasured


def test_kiosk_check_without_qt_warns_and_keeps_the_static_limits(tmp_path, qt_blocked):
    env = {"PYTHONPATH": f"{qt_blocked['PYTHONPATH']}:{RESOURCES.parent}", "PATH": "/usr/bin"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", "--data-dir",
                           str(tmp_path / "data"), str(RESOURCES / "content")],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning: drawing times were not measured: Qt cannot be loaded" in done.stdout
    assert "OK: 11 pages" in done.stdout


def test_kiosk_check_refuses_the_hostile_drawing_with_file_and_line(content_dir, tmp_path):
    picture = hostile_drawing(content_dir / "images" / "dashes.svg")
    page, line = use_drawing(content_dir, picture)
    config = tmp_path / "kiosk.toml"
    config.write_text("[content]\ndrawing_budget_ms = 300\n")
    done = subprocess.run([sys.executable, "-m", "kiosk", "check", "--config", str(config),
                           "--data-dir", str(tmp_path / "data"), str(content_dir)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert f"{page}:{line}: the drawing 'dashes.svg' takes longer than 0.3 s" in done.stdout


def test_the_cache_is_private_and_never_makes_a_data_folder(tmp_path):
    missing = tmp_path / "no-data-yet" / "cache"
    judge_drawings(SHIPPED_DRAWINGS[:1], DrawingBudget(cache_dir=missing))
    assert not missing.parent.exists()
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    judge_drawings(SHIPPED_DRAWINGS[:1], DrawingBudget(cache_dir=data / "cache"))
    made = sorted((data / "cache").rglob("*"))
    assert made
    assert {oct(p.stat().st_mode & 0o777) for p in made} <= {"0o700", "0o600"}
    assert {oct((data / "cache").stat().st_mode & 0o777)} == {"0o700"}


def test_the_memory_limit_is_the_kernels_in_the_child(tmp_path):
    # A 1920 px picture needs about 15 MB of pixels: with 1 MB allowed past what Qt itself
    # took, the child cannot make it, and the drawing is refused; with 64 MB it passes.
    drawing = SHIPPED_DRAWINGS[0]
    starved = judge_drawings([drawing], DrawingBudget(memory_mb=1))
    assert "needs more than 1 MB" in starved.refused[drawing]
    assert judge_drawings([drawing], DrawingBudget(memory_mb=64)).refused == {}


def test_a_drawing_swapped_after_it_was_hashed_cannot_poison_the_cache(tmp_path, qt_blocked):
    # The swap, made certain: as the child starts (before it draws anything) it overwrites
    # the file it was asked about with a harmless drawing, as someone with the file open
    # could between the hash and the drawing. The verdict must be about the bytes hashed.
    picture = hostile_drawing(tmp_path / "dashes.svg")
    swapper = tmp_path / "swapper"
    swapper.mkdir()
    (swapper / "sitecustomize.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['SWAP_FILE']).write_text("
        "'<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
        "<rect width=\"5\" height=\"5\"/></svg>')\n")
    hostile = picture.read_bytes()
    raced = judge_drawings([picture], DrawingBudget(
        cpu_ms=300, cache_dir=tmp_path / "cache",
        child_env={"PYTHONPATH": str(swapper), "SWAP_FILE": str(picture)}))
    assert picture.read_bytes() != hostile  # the swap did happen
    assert picture in raced.refused
    # The hostile bytes again: the cached verdict (no child can load Qt now) refuses them.
    picture.write_bytes(hostile)
    again = judge_drawings([picture], DrawingBudget(cpu_ms=300, cache_dir=tmp_path / "cache",
                                                    child_env=qt_blocked))
    assert again.unmeasured is None
    assert picture in again.refused


def test_no_room_for_the_private_copy_is_said_never_a_silent_pass(tmp_path, monkeypatch):
    # The copies the child draws go to the temp folder: a full one (a real tmpfs) must
    # not let drawings through unmeasured without a word.
    from tests.small_disk import fill, small_tmpfs

    picture = hostile_drawing(tmp_path / "dashes.svg")
    with small_tmpfs(tmp_path / "tmp", size="64k") as temp:
        fill(temp)
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        verdicts = judge_drawings([picture], DrawingBudget(cpu_ms=300))
    assert verdicts.unmeasured is not None
    assert "no private copy of the drawings could be made" in verdicts.unmeasured
