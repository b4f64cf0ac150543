"""The "Listen" button: reads a page aloud, turns into "Stop", highlights the paragraph read.

One ``Speaker`` per kiosk (made in ``app.build``) runs the speech: for each paragraph an engine
process piped into a player process (``QProcess.setStandardOutputProcess``), so nothing
waits on the UI thread and the sound starts as soon as the engine's first bytes reach the
player. Reading a paragraph at a time is what lets the page highlight the one being read:
espeak-ng's command line reports no word positions, so words are not highlighted.

A button stops its reading when its page is hidden (a page change, the idle reset's start
screen); the window stops the speaker when it rebuilds the pages (language, text size).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtGui import QColor, QHideEvent, QTextCharFormat, QTextFormat
from PySide6.QtWidgets import QPushButton, QTextEdit, QWidget

from kiosk.speech import Paragraph, SpeechConfig, commands

log = logging.getLogger(__name__)
_SPACE = re.compile(r"\s+")
# How long stop() waits for a killed process to be reaped (it is SIGKILLed: milliseconds).
REAP_MS = 2000


class Speaker(QObject):
    """Reads paragraphs aloud, one after another, for one owner at a time."""

    # (owner, index of the paragraph now being read)
    paragraphStarted = Signal(object, int)
    # (owner): the reading ended, read to the end or stopped.
    finished = Signal(object)

    def __init__(self, config: SpeechConfig, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._owner: object | None = None
        self._language = ""
        self._queue: list[str] = []
        self._index = -1
        self._engine: QProcess | None = None
        self._player: QProcess | None = None

    @property
    def owner(self) -> object | None:
        return self._owner

    def speak(self, owner: object, language: str, texts: Sequence[str]) -> None:
        """Read ``texts`` in ``language`` for ``owner``; whatever was being read stops."""
        self.stop()
        if not texts:
            return
        self._owner = owner
        self._language = language
        self._queue = list(texts)
        self._index = -1
        self._next()

    def stop(self) -> None:
        owner = self._owner
        if owner is None:
            return
        self._owner = None
        self._queue = []
        self._end_processes()
        self.finished.emit(owner)

    def _end_processes(self) -> None:
        for process in (self._engine, self._player):
            if process is None:
                continue
            process.blockSignals(True)
            if process.state() != QProcess.ProcessState.NotRunning:
                process.kill()
                process.waitForFinished(REAP_MS)
            process.deleteLater()
        self._engine = self._player = None

    def _next(self) -> None:
        self._end_processes()
        self._index += 1
        if self._owner is None:
            return
        if self._index >= len(self._queue):
            owner, self._owner = self._owner, None
            self.finished.emit(owner)
            return
        command = commands(self._config, self._language)
        engine, player = QProcess(self), QProcess(self)
        self._engine, self._player = engine, player
        engine.setStandardOutputProcess(player)
        engine.setStandardErrorFile(QProcess.nullDevice())
        player.setStandardOutputFile(QProcess.nullDevice())
        player.setStandardErrorFile(QProcess.nullDevice())
        player.finished.connect(self._on_player_finished)
        player.errorOccurred.connect(self._on_error)
        engine.errorOccurred.connect(self._on_error)
        player.start(command.player[0], command.player[1:])
        engine.start(command.engine[0], command.engine[1:])
        engine.write(self._queue[self._index].encode("utf-8"))
        engine.closeWriteChannel()
        self.paragraphStarted.emit(self._owner, self._index)

    def _on_player_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if code != 0 or status != QProcess.ExitStatus.NormalExit:
            # No sound card after all (unplugged): stop quietly, never crash.
            log.warning("speech player ended with %s (exit %d); reading stopped",
                        status.name, code)
            self.stop()
            return
        self._next()

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            log.warning("speech could not start (%s); reading stopped", error.name)
            self.stop()


class ListenButton(QPushButton):
    """ "Listen" on a page; "Stop" while it reads. ``text`` is the page's text widget, in
    which the paragraph being read is highlighted."""

    def __init__(self, speaker: Speaker, strings: Mapping[str, str], language: str,
                 paragraphs: Sequence[Paragraph], text: QTextEdit | None = None,
                 colours: tuple[str, str] = ("#FFFFFF", "#000000"),
                 parent: QWidget | None = None) -> None:
        """``colours``: the page's background and text colours; the paragraph being read is
        shown in them swapped, so it keeps the page's contrast in either theme."""
        super().__init__(parent)
        self.setObjectName("ListenButton")
        self._speaker = speaker
        self._strings = strings
        self._language = language
        self._paragraphs = list(paragraphs)
        self._text = text
        self._colours = (QColor(colours[0]), QColor(colours[1]))
        self._blocks: list[int | None] = []
        self.speaking = False
        self.highlighted: int | None = None  # the paragraph highlighted now, for tests
        self.clicked.connect(self.toggle)
        speaker.paragraphStarted.connect(self._on_paragraph)
        speaker.finished.connect(self._on_finished)
        self._show_state()

    def toggle(self) -> None:
        if self.speaking:
            self._speaker.stop()
            return
        self._blocks = self._find_blocks()
        self.speaking = True
        self._show_state()
        self._speaker.speak(self, self._language, [p.spoken for p in self._paragraphs])

    def stop(self) -> None:
        if self._speaker.owner is self:
            self._speaker.stop()

    def hideEvent(self, event: QHideEvent) -> None:
        # Its page went off screen: a page change, the start screen after the idle reset.
        self.stop()
        super().hideEvent(event)

    def _show_state(self) -> None:
        key = "listen_stop" if self.speaking else "listen"
        self.setText(self._strings[key])
        self.setAccessibleName(self._strings[f"{key}_name"])

    def _on_paragraph(self, owner: object, index: int) -> None:
        if owner is self:
            self._highlight(index)

    def _on_finished(self, owner: object) -> None:
        if owner is self:
            self.speaking = False
            self._highlight(None)
            self._show_state()

    # Highlighting ---------------------------------------------------------------------

    def _find_blocks(self) -> list[int | None]:
        """For each paragraph, the number of the text block that shows it (None: the title,
        or a block that was not found), matched in order by its words."""
        found: list[int | None] = []
        if self._text is None:
            return [None] * len(self._paragraphs)
        blocks = []
        block = self._text.document().begin()
        while block.isValid():
            blocks.append(_SPACE.sub(" ", block.text()).strip())
            block = block.next()
        at = 0
        for paragraph in self._paragraphs:
            match = next((i for i in range(at, len(blocks)) if blocks[i] == paragraph.shown),
                         None)
            found.append(match)
            if match is not None:
                at = match + 1
        return found

    def _highlight(self, index: int | None) -> None:
        self.highlighted = None
        if self._text is None:
            return
        selections = []
        number = self._blocks[index] if index is not None and index < len(self._blocks) \
            else None
        if number is not None:
            block = self._text.document().findBlockByNumber(number)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._text.textCursor()
            selection.cursor.setPosition(block.position())
            selection.cursor.setPosition(block.position() + block.length() - 1,
                                         selection.cursor.MoveMode.KeepAnchor)
            char_format = QTextCharFormat()
            char_format.setBackground(self._colours[1])
            char_format.setForeground(self._colours[0])
            char_format.setProperty(QTextFormat.Property.FullWidthSelection, False)
            selection.format = char_format
            selections.append(selection)
            self._scroll_to(block.position())
            self.highlighted = index
        self._text.setExtraSelections(selections)

    def _scroll_to(self, position: int) -> None:
        """Bring the paragraph being read on screen if it is not (a long page)."""
        assert self._text is not None
        document = self._text.document()
        rect = document.documentLayout().blockBoundingRect(document.findBlock(position))
        bar = self._text.verticalScrollBar()
        seen = self._text.viewport().height()
        if rect.top() < bar.value() or rect.bottom() > bar.value() + seen:
            bar.setValue(int(rect.top()))
