"""Nobody leaves the kiosk: on every page, no key, click, hold, drag, drop or tooltip gets out.

The sweep runs on the full-screen kiosk (``show_kiosk`` with ``windowed=False``) with the
application-wide lockdown installed, as ``app.run`` does. Keys go in the way a keyboard's do:
through the QWindow (Qt's own shortcut handling included) and to the focused field. Before the
sweep every widget is put back to Qt's default context-menu policy and given a tooltip, as if
nobody had remembered them: the lockdown has to hold by itself, not by per-widget settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QHelpEvent,
    QKeyEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTapAndHoldGesture,
    QToolTip,
    QWidget,
)

from kiosk.config import I18N_DIR
from kiosk.content.last_good import load_live
from kiosk.i18n import load_translations
from kiosk.session import ATTRACT, THANKS
from kiosk.signups.store import SignupStore
from kiosk.ui.shell.lockdown import Lockdown, key_allowed
from kiosk.ui.shell.window import NOT_READY, SIGNUP, STAFF, TOPICS, KioskWindow

from .conftest import PIN, WAIT_MS, cheap_services
from .test_keyboard import type_on

K = Qt.Key
M = Qt.KeyboardModifier
CTRL, ALT, SHIFT, META, NONE = (M.ControlModifier, M.AltModifier, M.ShiftModifier,
                                M.MetaModifier, M.NoModifier)
NEVER_MS = 600_000  # idle and thank-you timers that must not fire during a sweep
HOLD_MS = 200  # Qt's press-and-hold thresholds are lowered to this for the test

# Keys a patient could use to leave or break out.
LEAVING_KEYS = [
    ("Alt+F4", K.Key_F4, ALT), ("Ctrl+W", K.Key_W, CTRL), ("Ctrl+Q", K.Key_Q, CTRL),
    ("Esc", K.Key_Escape, NONE),
    *[(f"F{n}", getattr(K, f"Key_F{n}"), NONE) for n in range(1, 13)],
    ("Ctrl+P", K.Key_P, CTRL), ("Ctrl+O", K.Key_O, CTRL), ("Ctrl+S", K.Key_S, CTRL),
    ("Alt+Tab", K.Key_Tab, ALT), ("Meta", K.Key_Meta, META),
    ("Super_L", K.Key_Super_L, META), ("Super_R", K.Key_Super_R, META),
    ("Menu", K.Key_Menu, NONE), ("Shift+F10", K.Key_F10, SHIFT),
]
# Keys that would reach the previous patient's text, or put this one's on the clipboard.
EDITING_KEYS = [
    ("Ctrl+A", K.Key_A, CTRL), ("Ctrl+C", K.Key_C, CTRL), ("Ctrl+Insert", K.Key_Insert, CTRL),
    ("Ctrl+V", K.Key_V, CTRL), ("Shift+Insert", K.Key_Insert, SHIFT),
    ("Ctrl+Z", K.Key_Z, CTRL), ("Ctrl+Y", K.Key_Y, CTRL), ("Ctrl+Shift+Z", K.Key_Z, CTRL | SHIFT),
    ("Alt+Backspace", K.Key_Backspace, ALT), ("Ctrl+K", K.Key_K, CTRL),
    ("Ctrl+U", K.Key_U, CTRL), ("Ctrl+X", K.Key_X, CTRL), ("Shift+Delete", K.Key_Delete, SHIFT),
]
SOMEONE_ELSES = "someone else's text"
PAGES = ["attract", "sections", "topics", "signup", "thanks", "not-ready", "staff-pin",
         "staff-passphrase", "still-there"]


@pytest.fixture
def hold_thresholds() -> Iterator[None]:
    """Lower Qt's own press-and-hold times, so a 'long press' is long to Qt but quick here."""
    hints = QGuiApplication.styleHints()
    old_hold, old_tap = hints.mousePressAndHoldInterval(), QTapAndHoldGesture.timeout()
    hints.setMousePressAndHoldInterval(HOLD_MS)
    QTapAndHoldGesture.setTimeout(HOLD_MS)
    yield
    hints.setMousePressAndHoldInterval(old_hold)
    QTapAndHoldGesture.setTimeout(old_tap)


