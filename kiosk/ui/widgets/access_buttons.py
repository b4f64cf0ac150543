"""The buttons on every patient page that change how the kiosk reads: language, text size,
contrast. The session owns what they change (``kiosk.session.Presentation``); the
window rebuilds the pages.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QPushButton

from kiosk.config import TEXT_PERCENTS
from kiosk.session import Presentation
from kiosk.ui.widgets import icons


class AccessButtons(QObject):
    """Three buttons, placed by whichever page shows them."""

    languageTapped = Signal()
    textSizeTapped = Signal()
    contrastTapped = Signal()

    def __init__(self, strings: Mapping[str, str], presentation: Presentation,
                 next_language_name: str | None, colours: tuple[str, str] = ("#000", "#FFF"),
                 icon_px: int = 32, parent: QObject | None = None) -> None:
        """``colours``: the buttons' text colour and the one they take when pressed."""
        super().__init__(parent)
        largest = presentation.text_percent == TEXT_PERCENTS[-1]
        # The language button names the other language in that language ("Español"), the
        # way a patient who reads it looks for it.
        self.language = QPushButton(next_language_name or "")
        self.language.setObjectName("Access")
        self.language.setAccessibleName(next_language_name or "")
        # Only ever hide here: showing a button that has no parent yet opens it as a window of
        # its own for a moment, which takes the focus from the kiosk at every rebuild.
        if next_language_name is None:
            self.language.hide()
        size_text = strings["normal_text"] if largest else strings["larger_text"]
        self.text_size = QPushButton(f"{'A' if largest else 'A+'}  {size_text}")
        self.text_size.setObjectName("Access")
        self.text_size.setAccessibleName(size_text)
        # The symbol is drawn: '◐' is not in the kiosk's font (see icons.py).
        self.contrast = QPushButton(f" {strings['high_contrast']}")  # a gap after the symbol
        self.contrast.setObjectName("Access")
        # When it is on, the button says so by shape, not colour: a thicker border (theme.py)
        # and the circle filled whole, in the colour of the text on the filled button.
        symbol = QIcon()
        for on, state in ((False, QIcon.State.Off), (True, QIcon.State.On)):
            drawn = icons.contrast(colours[1] if on else colours[0], icon_px, 2.0, on=on)
            symbol.addPixmap(drawn.pixmap(QSize(icon_px, icon_px), 2.0), QIcon.Mode.Normal, state)
        self.contrast.setIcon(symbol)
        self.contrast.setIconSize(QSize(icon_px, icon_px))
        self.contrast.setAccessibleName(strings["high_contrast"])
        self.contrast.setCheckable(True)
        self.contrast.setChecked(presentation.high_contrast)
        # At larger text the header shows this one button instead of the three, which then
        # open below it: "Aa" is the usual sign for text settings, and the words stay readable.
        self.more = QPushButton("Aa")
        self.more.setObjectName("Access")
        self.more.setAccessibleName(strings["reading_options"])
        self.more.setCheckable(True)
        for button in (*self.buttons(), self.more):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The page showing the buttons owns them; this object goes with them. (Its parent is the
        # window, which outlives every rebuild: one was left behind per page and rebuild.)
        self.contrast.destroyed.connect(self.deleteLater)
        self.language.clicked.connect(self.languageTapped)
        self.text_size.clicked.connect(self.textSizeTapped)
        # Toggling is the window's job (it rebuilds); the button only reports the tap.
        self.contrast.clicked.connect(self.contrastTapped)

    def buttons(self) -> list[QPushButton]:
        return [self.language, self.text_size, self.contrast]
