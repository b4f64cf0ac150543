"""The sign-up form: name, phone and/or e-mail, a good time to call, a note, and consent.

Checks run as the patient leaves a field and again on Send; each problem appears in plain
words under its field, and nothing typed is ever cleared by a failed check. The form is built
anew for each patient (see ``KioskWindow.reset_signup``), so no undo history survives.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.signups.entry import CONTACT_TIMES, validate, validate_field
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.keyboard import EMAIL, PHONE, TEXT
from kiosk.ui.theme import Metrics
from kiosk.ui.touch import make_touch_scrollable, scroll_into_view

# field -> (label key, keyboard layout, max length)
FIELDS = {
    "name": ("name_label", TEXT, 100),
    "phone": ("phone_label", PHONE, 30),
    "email": ("email_label", EMAIL, 254),
    "note": ("note_label", TEXT, 500),
}


class FieldEdit(QLineEdit):
    """A big single-line field with no context menu, no drag and drop, no undo beyond it."""

    def __init__(self, name: str, keyboard: str, max_length: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"field_{name}")
        self.field = name
        self.keyboard = keyboard
        self.setMaxLength(max_length)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)
        self.setClearButtonEnabled(False)
        hints = Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhSensitiveData
        if keyboard == PHONE:
            hints |= Qt.InputMethodHint.ImhDialableCharactersOnly
        elif keyboard == EMAIL:
            hints |= Qt.InputMethodHint.ImhEmailCharactersOnly
        self.setInputMethodHints(hints)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Nothing a patient typed may reach the clipboard for the next person to paste.
        if event.matches(QKeySequence.StandardKey.Copy) or event.matches(
                QKeySequence.StandardKey.Cut):
            event.accept()
            return
        super().keyPressEvent(event)


class ConsentBox(QCheckBox):
    """The tick box; its words are a wrapping label beside it (see ``ConsentRow``)."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