@pytest.fixture
def make_kiosk(qtbot, qapp, make_settings, tmp_path) -> Iterator[Callable[..., KioskWindow]]:
    """The full-screen kiosk, with the lockdown installed on the application as app.run does."""
    made: list[tuple[KioskWindow, Lockdown, SignupStore]] = []

    def make(set_up: bool = True) -> KioskWindow:
        settings = make_settings(
            windowed=False, data_dir=tmp_path / f"data{len(made)}", idle_ms=NEVER_MS,
            idle_form_ms=NEVER_MS, idle_countdown_ms=NEVER_MS, thank_you_ms=NEVER_MS,
            staff_idle_ms=NEVER_MS, staff_hold_ms=NEVER_MS)
        result = load_live(settings)
        assert result.ok, [str(p) for p in result.problems]
        services = cheap_services(settings, set_up=set_up)
        window = KioskWindow(settings, load_translations(I18N_DIR, settings.languages),
                             result.content, services)
        qtbot.addWidget(window, before_close_func=KioskWindow.allow_close)  # as quitting does
        lockdown = Lockdown(window, keep_full_screen=True)
        lockdown.install(qapp)
        made.append((window, lockdown, services.signups.store))
        window.show_kiosk()
        qtbot.waitExposed(window)
        qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
        return window

    yield make
    for window, lockdown, store in made:
        lockdown.uninstall()
        window.allow_close()
        window.close()
        store.close()


@pytest.fixture
def strays(qtbot) -> Iterator[list[str]]:
    """Records, and takes down, any window but the kiosk's (so a menu's exec() cannot hang)."""
    seen: list[str] = []

    def sweep() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and not isinstance(widget, KioskWindow):
                seen.append(type(widget).__name__)
                if isinstance(widget, QDialog):
                    widget.reject()
                else:
                    widget.hide()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(sweep)
    timer.start()
    yield seen
    timer.stop()


@dataclass
class Scene:
    """A page as the patient left it: what must still be there after the sweep."""

    window: KioskWindow
    page: str
    target: QWidget  # somewhere a finger may rest that is not a button
    fields: dict[str, QLineEdit]
    typed: dict[str, str]
    still_there: bool = False
    text: QWidget | None = None  # a section's text (a QTextBrowser)

    def spots(self) -> list[QWidget]:
        return [self.target, *self.fields.values(), *([self.text] if self.text else [])]


