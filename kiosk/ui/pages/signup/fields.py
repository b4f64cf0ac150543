"""The pieces of the sign-up form: its text field, the consent row and the error messages.

Kept apart from ``signup_page`` (which arranges them and runs the checks) so each stays small.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from kiosk.ui.widgets.keyboard import EMAIL, PHONE


class FieldEdit(QLineEdit):
    """A big single-line field with no context menu, no drag and drop, no undo beyond it.

    Nothing typed may leave the field: no copy or cut to the clipboard, and no selection at
    all. On X11 any selected text becomes the PRIMARY selection, which every other X client
    can read while the form is open (Shift+Home, a drag or a double-click would select the
    patient's name); a kiosk field has no use for selecting, so a selection is undone as soon
    as it is made, before Qt hands it to the clipboard on the mouse release or key press.
    """

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
        self.selectionChanged.connect(self._drop_selection)

    def _drop_selection(self) -> None:
        if self.hasSelectedText():
            self.deselect()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Nothing a patient typed may reach the clipboard for the next person to paste.
        if event.matches(QKeySequence.StandardKey.Copy) or event.matches(
                QKeySequence.StandardKey.Cut):
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # A double tap places the cursor like a single one instead of selecting a word.
        self.mousePressEvent(event)


class ErrorIcon(QLabel):
    """A drawn "!" in a ring, in the error colour: an error is never shown by colour alone.

    A label without text, so the style sheet's ``QLabel#FieldError`` colour is its palette.
    As tall as a line of the message, with the ring in its middle, so it sits on the first
    line however many lines the message wraps onto."""

    def __init__(self, side: int, line_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FieldError")
        self.setFixedSize(QSize(side, max(side, line_height)))

    def paintEvent(self, event: QPaintEvent) -> None:
        side = self.width()
        top = (self.height() - side) / 2
        colour = self.palette().color(self.foregroundRole())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, max(2.0, side / 10))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        inset = pen.widthF()
        painter.drawEllipse(QRectF(inset, top + inset, side - 2 * inset, side - 2 * inset))
        pen.setWidthF(max(3.0, side / 8))
        painter.setPen(pen)
        middle = side / 2
        painter.drawLine(QPointF(middle, top + side * 0.28), QPointF(middle, top + side * 0.56))
        painter.drawPoint(QPointF(middle, top + side * 0.74))
        painter.end()


class ErrorMessage(QWidget):
    """An error in plain words with its icon; hidden while there is nothing to say."""

    def __init__(self, font_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A line of text is about 1.36 times its font size in Noto Sans and DejaVu Sans.
        self.icon = ErrorIcon(round(font_px * 1.1), round(font_px * 1.36))
        self.label = QLabel()
        self.label.setObjectName("FieldError")
        self.label.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(max(8, font_px // 3))
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))


class ConsentBox(QCheckBox):
    """The tick box; its words are a wrapping label beside it (see ``ConsentRow``)."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


class ConsentRow(QWidget):
    """The tick box and its words, tickable with a tap anywhere on the row.

    A check box's own text never wraps, so at larger text or in Spanish it would run off a
    portrait screen; a wrapping label beside the box does not. The label is the box's buddy,
    so a screen reader hears the words once, as the box's name.
    """

    def __init__(self, text: str, min_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = ConsentBox()
        self.box.setAccessibleName(text)
        self.box.setMinimumHeight(min_height)
        self.label = QLabel(text)
        self.label.setObjectName("FieldLabel")
        self.label.setWordWrap(True)
        self.label.setBuddy(self.box)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.box.toggle()
        super().mouseReleaseEvent(event)
