"""A short soak (bench/soak.py, the same driver): random taps, idle resets and sign-ups leave
nothing behind. Counts only, which are exact; memory is logged, never asserted."""

from __future__ import annotations

import enum
import gc
import importlib.util
import logging
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import LANDSCAPE

SOAK_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "soak.py"
STEPS, RESETS, FILLS, WARMUP = 300, 30, 8, 100
log = logging.getLogger(__name__)


def load_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kiosk_bench_soak", SOAK_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def enum_classes() -> Counter[str]:
    """Python enum classes alive, by name. PySide6 makes each enum type on first use, and
    one more class for every value it has not seen (a new gesture number each time a
    recognizer is registered): a name counted twice is that leak."""
    gc.collect()
    return Counter(o.__qualname__ for o in gc.get_objects() if isinstance(o, enum.EnumType))


@pytest.fixture
def soak(qapp, qtbot, make_settings, tmp_path):
    module = load_soak()
    settings = make_settings(data_dir=tmp_path / "soak-data", idle_countdown_ms=10)
    kiosk = module.build_kiosk(settings)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(*LANDSCAPE)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    driver = module.Soak(qapp, kiosk, random.Random(7))
    driver.settle()
    yield module, driver
    kiosk.close()


def test_taps_resets_and_sign_ups_leave_nothing_behind(soak):
    module, driver = soak
    rng = random.Random(8)
    driver.exercise_everything()  # one fill too
    warm = module.make_plan(rng, WARMUP, 10, 2)
    driver.run(warm, WARMUP + 1, log.debug)  # caches fill; nothing is compared yet
    enums_before = enum_classes()
    driver.steps = 0
    driver.run(module.make_plan(rng, STEPS, RESETS, FILLS), 0, log.debug)

    assert driver.compared == RESETS
    assert driver.off_baseline == []  # every reset: the same widgets and QObjects, by class
    enums = enum_classes()
    assert {name: n for name, n in enums.items() if n > max(1, enums_before[name])} == {}
    assert driver.failed_fills == 0
    assert driver.fills == FILLS + 3
    assert len(driver.window.services.signups.store.entries()) == FILLS + 3
    first, last = driver.samples[0], driver.samples[-1]
    log.info("short soak: RSS %+d KiB, QObjects %+d, Python objects %+d",
             last.rss_kib - first.rss_kib, last.qobjects - first.qobjects,
             last.python - first.python)


def test_the_pages_are_rebuilt_without_leaving_objects_behind(soak):
    module, driver = soak
    window = driver.window
    default = window.presentation
    driver.flush_deletes()
    widgets_before, qobjects_before = driver.counts()
    for _ in range(3):  # language, text size and contrast all take this path
        window.present(window.presentation.with_next_text_size())
        window.present(window.presentation.with_contrast_toggled())
        window.present(default)
        driver.flush_deletes()
    widgets, qobjects = driver.counts()
    assert widgets == widgets_before
    kept, over = module.split_lazy(qobjects)
    assert over == []
    assert kept == module.split_lazy(qobjects_before)[0]
    assert window.isActiveWindow()  # no page flashed up as a window of its own