def type_like_a_keyboard(qtbot, edit: QLineEdit, text: str) -> None:
    """ASCII through QTest, the rest as the QKeyEvent a keyboard layout sends (see qt-notes)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(edit, QKeyEvent(kind, K.Key_unknown, NONE, char))


def resting_place(page: QWidget) -> QWidget:
    """A visible label on ``page`` that no button or gesture owns."""
    for label in page.findChildren(QLabel):
        if not label.isVisible() or label.testAttribute(
                Qt.WidgetAttribute.WA_TransparentForMouseEvents):
            continue
        parent = label.parentWidget()
        while parent is not None and parent is not page and not isinstance(
                parent, QAbstractButton):
            parent = parent.parentWidget()
        if parent is page and label.width() > 40:
            return label
    raise AssertionError(f"no label to rest a finger on in {page!r}")


def arrange(qtbot, window: KioskWindow, name: str, section: int = 0) -> Scene:
    fields: dict[str, QLineEdit] = {}
    if name == "attract":
        window.show_attract()
        target: QWidget = window.attract
    elif name in ("sections", "still-there"):
        window.show_section(section)
        target = window.section_pages[section].title
        if name == "still-there":
            window.idle.warn_now()
            assert window.still_there.isVisible()
            target = resting_place(window.still_there)
    elif name == "topics":
        window.show_topics()
        target = resting_place(window.topics)
    elif name == "signup":
        window.show_signup()
        assert window.current_page == SIGNUP
        fields = dict(window.form.edits)
        fields["name"].setFocus()
        type_like_a_keyboard(qtbot, fields["name"], "Zoë Peña")
        fields["email"].setFocus()
        type_like_a_keyboard(qtbot, fields["email"], "zoe@example.org")
        target = fields["email"]
    elif name in ("thanks", "not-ready"):
        if name == "thanks":
            window.controller.go(THANKS)
        else:
            window.show_signup()
            assert window.current_page == NOT_READY
        target = resting_place(window.thanks if name == "thanks" else window.not_ready)
    else:
        window.show_staff()
        assert window.current_page == STAFF
        target = resting_place(window.staff.pin)
        if name == "staff-passphrase":
            with qtbot.waitSignal(window.staff.checking.finished, timeout=WAIT_MS):
                window.staff.pin.type_pin(PIN)
            assert window.staff.step is window.staff.passphrase
            edit = window.staff.passphrase.edit
            edit.setFocus()
            type_like_a_keyboard(qtbot, edit, "maple street")
            fields = {"passphrase": edit}
            target = edit
    qtbot.waitUntil(lambda: target.isVisible(), timeout=WAIT_MS)
    scene = Scene(window, window.current_page, target, fields,
                  {key: edit.text() for key, edit in fields.items()},
                  still_there=name == "still-there",
                  text=window.section_pages[section].text if name == "sections" else None)
    assert not fields or any(scene.typed.values()), scene.typed
    return scene


def forget_every_policy(window: KioskWindow, target: QWidget) -> None:
    """Undo the per-widget care: Qt's default menus everywhere, and a tooltip to show."""
    for widget in [window, *window.findChildren(QWidget)]:
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
    target.setToolTip("a tooltip someone added")
    target.setWhatsThis("what this is")


def assert_still_the_kiosk(scene: Scene, strays: list[str], after: str) -> None:
    window = scene.window
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [window], f"after {after}: {[type(w).__name__ for w in visible]}"
    assert not strays, f"after {after}: {strays} appeared"
    assert QApplication.activePopupWidget() is None, after
    assert QApplication.activeModalWidget() is None, after
    assert window.isFullScreen(), after
    assert not window.isMinimized(), after
    assert window.isActiveWindow(), after
    assert window.current_page == scene.page, after
    assert window.still_there.isVisible() == scene.still_there, after
    assert {key: edit.text() for key, edit in scene.fields.items()} == scene.typed, after
    assert QGuiApplication.clipboard().text() == SOMEONE_ELSES, after


def centre_in_window(widget: QWidget) -> QPoint:
    return widget.mapTo(widget.window(), widget.rect().center())


def press_keys(scene: Scene, strays: list[str]) -> None:
    handle = scene.window.windowHandle()
    for name, key, modifiers in LEAVING_KEYS + EDITING_KEYS:
        QTest.keyClick(handle, key, modifiers)
        assert_still_the_kiosk(scene, strays, f"{name} at the window")
        focused = QApplication.focusWidget()
        if focused is not None:
            QTest.keyClick(focused, key, modifiers)
            assert_still_the_kiosk(scene, strays, f"{name} at {type(focused).__name__}")


def click_other_buttons(scene: Scene, strays: list[str]) -> None:
    handle = scene.window.windowHandle()
    for widget in scene.spots():
        for button in (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton,
                       Qt.MouseButton.BackButton):
            QTest.mouseClick(handle, button, NONE, centre_in_window(widget))
            assert_still_the_kiosk(scene, strays, f"{button.name} on {type(widget).__name__}")


def hold_for(qtbot, ms: int) -> None:
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=ms + WAIT_MS):
        timer.start(ms)


