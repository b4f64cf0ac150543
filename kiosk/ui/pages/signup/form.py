"""The sign-up form: name, phone and/or e-mail, a good time to call, a note, and consent.

A field is checked when the patient leaves it after typing in it, and the whole form on Send;
a field nobody has typed in yet is never scolded. A problem shows under its field in plain
words with an icon, the field gets an error outline, and the words become the field's
accessible description, so a screen reader reads them with the field. After Send a summary
("2 things to fix") stays at the top and the form scrolls to the first problem. Nothing typed
is ever cleared by a failed check. The form is built anew for each patient (see
``KioskWindow.reset_signup``), so no undo history survives.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.session import consent_version
from kiosk.signups.entry import CONTACT_TIMES, MAX_LENGTH, validate, validate_field
from kiosk.ui.input.touch import make_touch_scrollable
from kiosk.ui.pages.signup.fields import ConsentRow, ErrorMessage, FieldEdit
from kiosk.ui.pages.signup.scrolling import scroll_to_show
from kiosk.ui.pages.signup.spoken_names import spoken
from kiosk.ui.widgets.flow_layout import FlowLayout
from kiosk.ui.widgets.keyboard import EMAIL, PHONE, TEXT
from kiosk.ui.widgets.theme import Metrics

# field -> (label key, keyboard layout, max length)
FIELDS = {
    "name": ("name_label", TEXT, MAX_LENGTH["name"]),
    "phone": ("phone_label", PHONE, MAX_LENGTH["phone"]),
    "email": ("email_label", EMAIL, MAX_LENGTH["email"]),
    "note": ("note_label", TEXT, MAX_LENGTH["note"]),
}


def plural(strings: Mapping[str, str], key: str, count: int) -> str:
    """``key_one`` for 1 and ``key_other`` for any other count: the rule English and Spanish
    share (a language with more forms would need CLDR plural rules here)."""
    return strings[f"{key}_{'one' if count == 1 else 'other'}"].format(count=count)


class SignupForm(QWidget):
    submitted = Signal(object)  # Signup
    backTapped = Signal()
    fieldFocused = Signal(object, str)  # (FieldEdit or None, keyboard layout)

    def __init__(self, strings: Mapping[str, str], metrics: Metrics, region: str,
                 retention_days: int, language: str = "en",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._strings = strings
        self._region = region
        self._metrics = metrics
        # Stored with the entry, so the desk answers in the language the patient read.
        self.language = language
        # The text patients agree to names the retention period, so its version does too.
        self.consent_version = consent_version(strings["consent_version"], retention_days)
        self.edits: dict[str, FieldEdit] = {}
        self.errors: dict[str, ErrorMessage] = {}
        # What must be on screen with each field while the patient types in it.
        self._groups: dict[str, list[QWidget]] = {}
        # Which controls each error is about: its words become their accessible description.
        self._about: dict[str, list[QWidget]] = {}
        # Fields the patient has typed in: only those are checked as they are left.
        self._used: set[str] = set()

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
            group: list[QWidget] = []
            if name == "phone":
                hint = QLabel(strings["contact_hint"])
                hint.setObjectName("Hint")
                hint.setWordWrap(True)
                form.addSpacing(12)
                form.addWidget(hint)
                self.errors["contact"] = self._error_message()
                form.addWidget(self.errors["contact"])
                group += [hint, self.errors["contact"]]
            if name == "note":
                self._add_contact_time(form, metrics)
            label = QLabel(strings[label_key])
            label.setObjectName("FieldLabel")
            label.setWordWrap(True)
            edit = FieldEdit(name, keyboard, max_length)
            # The field is named by its label (its buddy), once: a screen reader reads the
            # label's words as the field's name and does not announce the label again.
            edit.setAccessibleName(strings[label_key])
            edit.setMinimumHeight(metrics.button_height)
            label.setBuddy(edit)
            edit.installEventFilter(self)
            edit.textEdited.connect(lambda _text, n=name: self._on_typed(n))
            edit.returnPressed.connect(lambda n=name: self._focus_after(n))
            self.edits[name] = edit
            self.errors[name] = self._error_message()
            self._about[name] = [edit]
            form.addSpacing(12)
            form.addWidget(label)
            form.addWidget(edit)
            form.addWidget(self.errors[name])
            self._groups[name] = [*group, label, edit, self.errors[name]]
        self._about["contact"] = [self.edits["phone"], self.edits["email"]]

        consent_text = QLabel(strings["consent_text"].format(days=retention_days))
        consent_text.setObjectName("Hint")
        consent_text.setWordWrap(True)
        consent_row = ConsentRow(strings["consent_label"], metrics.button_height)
        self.consent = consent_row.box
        self.consent.setChecked(False)
        self.consent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.consent.toggled.connect(lambda _on: self._clear_error("consent"))
        self.errors["consent"] = self._error_message()
        self._about["consent"] = [self.consent]
        form.addSpacing(24)
        form.addWidget(consent_text)
        form.addWidget(consent_row)
        form.addWidget(self.errors["consent"])

        self.send = QPushButton(strings["submit"])
        self.send.setObjectName("Primary")
        self.back = QPushButton(f"‹  {strings['signup_back']}")
        self.back.setAccessibleName(spoken(self.back.text()))
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

        # "2 things to fix" stays above the form while it scrolls to the first of them.
        self.summary = self._error_message()
        summary_box = QWidget()
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.setContentsMargins(metrics.margin, metrics.margin // 3, metrics.margin,
                                          metrics.margin // 3)
        summary_layout.addWidget(self.summary)
        summary_box.hide()
        self._summary_box = summary_box

        self.scroll_area = QScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(column)
        make_touch_scrollable(self.scroll_area)
        # The keyboard opening (or the summary going) changes the room: keep the field in view.
        self.scroll_area.viewport().installEventFilter(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(summary_box)
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
        self.errors["contact_time"] = self._error_message()
        self._about["contact_time"] = list(self.times.buttons())
        form.addSpacing(12)
        form.addWidget(label)
        form.addLayout(row)
        form.addWidget(self.errors["contact_time"])

    def _error_message(self) -> ErrorMessage:
        return ErrorMessage(self._metrics.body_px)

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
        return {name: message.text() for name, message in self.errors.items()
                if not message.isHidden()}

    def _message(self, key: str) -> str:
        text = self._strings[f"error.{key}"]
        return text if text != f"error.{key}" else self._strings["error.generic"]

    def _show_error(self, field: str, key: str | None) -> None:
        self.errors[field].set_text("" if key is None else self._message(key))
        self._describe(self._about[field])

    def _describe(self, controls: list[QWidget]) -> None:
        """Each control's error outline and accessible description from the errors shown."""
        for control in controls:
            words = [self.errors[field].text() for field, about in self._about.items()
                     if control in about and not self.errors[field].isHidden()]
            control.setAccessibleDescription(" ".join(words))
            invalid = bool(words)
            if control.property("invalid") != invalid:
                control.setProperty("invalid", invalid)
                control.style().unpolish(control)
                control.style().polish(control)

    def _on_typed(self, field: str) -> None:
        self._used.add(field)
        self._clear_error(field)

    def _clear_error(self, field: str) -> None:
        if field in self.errors:
            self._show_error(field, None)
        if field in ("phone", "email"):
            self._show_error("contact", None)
        self.banner.hide()
        if not self._summary_box.isHidden():
            self._update_summary()

    def _update_summary(self) -> None:
        count = len(self.visible_errors())
        self.summary.set_text(plural(self._strings, "errors_summary", count) if count else "")
        self._summary_box.setVisible(count > 0)

    def check_field(self, name: str) -> None:
        """Check one field as the patient leaves it, once they have typed in it; an empty
        optional field is fine."""
        value = self.edits[name].text()
        if name not in self._used and not value:
            return
        if not value.strip() and name != "name":
            self._show_error(name, None)
            return
        _clean, error = validate_field(name, value, self._region)
        self._show_error(name, error)

    def submit(self) -> None:
        signup, errors = validate(self.values(), self.consent.isChecked(),
                                  self.consent_version, self._region, language=self.language)
        for field in self.errors:
            self._show_error(field, errors.get(field))
        if signup is None:
            self._update_summary()
            QAccessible.updateAccessibility(
                QAccessibleEvent(self.summary.label, QAccessible.Event.Alert))
            first = next((f for f in self.errors if f in errors), None)
            if first is not None:
                self.ensure_visible(self._groups.get(first, [self.errors[first]]))
            return
        self.submitted.emit(signup)

    def show_failure(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.scroll_area.verticalScrollBar().setValue(0)

    # Focus and keyboard -----------------------------------------------------------------

    def group(self, name: str) -> list[QWidget]:
        """What shows with field ``name`` while the patient types in it: its hint, label,
        the field and its error."""
        return list(self._groups[name])

    def focused_field(self) -> str | None:
        return next((name for name, edit in self.edits.items() if edit.hasFocus()), None)

    def focus_field(self, name: str) -> None:
        self.edits[name].setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_after(self, name: str) -> None:
        names = list(self.edits)
        index = names.index(name)
        if index + 1 < len(names):
            self.edits[names[index + 1]].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.edits[name].clearFocus()
            self.fieldFocused.emit(None, "")

    def ensure_visible(self, widgets: list[QWidget]) -> None:
        # After the keyboard opens the page is shorter; wait for the new layout, then scroll.
        QTimer.singleShot(0, self, lambda: scroll_to_show(self.scroll_area, widgets))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, FieldEdit):
            if event.type() == QEvent.Type.FocusIn:
                self._summary_box.hide()  # the patient is fixing things: room for the field
                self.fieldFocused.emit(watched, watched.keyboard)
                self.ensure_visible(self._groups[watched.field])
            elif event.type() == QEvent.Type.FocusOut:
                self.check_field(watched.field)
        elif watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            focused = self.focused_field()
            if focused is not None:
                self.ensure_visible(self._groups[focused])
        return False