class ConsentRow(QWidget):
    """The tick box and its words, tickable with a tap anywhere on the row.

    A check box's own text never wraps, so at larger text or in Spanish it would run off a
    portrait screen; a wrapping label beside the box does not.
    """

    def __init__(self, text: str, min_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = ConsentBox()
        self.box.setAccessibleName(text)
        self.box.setMinimumHeight(min_height)
        self.label = QLabel(text)
        self.label.setObjectName("FieldLabel")
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.box.toggle()
        super().mouseReleaseEvent(event)


class SignupForm(QWidget):
    submitted = Signal(object)  # Signup
    backTapped = Signal()
    fieldFocused = Signal(object, str)  # (FieldEdit or None, keyboard layout)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, region: str,
                 retention_days: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self._region = region
        # The text patients agree to names the retention period, so its version does too.
        self.consent_version = f"{strings['consent_version']}-{retention_days}d"
        self.edits: dict[str, FieldEdit] = {}
        self.errors: dict[str, QLabel] = {}

        column = QWidget()
        column.setObjectName("Page")
        form = QVBoxLayout(column)
        form.setContentsMargins(metrics.margin, metrics.margin // 2, metrics.margin,
                                metrics.margin)
        form.setSpacing(12)
        title = QLabel(strings["signup_title"])
        title.setObjectName("PageTitle")
        title.setWordWrap(True)
        intro = QLabel(strings["signup_intro"])
        intro.setObjectName("Body")
        intro.setWordWrap(True)
        form.addWidget(title)
        form.addWidget(intro)
        self.banner = QLabel()
        self.banner.setObjectName("Banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        form.addWidget(self.banner)

        for name, (label_key, keyboard, max_length) in FIELDS.items():
            if name == "phone":
                hint = QLabel(strings["contact_hint"])
                hint.setObjectName("Hint")
                hint.setWordWrap(True)
                form.addSpacing(12)
                form.addWidget(hint)
                self.errors["contact"] = self._error_label()
                form.addWidget(self.errors["contact"])
            if name == "note":
                self._add_contact_time(form, metrics)
            label = QLabel(strings[label_key])
            label.setObjectName("FieldLabel")
            label.setWordWrap(True)
            edit = FieldEdit(name, keyboard, max_length)
            edit.setAccessibleName(strings[label_key])
            edit.setMinimumHeight(metrics.button_height)
            label.setBuddy(edit)
            edit.installEventFilter(self)
            edit.textEdited.connect(lambda _text, n=name: self._clear_error(n))
            edit.returnPressed.connect(lambda n=name: self._focus_after(n))
            self.edits[name] = edit
            self.errors[name] = self._error_label()
            form.addSpacing(12)
            form.addWidget(label)
            form.addWidget(edit)
            form.addWidget(self.errors[name])

        consent_text = QLabel(strings["consent_text"].format(days=retention_days))
        consent_text.setObjectName("Hint")
        consent_text.setWordWrap(True)
        consent_row = ConsentRow(strings["consent_label"], metrics.button_height)
        self.consent = consent_row.box
        self.consent.setChecked(False)
        self.consent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.consent.toggled.connect(lambda _on: self._clear_error("consent"))
        self.errors["consent"] = self._error_label()
        form.addSpacing(24)
        form.addWidget(consent_text)
        form.addWidget(consent_row)
        form.addWidget(self.errors["consent"])

        self.send = QPushButton(strings["submit"])
        self.send.setObjectName("Primary")
        self.back = QPushButton(f"‹  {strings['signup_back']}")
        for button in (self.send, self.back):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(metrics.button_height * 3)
        # Back and Send stay on screen below the scrolling form, never scrolled out of reach.
        bar = QWidget()
        bar.setObjectName("NavBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        buttons = QHBoxLayout(bar)
        buttons.setContentsMargins(metrics.margin, metrics.margin // 3, metrics.margin,
                                   metrics.margin // 3)
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.send)
        form.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(column)
        make_touch_scrollable(self.scroll_area)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(bar)

        self.send.clicked.connect(self.submit)
        self.back.clicked.connect(self.backTapped)
        # Anything put in the form, by a patient or by fill(), however it got there.
        self._touched = False
        for edit in self.edits.values():
            edit.textChanged.connect(self._touch)
        self.times.buttonToggled.connect(self._touch)
        self.consent.toggled.connect(self._touch)

    @property
    def touched(self) -> bool:
        """Whether anything was ever typed, ticked or filled in (even if removed again:
        the fields' undo history would still have it)."""
        return self._touched

    def _touch(self, *_args: object) -> None:
        self._touched = True

    def _add_contact_time(self, form: QVBoxLayout, metrics: Metrics) -> None:
        label = QLabel(self._strings["contact_time_label"])
        label.setObjectName("FieldLabel")
        label.setWordWrap(True)
        self.times = QButtonGroup(self)
        self.times.setExclusive(True)
        # Wraps onto two rows when three buttons do not fit (portrait, larger text).
        row = FlowLayout(spacing=metrics.margin // 2)
        for time in CONTACT_TIMES:
            button = QPushButton(self._strings[f"time_{time}"])
            button.setObjectName("Choice")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("value", time)
            self.times.addButton(button)
            row.addWidget(button)
        self.times.buttonToggled.connect(lambda *_: self._clear_error("contact_time"))
        self.errors["contact_time"] = self._error_label()
        form.addSpacing(12)
        form.addWidget(label)
        form.addLayout(row)
        form.addWidget(self.errors["contact_time"])

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setObjectName("FieldError")
        label.setWordWrap(True)
        label.hide()
        return label

    # Values and checks ------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        values = {name: edit.text() for name, edit in self.edits.items()}
        checked = self.times.checkedButton()
        values["contact_time"] = str(checked.property("value")) if checked else ""
        return values

    def fill(self, values: dict[str, str]) -> None:
        """Put back what a patient typed (after the pages were rebuilt in another language)."""
        for name, edit in self.edits.items():
            edit.setText(values.get(name, ""))
        for button in self.times.buttons():
            button.setChecked(button.property("value") == values.get("contact_time"))

    def visible_errors(self) -> dict[str, str]:
        return {name: label.text() for name, label in self.errors.items()
                if not label.isHidden()}

    def _message(self, key: str) -> str:
        text = self._strings[f"error.{key}"]
        return text if text != f"error.{key}" else self._strings["error.generic"]

    def _show_error(self, field: str, key: str | None) -> None:
        label = self.errors[field]
        if key is None:
            label.hide()
            label.clear()
            return
        label.setText(self._message(key))
        label.setAccessibleName(label.text())
        label.show()

    def _clear_error(self, field: str) -> None:
        if field in self.errors:
            self._show_error(field, None)
        self.banner.hide()

    def check_field(self, name: str) -> None:
        """Check one field as the patient leaves it; an empty optional field is fine."""
        value = self.edits[name].text()
        if not value.strip() and name != "name":
            self._show_error(name, None)
            return
        _clean, error = validate_field(name, value, self._region)
        self._show_error(name, error)

    def submit(self) -> None:
        signup, errors = validate(self.values(), self.consent.isChecked(),
                                  self.consent_version, self._region)
        for field in self.errors:
            self._show_error(field, errors.get(field))
        if signup is None:
            first = next((f for f in self.errors if f in errors), None)
            if first is not None:
                self.ensure_visible(self.errors[first])
            return
        self.submitted.emit(signup)

    def show_failure(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.scroll_area.verticalScrollBar().setValue(0)

    # Focus and keyboard -----------------------------------------------------------------

    def _focus_after(self, name: str) -> None:
        names = list(self.edits)
        index = names.index(name)
        if index + 1 < len(names):
            self.edits[names[index + 1]].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.edits[name].clearFocus()
            self.fieldFocused.emit(None, "")

    def ensure_visible(self, widget: QWidget) -> None:
        # After the keyboard opens the page is shorter; wait for the new layout, then scroll
        # so the field and its label above it show.
        QTimer.singleShot(0, self, lambda: scroll_into_view(self.scroll_area, widget, 56))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, FieldEdit):
            if event.type() == QEvent.Type.FocusIn:
                self.fieldFocused.emit(watched, watched.keyboard)
                self.ensure_visible(watched)
            elif event.type() == QEvent.Type.FocusOut:
                self.check_field(watched.field)
        return False