def long_press_and_drag(qtbot, scene: Scene, strays: list[str]) -> None:
    handle = scene.window.windowHandle()
    spot = centre_in_window(scene.target)
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, NONE, spot)
    hold_for(qtbot, HOLD_MS + 100)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, NONE, spot)
    assert_still_the_kiosk(scene, strays, "a long press with the mouse")

    touch = QTest.createTouchDevice()
    QTest.touchEvent(handle, touch).press(0, spot, handle).commit()
    hold_for(qtbot, HOLD_MS + 100)
    QTest.touchEvent(handle, touch).release(0, spot, handle).commit()
    assert_still_the_kiosk(scene, strays, "a long press with a finger")

    # Straight down: a scroll at most, never a swipe to another page.
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, NONE, spot)
    for step in range(1, 11):
        QTest.mouseMove(handle, spot + QPoint(0, 30 * step))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, NONE, spot + QPoint(0, 300))
    assert_still_the_kiosk(scene, strays, "a drag")


def drop_a_file(scene: Scene, strays: list[str]) -> None:
    handle = scene.window.windowHandle()
    for widget in scene.spots():
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile("/etc/passwd")])
        data.setText("/etc/passwd")  # file managers offer the path as text too
        spot = centre_in_window(widget)
        copy = Qt.DropAction.CopyAction
        left = Qt.MouseButton.LeftButton
        QApplication.sendEvent(handle, QDragEnterEvent(spot, copy, data, left, NONE))
        move = QDragMoveEvent(spot, copy, data, left, NONE)
        QApplication.sendEvent(handle, move)
        where = f"a file dragged onto {type(widget).__name__}"
        # Like Qt's drag manager: the drop comes only where the drag was accepted.
        if move.isAccepted():
            QApplication.sendEvent(handle, QDropEvent(QPointF(spot), copy, data, left, NONE))
        assert_still_the_kiosk(scene, strays, where)
        assert not move.isAccepted(), where


def ask_for_tooltips(scene: Scene, strays: list[str]) -> None:
    widget = scene.target
    local = widget.rect().center()
    for kind in (QEvent.Type.ToolTip, QEvent.Type.WhatsThis):
        QApplication.sendEvent(widget, QHelpEvent(kind, local, widget.mapToGlobal(local)))
        assert_still_the_kiosk(scene, strays, f"{kind.name} on {type(widget).__name__}")


def sweep(qtbot, scene: Scene, strays: list[str], *, finger: bool = True) -> None:
    forget_every_policy(scene.window, scene.target)
    QGuiApplication.clipboard().setText(SOMEONE_ELSES)
    assert_still_the_kiosk(scene, strays, "arranging the page")
    press_keys(scene, strays)
    click_other_buttons(scene, strays)
    if finger:
        long_press_and_drag(qtbot, scene, strays)
    drop_a_file(scene, strays)
    ask_for_tooltips(scene, strays)


@pytest.mark.usefixtures("hold_thresholds")
@pytest.mark.parametrize("name", PAGES)
def test_nothing_a_patient_presses_leaves_the_page(qtbot, make_kiosk, strays, name):
    window = make_kiosk(set_up=name != "not-ready")
    if name == "sections":
        for index in range(len(window.sections)):
            sweep(qtbot, arrange(qtbot, window, name, index), strays)
        return
    # The whole start screen is one big start button: a finger held on it starts the tour,
    # as it should, so only the other buttons, keys, drops and tooltips are tried there.
    sweep(qtbot, arrange(qtbot, window, name), strays, finger=name != "attract")


