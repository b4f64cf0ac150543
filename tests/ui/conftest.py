"""UI tests run on Qt's offscreen platform with a screen big enough for both orientations."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6

# Must be set before pytest-qt creates the QApplication.
os.environ["QT_QPA_PLATFORM"] = (
    "offscreen:configfile=" + str(Path(__file__).with_name("offscreen-screen.json"))
)

from argon2 import PasswordHasher
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QInputDevice

from kiosk.audit import AuditLog
from kiosk.config import I18N_DIR, RESOURCES, Settings, load_settings
from kiosk.content.last_good import load_for_startup, load_live
from kiosk.i18n import load_translations
from kiosk.security import PinGuard
from kiosk.signups.crypto import FLOOR_COST, MEMLIMIT_FLOOR, OPSLIMIT_FLOOR, create_keys
from kiosk.signups.service import SignupService
from kiosk.signups.store import SignupStore
from kiosk.ui.services import fonts, pictures
from kiosk.ui.services.content_watcher import ContentWatcher
from kiosk.ui.shell.window import KioskWindow, Services

PIN = "246813"
PASSPHRASE = "maple street front desk"

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
# How long a test waits for something to happen before it fails; raise it on a slow machine.
WAIT_MS = int(os.environ.get("KIOSK_TEST_WAIT_MS", "5000"))


@pytest.fixture(scope="session", autouse=True)
def _pictures_finish_before_qt_goes() -> Iterator[None]:
    """As the kiosk does on its way out: no worker may still be in an image plugin when
    the QApplication (and the plugins with it) is deleted at the end of the session."""
    yield
    assert pictures.finish_all(), "a picture was still being drawn after the last test"


# Made by Qt and PySide for themselves, once, on the QApplication: the gesture manager (it
# keeps each QScroller gesture it made, up to about a hundred per test here, after their
# widgets have gone), the drag manager, PySide's signal bookkeeping, and the input devices
# Qt registers.
QT_OWN_CLASSES = frozenset({"QGestureManager", "QDragManager",
                            "PySide::SenderSignalDeletionTracker"})


@pytest.fixture(scope="session")
def _program_wide_objects(qapp, _kiosk_font, tmp_path_factory) -> None:
    """What the kiosk makes once per program and keeps for its life (the application's one
    flick recognizer, ui/touch.py: a QScroller and a QObject on the QApplication), made by
    one window before the first test, so that test is not blamed for them."""
    settings = load_settings(content_dir=RESOURCES / "content",
                             data_dir=tmp_path_factory.mktemp("warm-up"), windowed=True,
                             environ={})
    content = load_live(settings).content
    window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages), content,
                         Services(None, None))
    # Pages are built when first needed (ui/shell/pages.py): build the section pages and
    # the topics menu, which make these, as any kiosk does a moment after its first paint.
    assert window.section_pages
    assert window.topics
    window.allow_close()
    window.close()
    shiboken6.delete(window)


@pytest.fixture(autouse=True)
def _fail_on_leftover_widgets(qapp, _program_wide_objects) -> Iterator[None]:
    """As napari's make_napari_viewer: a test that leaves a top-level widget or a QObject
    on the application behind fails. Set up before the test's other fixtures, so it looks
    after they and pytest-qt (which closes ``qtbot.addWidget`` widgets) have torn down,
    and after the deferred deletes they asked for have run."""
    # Compared by identity (some Qt objects are not hashable); holding the wrappers keeps
    # their ids from being reused meanwhile.
    before = [*qapp.topLevelWidgets(), *qapp.children()]
    known = {id(o) for o in before}
    yield
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    left = [w for w in qapp.topLevelWidgets() if id(w) not in known]
    left_children = [o for o in qapp.children()
                     if id(o) not in known and not isinstance(o, QInputDevice)
                     and o.metaObject().className() not in QT_OWN_CLASSES]
    del before
    described = [f"widget {type(w).__name__} {w.objectName()!r}" for w in left]
    described += [f"QObject {o.metaObject().className()} {o.objectName()!r} on the QApplication"
                  for o in left_children]
    if described:
        pytest.fail("left behind: " + "; ".join(described), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _kiosk_font(qapp) -> None:
    """As app.run does: the shipped typeface, so layouts do not depend on the machine's."""
    assert fonts.load_fonts(qapp) == fonts.FAMILY


@pytest.fixture(params=[LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def screen_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


def cheap_services(settings: Settings, *, set_up: bool = True) -> Services:
    """Real store, keys and PIN in the test's data folder, with fast key derivation."""
    store = SignupStore.open(settings.signups_db)
    guard = PinGuard(settings.pin_file, hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                              parallelism=1))
    if set_up:
        create_keys(settings.keys_file, PASSPHRASE, opslimit=OPSLIMIT_FLOOR,
                    memlimit=MEMLIMIT_FLOOR)
        guard.set_pin(PIN)
    return Services(SignupService(store, settings.keys_file, AuditLog(settings.audit_log),
                                  key_cost=FLOOR_COST), guard)


@pytest.fixture
def make_window(qtbot, make_settings, tmp_path) -> Iterator[Callable[..., KioskWindow]]:
    """A shown kiosk window of a given size on given content; closed after the test."""
    stores: list[SignupStore] = []

    def make(size: tuple[int, int] = LANDSCAPE, content: Path | None = None,
             settings: Settings | None = None, set_up: bool = True) -> KioskWindow:
        # Each window its own data folder: a store refuses a second user.
        settings = settings or make_settings(content, data_dir=tmp_path / f"data{len(stores)}")
        result = load_live(settings)
        assert result.ok, [str(p) for p in result.problems]
        services = cheap_services(settings, set_up=set_up)
        stores.append(services.signups.store)
        window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages),
                             result.content, services)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def window(make_window, screen_size) -> KioskWindow:
    return make_window(screen_size)


@pytest.fixture
def live(make_window, make_settings, content_dir):
    """A window on a copy of the content with the real watcher reloading it quickly."""
    settings = make_settings(content_dir, reload_quiet_ms=50, reload_settle_ms=200)
    startup = load_for_startup(settings)  # as app.build does: shown pages come from the copy
    assert startup.result.content is not None
    window = make_window(settings=settings)
    window.set_content(startup.result.content)
    watcher = ContentWatcher(settings)
    watcher.accepted.connect(window.update_content)
    watcher.start()
    yield window, watcher, content_dir
    watcher.stop()
