"""The body of a section: plain text with buttons for bold, a list, a heading and a link to
another page, so staff never type Markdown's marks themselves; and every problem the check
found, marked beside its line (a red or amber sign in the margin, the line tinted, the
words in the tooltip and in the list under the editor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

ERROR = QColor("#8E1F24")
WARNING = QColor("#8A6100")


@dataclass(frozen=True)
class LineProblem:
    line: int  # 1-based, in the body
    message: str
    error: bool


class _Margin(QWidget):
    """Line numbers, and a sign beside each line with a problem."""

    def __init__(self, editor: MarkedEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.margin_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_margin(self, event)


class MarkedEditor(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems: dict[int, LineProblem] = {}
        self.margin = _Margin(self)
        self.blockCountChanged.connect(lambda _n: self.fit_margin())
        self.updateRequest.connect(self._scrolled)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.fit_margin()

    def margin_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 28 + self.fontMetrics().horizontalAdvance("9") * digits

    def fit_margin(self) -> None:
        width = self.margin_width()
        self.setViewportMargins(width, 0, 0, 0)
        inner = self.contentsRect()
        self.margin.setGeometry(QRect(inner.left(), inner.top(), width, inner.height()))

    def _scrolled(self, rect: QRect, dy: int) -> None:
        if dy:
            self.margin.scroll(0, dy)
        else:
            self.margin.update(0, rect.y(), self.margin.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        inner = self.contentsRect()
        self.margin.setGeometry(QRect(inner.left(), inner.top(), self.margin_width(),
                                      inner.height()))

    def paint_margin(self, margin: QWidget, event: QPaintEvent) -> None:
        painter = QPainter(margin)
        painter.fillRect(event.rect(), QColor("#EEF1F4"))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            number = block.blockNumber() + 1
            bottom = top + round(self.blockBoundingRect(block).height())
            problem = self.problems.get(number)
            if problem is not None:
                colour = ERROR if problem.error else WARNING
                painter.setBrush(colour)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawEllipse(4, top + (height - 16) // 2, 16, 16)
                painter.setPen(QColor("white"))
                painter.drawText(QRect(4, top + (height - 16) // 2, 16, 16),
                                 Qt.AlignmentFlag.AlignCenter, "!")
            painter.setPen(QColor("#3D4A5C"))
            painter.drawText(QRect(0, top, margin.width() - 4, height),
                             Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom

    def set_problems(self, problems: Sequence[LineProblem]) -> None:
        self.problems = {}
        for problem in problems:
            # An error outranks a warning on the same line.
            if problem.line not in self.problems or problem.error:
                self.problems[problem.line] = problem
        marks = []
        for line, problem in sorted(self.problems.items()):
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            mark = QTextEdit.ExtraSelection()
            tint = QColor(ERROR if problem.error else WARNING)
            tint.setAlpha(40)
            mark.format.setBackground(tint)
            mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            mark.format.setToolTip(problem.message)
            mark.cursor = QTextCursor(block)
            marks.append(mark)
        self.setExtraSelections(marks)
        self.margin.update()


class BodyEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bold = QPushButton("Bold")
        self.list_button = QPushButton("List")
        self.heading = QPushButton("Heading")
        self.link_target = QComboBox()
        self.link_target.setObjectName("LinkTarget")
        self.link_target.setToolTip("The page the link opens")
        # Long titles would otherwise push the editor wider than a portrait screen.
        self.link_target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.link_target.setMinimumContentsLength(4)
        self.link = QPushButton("Link to page")
        self.edit = MarkedEditor()
        self.edit.setObjectName("BodyText")
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("Problems")
        self.problem_list.setMaximumHeight(130)
        self.problem_list.setWordWrap(True)
        self.problem_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problem_list.itemActivated.connect(self._go_to)
        self.problem_list.itemClicked.connect(self._go_to)
        tools = QHBoxLayout()
        for widget in (self.bold, self.list_button, self.heading):
            tools.addWidget(widget)
        tools.addSpacing(12)
        tools.addWidget(self.link_target, 1)
        tools.addWidget(self.link)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.problem_list)
        self.bold.clicked.connect(self.make_bold)
        self.list_button.clicked.connect(self.make_list)
        self.heading.clicked.connect(self.make_heading)
        self.link.clicked.connect(self.insert_link)
        self.edit.textChanged.connect(self.changed)

    def set_targets(self, pages: Sequence[tuple[str, str]]) -> None:
        """``(title, target)`` of everything a link may open (``section:slug``, ``signup:``)."""
        current = self.link_target.currentData()
        self.link_target.clear()
        for title, slug in pages:
            self.link_target.addItem(title, slug)
        found = self.link_target.findData(current)
        if found >= 0:
            self.link_target.setCurrentIndex(found)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.blockSignals(True)
        self.edit.setPlainText(text)
        self.edit.blockSignals(False)
        self.edit.set_problems([])
        self.edit.fit_margin()

    # The buttons: Markdown's marks written for staff --------------------------------------

    def _wrap(self, before: str, after: str, empty: str) -> None:
        cursor = self.edit.textCursor()
        chosen = cursor.selectedText() or empty
        cursor.insertText(f"{before}{chosen}{after}")
        self.edit.setFocus()

    def make_bold(self) -> None:
        self._wrap("**", "**", "bold words")

    def insert_link(self) -> None:
        target = self.link_target.currentData()
        if not target:
            return
        cursor = self.edit.textCursor()
        words = cursor.selectedText() or self.link_target.currentText()
        cursor.insertText(f"[{words}]({target})")
        self.edit.setFocus()

    def _prefix_lines(self, prefix: str) -> None:
        """Start every line the cursor or selection touches with ``prefix``, once."""
        cursor = self.edit.textCursor()
        document = self.edit.document()
        first = document.findBlock(min(cursor.selectionStart(), cursor.selectionEnd()))
        last = document.findBlock(max(cursor.selectionStart(), cursor.selectionEnd()))
        cursor.beginEditBlock()
        block = first
        while block.isValid() and block.blockNumber() <= last.blockNumber():
            if not block.text().startswith(prefix):
                cursor.setPosition(block.position())
                cursor.insertText(prefix)
            block = block.next()
        cursor.endEditBlock()
        self.edit.setFocus()

    def make_list(self) -> None:
        self._prefix_lines("- ")

    def make_heading(self) -> None:
        self._prefix_lines("## ")

    # Problems -----------------------------------------------------------------------------

    def show_problems(self, problems: Sequence[LineProblem]) -> None:
        self.edit.set_problems(problems)
        self.problem_list.clear()
        for problem in sorted(problems, key=lambda p: (p.line, not p.error)):
            kind = "Problem" if problem.error else "Advice"
            item = QListWidgetItem(f"Line {problem.line}: {kind}: {problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.line)
            item.setForeground(ERROR if problem.error else WARNING)
            self.problem_list.addItem(item)
        self.problem_list.setVisible(bool(problems))

    def _go_to(self, item: QListWidgetItem) -> None:
        line = int(item.data(Qt.ItemDataRole.UserRole))
        block = self.edit.document().findBlockByNumber(line - 1)
        if block.isValid():
            self.edit.setTextCursor(QTextCursor(block))
            self.edit.setFocus()