def test_typing_still_works_with_the_lockdown(qtbot, make_kiosk):
    window = make_kiosk()
    window.show_signup()
    edits = window.form.edits
    edits["name"].setFocus()
    handle = window.windowHandle()
    for char in "Ana ":
        QTest.keyClick(handle, char, SHIFT if char.isupper() else NONE)
        assert edits["name"].text().endswith(char), (char, edits["name"].text())
    type_like_a_keyboard(qtbot, edits["name"], "Zoë Peña")
    QTest.keyClick(handle, K.Key_Backspace)
    QTest.keyClick(handle, K.Key_Left)
    QTest.keyClick(handle, K.Key_Delete)
    assert edits["name"].text() == "Ana Zoë Pe"
    QTest.keyClick(handle, K.Key_Return)  # on to the next field, as before
    assert QApplication.focusWidget() is edits["phone"]
    qtbot.keyClicks(edits["phone"], "+1 202 555 0143")
    edits["email"].setFocus()
    qtbot.keyClicks(edits["email"], "ana@example.org")
    edits["note"].setFocus()
    qtbot.waitUntil(window.keyboard.isVisible, timeout=WAIT_MS)
    type_on(qtbot, window.keyboard, "Núñez, mañana")
    assert window.form.values() == {"name": "Ana Zoë Pe", "phone": "+1 202 555 0143",
                                    "email": "ana@example.org", "note": "Núñez, mañana",
                                    "contact_time": ""}


@pytest.mark.parametrize(("key", "modifiers", "text"), [
    (K.Key_A, NONE, "a"), (K.Key_A, SHIFT, "A"), (K.Key_2, SHIFT, "@"),
    (K.Key_unknown, NONE, "ë"), (K.Key_unknown, NONE, ".com"), (K.Key_Space, NONE, " "),
    (K.Key_Backspace, NONE, ""), (K.Key_Delete, NONE, ""), (K.Key_Left, NONE, ""),
    (K.Key_Return, NONE, "\r"), (K.Key_Tab, NONE, "\t"), (K.Key_Dead_Acute, NONE, ""),
    (K.Key_5, M.KeypadModifier, "5"), (K.Key_Shift, SHIFT, ""),
])
def test_typing_keys_are_allowed(key, modifiers, text):
    assert key_allowed(QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))


# Showing a popup at all makes the offscreen platform say it cannot raise or grab.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
@pytest.mark.expect_log("kiosk.ui.shell.lockdown", r"hid a Q\w+ that would have covered the kiosk")
def test_a_menu_a_dialog_or_a_tooltip_shown_by_code_is_taken_down(qtbot, make_kiosk):
    window = make_kiosk()

    def only_the_kiosk() -> bool:
        return [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]

    menu = QMenu(window)
    menu.addAction("Quit")
    box = QMessageBox(QMessageBox.Icon.Warning, "Error", "Something", parent=window)
    files = QFileDialog(window)
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    shows = [lambda: menu.popup(window.mapToGlobal(QPoint(100, 100))), box.open, files.open,
             lambda: QToolTip.showText(window.mapToGlobal(QPoint(100, 100)), "tip", window)]
    for show in shows:
        show()
        assert not only_the_kiosk()  # it did show...
        qtbot.waitUntil(only_the_kiosk, timeout=WAIT_MS)  # ...and went at once
    assert window.isFullScreen()
    assert window.current_page == ATTRACT


@pytest.mark.expect_log("kiosk.ui.shell.lockdown", r"left full screen; putting it back")
def test_the_kiosk_goes_back_to_full_screen(qtbot, make_kiosk):
    window = make_kiosk()
    window.show_topics()
    for leave in (window.showMinimized, window.showNormal):
        leave()
        qtbot.waitUntil(lambda: window.isFullScreen() and not window.isMinimized(),
                        timeout=WAIT_MS)
    assert window.current_page == TOPICS


@pytest.mark.expect_log("kiosk.ui.shell.lockdown", r"refused to open a \w+: link outside the kiosk")
def test_links_opened_anywhere_go_nowhere(make_kiosk, caplog):
    make_kiosk()
    for url in ("https://example.org", "file:///etc/passwd", "mailto:desk@example.org"):
        assert QDesktopServices.openUrl(QUrl(url))  # answered by the kiosk, not a browser
    assert caplog.text.count("refused to open") == 3

