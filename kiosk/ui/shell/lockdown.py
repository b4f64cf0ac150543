"""Nobody leaves the app: one application-wide filter instead of a setting on every widget.

Installed on the QApplication, the filter sees every event for every object before the object
does, so a page built later (a new language, a new section) or a widget that forgets
``setContextMenuPolicy`` is covered too. It swallows:

- keys a patient could use to leave, break out or reach someone else's text: anything with
  Ctrl, Alt or Meta held (Alt+F4, Ctrl+Q/W/P/O/S, Ctrl+V/Z/A/K...), Escape, F1-F35, the
  Super/Meta and Menu keys, and the clipboard and undo shortcuts of any platform (Shift+Insert
  pastes on X11). What is left is typing: printable text, accents (dead keys, ``QKeyEvent``
  text, input methods), Backspace, Delete, arrows, Home/End, Return, Tab and Space, which is
  all the on-screen keyboard (``ui/widgets/keyboard.py``) sends. A refused key never becomes a
  shortcut either: its ``ShortcutOverride`` is accepted, so Qt delivers it as a key press,
  which the filter then drops;
- context menus, tooltips and "What's this?", whatever the widget's policy;
- drag and drop into the window (a file or text dropped on a field);
- mouse buttons other than the left one (the X11 middle-click paste, back/forward buttons).

Any top-level window other than the kiosk's own (a QMenu, QDialog, QMessageBox, a file or
print dialog, a tooltip label) is hidden as soon as it shows, and links opened with
``QDesktopServices.openUrl`` for the usual schemes come here and go nowhere. With
``keep_full_screen`` the kiosk window goes back to full screen if anything takes it out.
Logs name refused keys (never typed text) so the front desk can see what was tried.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDropEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QDialog, QWidget

log = logging.getLogger(__name__)

_T = QEvent.Type
_K = Qt.Key
_M = Qt.KeyboardModifier

# Swallowed wherever they go.
_NEVER = frozenset({_T.ContextMenu, _T.ToolTip, _T.WhatsThis, _T.QueryWhatsThis,
                    _T.EnterWhatsThisMode, _T.WhatsThisClicked})
_DRAG = frozenset({_T.DragEnter, _T.DragMove, _T.DragLeave, _T.Drop})
_KEYS = frozenset({_T.KeyPress, _T.KeyRelease, _T.ShortcutOverride})
_MOUSE = frozenset({_T.MouseButtonPress, _T.MouseButtonRelease, _T.MouseButtonDblClick})
_LOOKED_AT = _NEVER | _DRAG | _KEYS | _MOUSE | {_T.Show, _T.WindowStateChange}

# Keys that edit a field but never reach outside it.
_EDITING = frozenset({
    _K.Key_Backspace, _K.Key_Delete, _K.Key_Left, _K.Key_Right, _K.Key_Up, _K.Key_Down,
    _K.Key_Home, _K.Key_End, _K.Key_PageUp, _K.Key_PageDown, _K.Key_Return, _K.Key_Enter,
    _K.Key_Tab, _K.Key_Backtab, _K.Key_Space, _K.Key_Shift, _K.Key_CapsLock, _K.Key_NumLock,
    _K.Key_AltGr, _K.Key_Mode_switch, _K.Key_Multi_key,
})
_DEAD_KEYS = range(int(_K.Key_Dead_Grave), int(_K.Key_Dead_Longsolidusoverlay) + 1)
_HELD = _M.ControlModifier | _M.AltModifier | _M.MetaModifier
# Some of these have a Shift-only or function-key binding on some platform (Shift+Insert,
# Shift+Delete, F18...); whatever the binding, the previous patient's text stays out of reach.
_CLIPBOARD_AND_UNDO = (QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.Copy,
                       QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Undo,
                       QKeySequence.StandardKey.Redo)
# openUrl for these schemes comes to the kiosk instead of a browser, mail or file manager.
URL_SCHEMES = ("http", "https", "file", "ftp", "sftp", "smb", "mailto", "tel", "sms", "callto",
               "sip", "news", "irc", "ssh", "data")


def key_allowed(event: QKeyEvent) -> bool:
    """True for typing (text, accents, Backspace, arrows, Return, Tab), False for anything else."""
    if event.modifiers() & _HELD:
        return False
    if any(event.matches(shortcut) for shortcut in _CLIPBOARD_AND_UNDO):
        return False
    key = event.key()
    if key in _EDITING or key in _DEAD_KEYS:
        return True
    text = event.text()
    return bool(text) and text.isprintable()


_MODIFIER_NAMES = ((_M.ControlModifier, "Ctrl", _K.Key_Control),
                   (_M.AltModifier, "Alt", _K.Key_Alt),
                   (_M.MetaModifier, "Meta", _K.Key_Meta),
                   (_M.ShiftModifier, "Shift", _K.Key_Shift))


def describe_key(event: QKeyEvent) -> str:
    """'Alt+F4', 'Ctrl+Q', 'Meta': the key and its modifiers, never the text it types."""
    key, modifiers = event.key(), event.modifiers()
    parts = [name for flag, name, own in _MODIFIER_NAMES if modifiers & flag and key != own]
    try:
        parts.append(Qt.Key(key).name.removeprefix("Key_"))
    except ValueError:
        parts.append(f"0x{key:x}")
    return "+".join(parts)


class Lockdown(QObject):
    """The application-wide filter; ``install`` it on the QApplication, ``uninstall`` to stop."""

    def __init__(self, window: QWidget, *, keep_full_screen: bool,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._keep_full_screen = keep_full_screen
        self._app: QCoreApplication | None = None

    def install(self, app: QCoreApplication) -> None:
        self._app = app
        app.installEventFilter(self)
        for scheme in URL_SCHEMES:
            # PySide6 finds the slot by its name as str, whatever its type hints say.
            QDesktopServices.setUrlHandler(scheme, self, "refuse_url")  # type: ignore[arg-type]

    def uninstall(self) -> None:
        if self._app is None:
            return
        self._app.removeEventFilter(self)
        self._app = None
        for scheme in URL_SCHEMES:
            QDesktopServices.unsetUrlHandler(scheme)

    @Slot(QUrl)
    def refuse_url(self, url: QUrl) -> None:
        log.warning("refused to open a %s: link outside the kiosk", url.scheme())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _LOOKED_AT:  # paints, timers, moves: as fast as possible
            return False
        if kind in _KEYS:
            assert isinstance(event, QKeyEvent)
            if key_allowed(event):
                return False
            if kind == _T.KeyPress and not event.isAutoRepeat():
                log.info("refused the key %s", describe_key(event))
            event.accept()  # an accepted ShortcutOverride means "no shortcut, deliver it"
            return True
        if kind in _MOUSE:
            assert isinstance(event, QMouseEvent)
            if event.button() == Qt.MouseButton.LeftButton:
                return False
            event.accept()
            return True
        if kind in _NEVER:
            event.accept()  # accepted, so it does not travel on to the parent widgets
            return True
        if kind in _DRAG:
            if isinstance(event, QDropEvent):
                event.setDropAction(Qt.DropAction.IgnoreAction)
            event.ignore()  # refused: nothing is dropped
            return True
        if kind == _T.Show:
            self._refuse_other_windows(watched)
        elif kind == _T.WindowStateChange and watched is self._window:
            self._stay_full_screen()
        return False

    def _refuse_other_windows(self, watched: QObject) -> None:
        if not isinstance(watched, QWidget) or not watched.isWindow():
            return
        if watched is self._window:
            return
        log.error("hid a %s that would have covered the kiosk", type(watched).__name__)
        # After the show has finished: hiding in the middle of it would leave a native window.
        if isinstance(watched, QDialog):
            QTimer.singleShot(0, watched, watched.reject)  # also ends exec()
        else:
            QTimer.singleShot(0, watched, watched.hide)

    def _stay_full_screen(self) -> None:
        window = self._window

        def left() -> bool:
            # A minimised window keeps its full-screen flag, so look at both.
            return window.isVisible() and (not window.isFullScreen() or window.isMinimized())

        def restore() -> None:
            if left():
                log.warning("the kiosk window left full screen; putting it back")
                window.showFullScreen()
                window.activateWindow()

        if self._keep_full_screen and left():
            QTimer.singleShot(0, window, restore)
